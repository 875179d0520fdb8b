/**
 * The engine's dependency rules, read from the sources' static imports:
 *
 * - importing `KaizenLocal` (and so the package root) loads neither the codec, nor the
 *   tokenizer, nor anything Node-only: they load when the engine is first used;
 * - `src/local/` never imports the client (`src/KaizenClient.ts`);
 * - the codec and the tokenizer are imported under `src/local/` and nowhere else;
 * - only `src/local/server.ts` imports Node.
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"

const root = resolve(dirname(new URL(import.meta.url).pathname), "../..")
const src = join(root, "src")

// `import x from "m"`, `import { x } from "m"`, `export * from "m"`, `import "m"`; not
// `import type` (erased) and not `import("m")` (loaded on demand).
const staticImport = /^(?:import|export)\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm

const importsOf = (file: string): Array<string> =>
  [...readFileSync(file, "utf8").matchAll(staticImport)].map((match) => match[1]!)

const resolveLocal = (from: string, specifier: string): string =>
  resolve(dirname(from), specifier.replace(/\.js$/, ".ts"))

/** Every module reachable from `entry` by static imports: files, and package specifiers. */
const reachable = (entry: string): Set<string> => {
  const seen = new Set<string>()
  const stack = [entry]
  while (stack.length > 0) {
    const file = stack.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith(".")) stack.push(resolveLocal(file, specifier))
      else seen.add(specifier)
    }
  }
  return seen
}

const sources = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : []
  })

const heavyOrNodeOnly = (specifier: string) =>
  specifier === "@toon-format/toon" || specifier.startsWith("gpt-tokenizer") || specifier.startsWith("node:") ||
  specifier.startsWith("@effect/platform-node") || specifier.endsWith("/local/handlers.ts") ||
  specifier.endsWith("/local/server.ts")

describe("dependency rules", () => {
  it("importing KaizenLocal loads no codec, no tokenizer and nothing Node-only", () => {
    const loaded = [...reachable(join(src, "KaizenLocal.ts"))].filter(heavyOrNodeOnly)
    expect(loaded).toEqual([])
  })

  it("importing the package root loads no codec, no tokenizer and nothing Node-only", () => {
    // KaizenClient.layerNode reaches the Node transport through a dynamic import, on demand.
    const loaded = [...reachable(join(src, "index.ts"))].filter((specifier) =>
      heavyOrNodeOnly(specifier) || specifier === "undici" || specifier.endsWith("/KaizenNode.ts")
    )
    expect(loaded).toEqual([])
  })

  it("what the package root reaches uses no Node-only global (Buffer, process)", () => {
    const files = [...reachable(join(src, "index.ts"))].filter((f) => f.endsWith(".ts"))
    for (const file of files) {
      const code = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")
      expect({ file: relative(root, file), node: /\b(Buffer|process)\./.test(code) })
        .toEqual({ file: relative(root, file), node: false })
    }
  })

  it("the engine loads the codec, statically, once it is used", () => {
    expect(reachable(join(src, "local", "handlers.ts")).has("@toon-format/toon")).toBe(true)
  })

  it("src/local never imports the client", () => {
    for (const file of sources(join(src, "local"))) {
      expect({ file: relative(root, file), client: reachable(file).has(join(src, "KaizenClient.ts")) })
        .toEqual({ file: relative(root, file), client: false })
    }
  })

  it("the codec and the tokenizer are imported under src/local only, and Node only by its server", () => {
    for (const file of sources(src)) {
      const name = relative(src, file)
      for (const specifier of importsOf(file)) {
        if (specifier === "@toon-format/toon" || specifier.startsWith("gpt-tokenizer")) {
          expect({ name, specifier, local: name.startsWith("local/") }).toEqual({ name, specifier, local: true })
        }
        if (name.startsWith("local/") && (specifier.startsWith("node:") || specifier.startsWith("@effect/platform-node"))) {
          expect({ name, specifier }).toEqual({ name: "local/server.ts", specifier })
        }
      }
    }
  })
})
