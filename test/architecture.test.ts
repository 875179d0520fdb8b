/**
 * The dependency rules of ARCHITECTURE.md, read from every import in src/ and in the engine's
 * and the CLI's src/ (static, type-only and dynamic alike: an arrow is an arrow, whenever it loads):
 *
 * - the client core (KaizenClient, KaizenConfig, KaizenRetry, KaizenSchema, KaizenError,
 *   internal/) imports nothing from local/, and of the engine only its JSON helpers;
 * - local/ (the engine's Effect adapters) imports only local/ and the contract (KaizenSchema,
 *   KaizenError, contract/) among the library's files;
 * - contract/ sits below both: it imports only the contract (and the engine's JSON helpers);
 * - the library reaches the engine by its package name only, never by a path into packages/;
 * - the engine (packages/engine/src) imports no Effect and nothing of the library: only its own
 *   files, the codec and the tokenizer; its JSON helpers load neither;
 * - the CLI (packages/cli/src) reaches the library and the engine by their package names and
 *   public entry points only, never by a path; nothing of the library imports the CLI, and no
 *   library file touches process.stdout, stderr, argv or exit (the CLI's job);
 * - the package root loads (statically) no Node module, no undici, no engine, no tokenizer;
 *   the Node transport and the engine load on demand;
 * - the codec and the tokenizer are imported by the engine only, and Node in local/ only by its server.
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"

const root = resolve(dirname(new URL(import.meta.url).pathname), "..")
const src = join(root, "src")
const engineSrc = join(root, "packages", "engine", "src")
const cliSrc = join(root, "packages", "cli", "src")

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

const target = (base: string, from: string, specifier: string): string =>
  specifier.startsWith(".") ? relative(base, resolve(dirname(from), specifier.replace(/\.js$/, ".ts"))) : specifier

/** Every arrow under `base`, as [importer, imported] relative to it (packages as named). */
const arrowsUnder = (base: string): ReadonlyArray<readonly [string, string, Arrow]> =>
  sources(base).flatMap((file) => arrowsOf(file).map((arrow) => [relative(base, file), target(base, file, arrow.specifier), arrow] as const))

const arrows = arrowsUnder(src)
const engineArrows = arrowsUnder(engineSrc)
const cliArrows = arrowsUnder(cliSrc)
const isEnginePackage = (m: string) => m === "@kaizen-effect/engine" || m.startsWith("@kaizen-effect/engine/")

const coreFaces = ["KaizenClient.ts", "KaizenConfig.ts", "KaizenRetry.ts", "KaizenSchema.ts", "KaizenError.ts"]
const isCore = (file: string) => coreFaces.includes(file) || file.startsWith("internal/")
const isContract = (file: string) => file === "KaizenSchema.ts" || file === "KaizenError.ts" || file.startsWith("contract/")
const isLocal = (file: string) => file.startsWith("local/")
const isFile = (imported: string) => imported.endsWith(".ts")

const violations = (rule: (from: string, to: string) => boolean) =>
  arrows.filter(([from, to]) => isFile(to) && rule(from, to)).map(([from, to]) => `${from} -> ${to}`)

/** Every module reachable from `entry` by eager imports: files, and package specifiers. */
/** What loading `entry` loads; with `types`, what its declarations may name (type imports too). */
const reachable = (
  entry: string,
  within: ReadonlyArray<readonly [string, string, Arrow]> = arrows,
  types = false
): Set<string> => {
  const seen = new Set<string>()
  const stack = [entry]
  while (stack.length > 0) {
    const file = stack.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    for (const [from, to, arrow] of within) {
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
    expect(arrows.some(([from, to]) => from === "KaizenLocal.ts" && to === "@kaizen-effect/engine")).toBe(true)
    expect(engineArrows.length).toBeGreaterThan(40)
    expect(cliArrows.some(([from, to]) => from === "app.ts" && to === "kaizen-effect")).toBe(true)
  })

  it("the client core imports nothing from local/, and of the engine only its JSON helpers", () => {
    expect(violations((from, to) => isCore(from) && isLocal(to))).toEqual([])
    const engine = arrows.filter(([from, to]) => isCore(from) && isEnginePackage(to) && to !== "@kaizen-effect/engine/json")
    expect(engine.map(([from, to]) => `${from} -> ${to}`)).toEqual([])
  })

  it("local/ imports only itself and the contract among the library's files", () => {
    expect(violations((from, to) => isLocal(from) && !(isLocal(to) || isContract(to)))).toEqual([])
  })

  it("contract/ imports only the contract, and of the engine only its JSON helpers", () => {
    expect(violations((from, to) => from.startsWith("contract/") && !isContract(to))).toEqual([])
    const engine = arrows.filter(([from, to]) => from.startsWith("contract/") && isEnginePackage(to) && to !== "@kaizen-effect/engine/json")
    expect(engine).toEqual([])
  })

  it("the library reaches the engine by its package name, never by a path into packages/", () => {
    expect(arrows.filter(([, to]) => to.includes("packages/")).map(([from, to]) => `${from} -> ${to}`)).toEqual([])
  })

  it("the engine imports no Effect and nothing of the library: its own files, the codec and the tokenizer only", () => {
    const outside = engineArrows.filter(([, to]) =>
      !(isFile(to) && !to.startsWith("..")) && to !== "@toon-format/toon" && !to.startsWith("gpt-tokenizer/")
    )
    expect(outside.map(([from, to]) => `${from} -> ${to}`)).toEqual([])
  })

  it("the engine's JSON helpers and defaults load neither the codec nor a tokenizer", () => {
    for (const entry of ["json/index.ts", "defaults.ts"]) {
      const loaded = [...reachable(entry, engineArrows)]
      expect({ entry, loaded: loaded.filter((m) => !isFile(m)) }).toEqual({ entry, loaded: [] })
    }
    expect(reachable("index.ts", engineArrows).has("@toon-format/toon")).toBe(true)
  })

  it("the CLI reaches the library and the engine by package name, through their public entry points only", () => {
    const publicEntries = ["kaizen-effect", "kaizen-effect/node", "@kaizen-effect/engine", "@kaizen-effect/engine/defaults", "@kaizen-effect/engine/json"]
    const outside = cliArrows.filter(([, to]) =>
      isFile(to) ? to.startsWith("..") : (to.startsWith("kaizen-effect") || isEnginePackage(to)) && !publicEntries.includes(to)
    )
    expect(outside.map(([from, to]) => `${from} -> ${to}`)).toEqual([])
  })

  it("the library imports nothing of the CLI, and no library file touches process.stdout, stderr, argv or exit", () => {
    expect(arrows.filter(([, to]) => to.startsWith("@kaizen-effect/cli")).map(([from, to]) => `${from} -> ${to}`)).toEqual([])
    const touching = sources(src)
      .filter((file) => /\bprocess\.(stdout|stderr|argv|exit)\b/.test(withoutComments(readFileSync(file, "utf8"))))
      .map((file) => relative(src, file))
    expect(touching).toEqual([])
  })

  it("the package root loads no Node module, undici, codec or tokenizer, and no Buffer or process global", () => {
    const loaded = [...reachable("index.ts")]
    const heavy = loaded.filter((m) =>
      m.startsWith("node:") || m === "undici" || m.startsWith("@effect/platform-node") || m === "@toon-format/toon" ||
      m.startsWith("gpt-tokenizer") || m === "KaizenNode.ts" || m === "@kaizen-effect/engine" || m === "local/server.ts"
    )
    expect(heavy).toEqual([])
    for (const file of loaded.filter(isFile)) {
      const code = withoutComments(readFileSync(join(src, file), "utf8"))
      expect({ file, node: /\b(Buffer|process)\./.test(code) }).toEqual({ file, node: false })
    }
  })

  it("KaizenLocal loads the engine (and so the codec) only on demand", () => {
    expect(reachable("KaizenLocal.ts").has("@kaizen-effect/engine")).toBe(false)
    expect(arrows.some(([from, to, arrow]) => from === "KaizenLocal.ts" && to === "@kaizen-effect/engine" && !arrow.eager)).toBe(true)
  })

  it("the package root's types reach no Node module, undici or @effect/platform-node (a browser project type-checks it)", () => {
    const named = [...reachable("index.ts", arrows, true)].filter((m) =>
      m.startsWith("node:") || m === "undici" || m.startsWith("@effect/platform-node") || m === "KaizenNode.ts" ||
      m === "local/server.ts"
    )
    expect(named).toEqual([])
  })

  it("the codec and the tokenizer are imported by the engine only, and Node in local/ only by its server", () => {
    for (const [from, to] of arrows) {
      expect({ from, to, codec: to === "@toon-format/toon" || to.startsWith("gpt-tokenizer") }).toEqual({ from, to, codec: false })
      if (isLocal(from) && (to.startsWith("node:") || to.startsWith("@effect/platform-node"))) {
        expect({ from, to }).toEqual({ from: "local/server.ts", to })
      }
    }
  })
})
