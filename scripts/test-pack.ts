/**
 * The package as a user gets it: `npm pack`, then a new empty project in a temporary folder
 * that installs the tarball with its peers from the registry and checks that
 *
 * 1. the tarball holds `dist/` (code and types), README, LICENSE and package.json only;
 * 2. `import` works, and the embedded engine compresses through it;
 * 3. `require` works (Node >= 20.19 loads the ES module);
 * 4. a strict TypeScript consumer that handles the exact error union with `Effect.catchTags`
 *    type-checks against the installed types, with this project's TypeScript;
 * 5. a program that imports only the package root type-checks as a browser or worker project
 *    would: `lib: ["ES2022", "DOM"]`, no Node types, `skipLibCheck: false` (the root's
 *    declarations reach no Node or undici type);
 * 6. `kaizen-effect/cache` type-checks without `ioredis` installed (an optional peer);
 * 7. the `kaizen` bin runs: `npx kaizen compress prompt.json --local` prints the KTOF.
 *
 * The engine package (`@kaizen-effect/engine`, a dependency not yet on the registry) is packed
 * too and installed from its tarball alongside.
 *
 * Run: npm run test:pack (CI runs it after npm test). KEEP=1 keeps the folder for a look.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  readonly peerDependencies: Readonly<Record<string, string>>
}
const npm = process.platform === "win32" ? "npm.cmd" : "npm"
const npx = process.platform === "win32" ? "npx.cmd" : "npx"
const started = Date.now()

const step = (what: string) => console.log(`test:pack ${((Date.now() - started) / 1000).toFixed(1)}s  ${what}`)

const run = (command: string, args: ReadonlyArray<string>, cwd: string): string => {
  try {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
  } catch (error) {
    const { stderr, stdout } = error as { stdout?: string; stderr?: string }
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}\n${stdout ?? ""}${stderr ?? ""}`)
  }
}

const expectEqual = (what: string, actual: unknown, expected: unknown) => {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}:\n  expected ${JSON.stringify(expected)}\n  got      ${JSON.stringify(actual)}`)
  }
}

const data = { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }] }
const ktof = "users[2]{id,name}:\n  1,Ada\n  2,Grace"

// Type-checks only if the error channel is exactly the union, and both cases are handled.
const consumer = `import { type ConfigError, Effect } from "effect"
import { KaizenClient, type KaizenAPIError, type KaizenRequestError } from "kaizen-effect"
import * as KaizenNode from "kaizen-effect/node"

const compress = Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress({ data: { a: 1 } }))

type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export const exact: Exactly<Effect.Effect.Error<typeof compress>, KaizenRequestError | KaizenAPIError> = true

export const handled: Effect.Effect<string, never, KaizenClient> = compress.pipe(
  Effect.map((response) => response.result),
  Effect.catchTags({
    KaizenAPIError: (error) => Effect.succeed(\`API error \${error.statusCode}\`),
    KaizenRequestError: (error) => Effect.succeed(\`not sent: \${error.reason}\`)
  })
)

export const unknownTag = compress.pipe(
  // @ts-expect-error: no such error in the union
  Effect.catchTags({ KaizenTimeoutError: () => Effect.succeed("") })
)

export const offline: Effect.Effect<string, ConfigError.ConfigError> = handled.pipe(
  Effect.provide(KaizenNode.layer({ baseUrl: "local" }))
)

// The short form: the root's KaizenClient is the tag itself, with the layers on it.
const quickStart = Effect.gen(function*() {
  const kaizen = yield* KaizenClient
  const encoded = yield* kaizen.promptsEncode({ prompt: { messages: [] }, token_models: ["gpt-4o-mini"] })
  return (yield* kaizen.promptsDecode({ ktof: encoded.result })).result
})
export const quick: Effect.Effect<unknown, KaizenRequestError | KaizenAPIError, KaizenClient> = quickStart
export const provided = quickStart.pipe(Effect.provide(KaizenNode.layerConfig()))
`

// A browser or worker program: the root only, over fetch, with DOM types and no Node types.
const browser = `import { FetchHttpClient } from "@effect/platform"
import { Effect, Layer, Stream } from "effect"
import { KaizenBatch, KaizenClient, KaizenConfig, KaizenError, KaizenLocal, KaizenRetry, KaizenSchema } from "kaizen-effect"

const live = KaizenClient.layer({ baseUrl: "https://kaizen.example/", retry: KaizenRetry.policy({ maxRetries: 3 }) }).pipe(
  Layer.provide(FetchHttpClient.layer)
)
export const encoded: Effect.Effect<string, KaizenError.KaizenError | import("effect").ConfigError.ConfigError> = Effect.flatMap(
  KaizenClient,
  (kaizen) => Effect.map(kaizen.compress({ data: { a: 1 } }), (response) => response.result)
).pipe(Effect.provide(live))
export const offline = KaizenLocal.layer({ retry: false })
export const overHttpText = KaizenClient.layerConfig().pipe(Layer.provide(KaizenLocal.layerHttpClient()))
export const batch = KaizenBatch.stream([{ data: 1 }], "compress").pipe(Stream.runCollect)
export const base: string = KaizenConfig.LOCAL_BASE_URL
export const request = KaizenSchema.EncodeRequest
`

const browserTsconfig = {
  compilerOptions: {
    target: "ES2022",
    lib: ["ES2022", "DOM"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    skipLibCheck: false,
    // No Node types at all: a declaration that needs them fails this check.
    types: []
  },
  files: ["browser.ts"]
}

// The cache's module, with @effect/experimental installed and ioredis not.
const cacheConsumer = `import { Layer } from "effect"
import * as KaizenCache from "kaizen-effect/cache"
import * as KaizenNode from "kaizen-effect/node"
const redis: KaizenCache.RedisConnection = { host: "127.0.0.1", port: 6379 }
export const cached = KaizenCache.layerRedis({ redis, timeToLive: "1 day" }).pipe(Layer.provide(KaizenNode.layerConfig()))
export const inMemory = KaizenCache.layer({ capacity: 100 })
`

const tsconfig = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    // The installed declaration files are checked too, this package's included.
    skipLibCheck: false,
    types: ["node"],
    typeRoots: [join(root, "node_modules", "@types")]
  },
  files: ["consumer.ts"]
}

const main = () => {
  const dir = mkdtempSync(join(tmpdir(), "kaizen-pack-"))
  let ok = false
  try {
    step("npm pack (builds dist/ first)")
    const packed = JSON.parse(run(npm, ["pack", "--json", "--pack-destination", dir], root)) as Array<{
      readonly filename: string
      readonly files: ReadonlyArray<{ readonly path: string; readonly mode: number }>
    }>
    const { filename, files } = packed[0]!
    const stray = files.map((f) => f.path).filter((path) =>
      !(path.startsWith("dist/") && /\.(js|d\.ts)$/.test(path)) && !["README.md", "LICENSE", "package.json"].includes(path)
    )
    expectEqual("files in the tarball other than dist/*.js, dist/*.d.ts, README, LICENSE", stray, [])
    for (const needed of ["dist/index.js", "dist/index.d.ts", "dist/KaizenAi.d.ts", "dist/KaizenCache.d.ts", "dist/KaizenNode.d.ts", "dist/cli/main.js", "LICENSE", "README.md"]) {
      if (!files.some((f) => f.path === needed)) throw new Error(`the tarball has no ${needed}`)
    }
    step(`${filename}: ${files.length} files`)
    const engine = JSON.parse(run(npm, ["pack", "--json", "--pack-destination", dir, "-w", "@kaizen-effect/engine"], root)) as Array<{
      readonly filename: string
    }>
    const engineFile = engine[0]!.filename

    const project = join(dir, "consumer")
    mkdirSync(project)
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, version: "0.0.0" }))
    const peers = ["effect", "@effect/platform", "@effect/experimental"].map((name) => `${name}@${manifest.peerDependencies[name]}`)
    step(`npm i ${engineFile} ${filename} ${peers.join(" ")}`)
    run(npm, ["install", join(dir, engineFile), join(dir, filename), ...peers, "--no-audit", "--no-fund", "--prefer-offline"], project)

    step("import")
    const imported = run(process.execPath, [
      "--input-type=module",
      "-e",
      `import { Effect } from "effect"
       import { KaizenClient } from "kaizen-effect"
       import * as KaizenNode from "kaizen-effect/node"
       const program = Effect.gen(function*() {
         const kaizen = yield* KaizenClient
         return yield* kaizen.compress({ data: ${JSON.stringify(data)} })
       })
       const response = await Effect.runPromise(program.pipe(Effect.provide(KaizenNode.layer({ baseUrl: "local" }))))
       process.stdout.write(response.result)`
    ], project)
    expectEqual("KTOF through import", imported, ktof)

    step("require")
    const required = run(process.execPath, [
      "-e",
      `const kaizen = require("kaizen-effect")
       const node = require("kaizen-effect/node")
       process.stdout.write([typeof kaizen.KaizenClient, typeof kaizen.KaizenLocal.serve, kaizen.KaizenConfig.LOCAL_BASE_URL, typeof node.layerConfig].join(" "))`
    ], project)
    expectEqual("exports through require", required, "function function local function")

    step("tsc --noEmit (strict) on a consumer of the exact error union")
    writeFileSync(join(project, "consumer.ts"), consumer)
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify(tsconfig, null, 2))
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
    run(process.execPath, [tsc, "-p", "tsconfig.json"], project)

    step("tsc on a browser program (root only, DOM lib, no Node types, skipLibCheck false)")
    writeFileSync(join(project, "browser.ts"), browser)
    writeFileSync(join(project, "tsconfig.browser.json"), JSON.stringify(browserTsconfig, null, 2))
    run(process.execPath, [tsc, "-p", "tsconfig.browser.json"], project)

    step("tsc on kaizen-effect/cache without ioredis installed")
    if (existsSync(join(project, "node_modules", "ioredis"))) throw new Error("ioredis is installed: the check would prove nothing")
    writeFileSync(join(project, "cache.ts"), cacheConsumer)
    writeFileSync(join(project, "tsconfig.cache.json"), JSON.stringify({ ...tsconfig, files: ["cache.ts"] }, null, 2))
    run(process.execPath, [tsc, "-p", "tsconfig.cache.json"], project)

    step("npx kaizen compress prompt.json --local")
    writeFileSync(join(project, "prompt.json"), JSON.stringify(data, null, 2))
    const fromBin = run(npx, ["kaizen", "compress", "prompt.json", "--local"], project)
    expectEqual("KTOF from the kaizen bin", fromBin, `${ktof}\n`)

    ok = true
    step("ok")
  } finally {
    if (process.env.KEEP === "1" || !ok) console.log(`test:pack: the project is in ${dir}`)
    if (process.env.KEEP !== "1" && ok) rmSync(dir, { recursive: true, force: true })
  }
}

try {
  main()
} catch (error) {
  console.error(`test:pack failed: ${(error as Error).message}`)
  process.exitCode = 1
}
