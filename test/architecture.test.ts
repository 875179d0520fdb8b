/**
 * The dependency rules of ARCHITECTURE.md, read from every import in src/ (static, type-only
 * and dynamic alike: an arrow is an arrow, whenever it loads):
 *
 * - the client core (KaizenClient, KaizenConfig, KaizenRetry, KaizenSchema, KaizenError,
 *   internal/) imports nothing from local/ or cli/;
 * - local/ (the engine) imports only local/, the contract (KaizenSchema, KaizenError,
 *   contract/) and the shared JSON helpers (json/);
 * - contract/ and json/ sit below both: they import only the contract and json/;
 * - nothing but cli/ imports cli/, or touches process.stdout, stderr, argv or exit;
 * - the package root loads (statically) no Node module, no undici, no codec, no tokenizer;
 *   the Node transport and the engine load on demand;
 * - the codec and the tokenizer are imported under local/ only, and Node there only by its server.
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"

const root = resolve(dirname(new URL(import.meta.url).pathname), "..")
const src = join(root, "src")

const sources = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : []
  })

const withoutComments = (code: string) => code.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")

// `import x from "m"`, `import type { x } from "m"`, `export * from "m"`, `import "m"`.
const staticImport = /^(?:import|export)\s+(type\s+)?(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm
const dynamicImport = /\bimport\(\s*["']([^"']+)["']\s*\)/g

interface Arrow {
  readonly specifier: string
  /** Loaded when the importing module loads (not erased, not on demand). */
  readonly eager: boolean
  /** `import()`: loaded on demand, and named by no declaration. */
  readonly dynamic: boolean
}

const arrowsOf = (file: string): Array<Arrow> => {
  const code = withoutComments(readFileSync(file, "utf8"))
  return [
    ...[...code.matchAll(staticImport)].map((m) => ({ specifier: m[2]!, eager: m[1] === undefined, dynamic: false })),
    ...[...code.matchAll(dynamicImport)].map((m) => ({ specifier: m[1]!, eager: false, dynamic: true }))
  ]
}

const target = (from: string, specifier: string): string =>
  specifier.startsWith(".") ? relative(src, resolve(dirname(from), specifier.replace(/\.js$/, ".ts"))) : specifier

/** Every arrow in src/, as [importer, imported] relative to src/ (packages as named). */
const arrows: ReadonlyArray<readonly [string, string, Arrow]> = sources(src).flatMap((file) =>
  arrowsOf(file).map((arrow) => [relative(src, file), target(file, arrow.specifier), arrow] as const)
)

const coreFaces = ["KaizenClient.ts", "KaizenConfig.ts", "KaizenRetry.ts", "KaizenSchema.ts", "KaizenError.ts"]
const isCore = (file: string) => coreFaces.includes(file) || file.startsWith("internal/")
const isContract = (file: string) => file === "KaizenSchema.ts" || file === "KaizenError.ts" || file.startsWith("contract/")
const isShared = (file: string) => file.startsWith("json/")
const isLocal = (file: string) => file.startsWith("local/")
const isCli = (file: string) => file.startsWith("cli/")
const isFile = (imported: string) => imported.endsWith(".ts")

const violations = (rule: (from: string, to: string) => boolean) =>
  arrows.filter(([from, to]) => isFile(to) && rule(from, to)).map(([from, to]) => `${from} -> ${to}`)

/** Every module reachable from `entry` by eager imports: files, and package specifiers. */
/** What loading `entry` loads; with `types`, what its declarations may name (type imports too). */
const reachable = (entry: string, types = false): Set<string> => {
  const seen = new Set<string>()
  const stack = [entry]
  while (stack.length > 0) {
    const file = stack.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    for (const [from, to, arrow] of arrows) {
      if (from !== file || !(arrow.eager || (types && !arrow.dynamic))) continue
      if (isFile(to)) stack.push(to)
      else seen.add(to)
    }
  }
  return seen
}

describe("dependency rules", () => {
  it("finds the imports it checks (the walk is not empty)", () => {
    expect(arrows.length).toBeGreaterThan(100)
    expect(arrows.some(([from, to]) => from === "KaizenLocal.ts" && to === "local/handlers.ts")).toBe(true)
  })

  it("the client core imports nothing from local/ or cli/", () => {
    expect(violations((from, to) => isCore(from) && (isLocal(to) || isCli(to)))).toEqual([])
  })

  it("local/ imports only itself, the contract and the shared JSON helpers", () => {
    expect(violations((from, to) => isLocal(from) && !(isLocal(to) || isContract(to) || isShared(to)))).toEqual([])
  })

  it("contract/ and json/ import only the contract and json/", () => {
    expect(violations((from, to) => (from.startsWith("contract/") || isShared(from)) && !(isContract(to) || isShared(to))))
      .toEqual([])
  })

  it("nothing outside cli/ imports cli/ or touches process.stdout, stderr, argv or exit", () => {
    expect(violations((from, to) => !isCli(from) && isCli(to))).toEqual([])
    const touching = sources(src)
      .filter((file) => !isCli(relative(src, file)))
      .filter((file) => /\bprocess\.(stdout|stderr|argv|exit)\b/.test(withoutComments(readFileSync(file, "utf8"))))
      .map((file) => relative(src, file))
    expect(touching).toEqual([])
  })

  it("the package root loads no Node module, undici, codec or tokenizer, and no Buffer or process global", () => {
    const loaded = [...reachable("index.ts")]
    const heavy = loaded.filter((m) =>
      m.startsWith("node:") || m === "undici" || m.startsWith("@effect/platform-node") || m === "@toon-format/toon" ||
      m.startsWith("gpt-tokenizer") || m === "KaizenNode.ts" || m.startsWith("local/handlers") || m === "local/server.ts"
    )
    expect(heavy).toEqual([])
    for (const file of loaded.filter(isFile)) {
      const code = withoutComments(readFileSync(join(src, file), "utf8"))
      expect({ file, node: /\b(Buffer|process)\./.test(code) }).toEqual({ file, node: false })
    }
  })

  it("the package root's types reach no Node module, undici or @effect/platform-node (a browser project type-checks it)", () => {
    const named = [...reachable("index.ts", true)].filter((m) =>
      m.startsWith("node:") || m === "undici" || m.startsWith("@effect/platform-node") || m === "KaizenNode.ts" ||
      m === "local/server.ts"
    )
    expect(named).toEqual([])
  })

  it("the engine loads the codec once it is used, and KaizenLocal loads it only on demand", () => {
    expect(reachable("local/handlers.ts").has("@toon-format/toon")).toBe(true)
    expect(reachable("KaizenLocal.ts").has("@toon-format/toon")).toBe(false)
  })

  it("the codec and the tokenizer are imported under local/ only, and Node there only by its server", () => {
    for (const [from, to] of arrows) {
      if (to === "@toon-format/toon" || to.startsWith("gpt-tokenizer")) {
        expect({ from, to, local: isLocal(from) }).toEqual({ from, to, local: true })
      }
      if (isLocal(from) && (to.startsWith("node:") || to.startsWith("@effect/platform-node"))) {
        expect({ from, to }).toEqual({ from: "local/server.ts", to })
      }
    }
  })
})
