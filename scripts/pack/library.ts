/**
 * `kaizen-effect` as a library user installs it, with the README's line (the engine from its
 * tarball while it is not on the registry):
 *
 *   npm install kaizen-effect effect@^3.22.4 @effect/platform@^0.97.2
 *
 * 1. the install is light: at most 70 MB and 15 packages (measured with `du` and printed);
 * 2. `import` works, and the embedded engine compresses through `KaizenNode.layer`, and through
 *    `KaizenNode.layerConfig()` with `KAIZEN_BASE_URL=local`;
 * 3. `require` works (Node >= 20.19 loads the ES module);
 * 4. `KaizenLocal.serve` without `@effect/platform-node` (an optional peer) dies with the line
 *    that installs it;
 * 5. a strict TypeScript consumer that handles the exact error union with `Effect.catchTags`
 *    type-checks against the installed types;
 * 6. a program that imports only the package root type-checks as a browser or worker project
 *    would: `lib: ["ES2022", "DOM"]`, no Node types, `skipLibCheck: false`;
 * 7. `kaizen-effect/cache` type-checks with `@effect/experimental` and without `ioredis`.
 */
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { expectEqual, measure, node, npm, project, root, run, step, type Tarballs, typeCheck } from "./support.js"

/** The goal of issue 23 for the README's install line. */
export const MAX_MEGABYTES = 70
export const MAX_PACKAGES = 15

const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  readonly peerDependencies: Readonly<Record<string, string>>
}
const peer = (name: string) => `${name}@${manifest.peerDependencies[name]}`

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

// The cache's module, with @effect/experimental installed and ioredis not.
const cacheConsumer = `import { Layer } from "effect"
import * as KaizenCache from "kaizen-effect/cache"
import * as KaizenNode from "kaizen-effect/node"
const redis: KaizenCache.RedisConnection = { host: "127.0.0.1", port: 6379 }
export const cached = KaizenCache.layerRedis({ redis, timeToLive: "1 day" }).pipe(Layer.provide(KaizenNode.layerConfig()))
export const inMemory = KaizenCache.layer({ capacity: 100 })
`

const compressWith = (layer: string) => `import { Effect } from "effect"
import { KaizenClient } from "kaizen-effect"
import * as KaizenNode from "kaizen-effect/node"
const program = Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress({ data: ${JSON.stringify(data)} }))
const response = await Effect.runPromise(program.pipe(Effect.provide(${layer})))
process.stdout.write(response.result)`

export const checkLibrary = (tarballs: Tarballs) => {
  const dir = project(tarballs.dir, "library", [tarballs.engine, tarballs.library, peer("effect"), peer("@effect/platform")])

  const { megabytes, packages } = measure(dir)
  step(`library: ${megabytes.toFixed(1)} MB in ${packages.length} packages (${packages.join(", ")})`)
  if (megabytes > MAX_MEGABYTES || packages.length > MAX_PACKAGES) {
    throw new Error(`the library's install is ${megabytes.toFixed(1)} MB in ${packages.length} packages; the goal is at most ${MAX_MEGABYTES} MB and ${MAX_PACKAGES} packages`)
  }
  for (const absent of ["@effect/platform-node", "gpt-tokenizer", "@effect/cli"]) {
    if (existsSync(join(dir, "node_modules", absent))) throw new Error(`${absent} is installed with the library`)
  }

  step("library: import, the engine through KaizenNode.layer({ baseUrl: \"local\" })")
  expectEqual("KTOF through import", node(compressWith(`KaizenNode.layer({ baseUrl: "local" })`), dir), ktof)

  step("library: KAIZEN_BASE_URL=local through KaizenNode.layerConfig()")
  const env: NodeJS.ProcessEnv = { ...process.env, KAIZEN_BASE_URL: "local" }
  delete env.KAIZEN_API_KEY
  expectEqual("KTOF with KAIZEN_BASE_URL=local", node(compressWith("KaizenNode.layerConfig()"), dir, env), ktof)

  step("library: require")
  const required = run(process.execPath, [
    "-e",
    `const kaizen = require("kaizen-effect")
     const node = require("kaizen-effect/node")
     process.stdout.write([typeof kaizen.KaizenClient, typeof kaizen.KaizenLocal.serve, kaizen.KaizenConfig.LOCAL_BASE_URL, typeof node.layerConfig].join(" "))`
  ], dir)
  expectEqual("exports through require", required, "function function local function")

  step("library: KaizenLocal.serve without @effect/platform-node says how to install it")
  const serve = node(
    `import { Cause, Effect, Exit } from "effect"
     import { KaizenLocal } from "kaizen-effect"
     const exit = await Effect.runPromiseExit(Effect.scoped(KaizenLocal.serve({ port: 0 })))
     process.stdout.write(Exit.isFailure(exit) ? String(Cause.squash(exit.cause)) : "served")`,
    dir
  )
  if (!serve.includes("npm install @effect/platform-node@")) throw new Error(`KaizenLocal.serve without the peer: ${serve}`)

  step("library: tsc --noEmit (strict) on a consumer of the exact error union")
  typeCheck(dir, "consumer", { "consumer.ts": consumer })

  step("library: tsc on a browser program (root only, DOM lib, no Node types, skipLibCheck false)")
  // No Node types at all: a declaration that needs them fails this check.
  typeCheck(dir, "browser", { "browser.ts": browser }, { lib: ["ES2022", "DOM"], types: [], noUncheckedIndexedAccess: false })

  step("library: tsc on kaizen-effect/cache with @effect/experimental and without ioredis")
  run(npm, ["install", peer("@effect/experimental"), "--no-audit", "--no-fund", "--prefer-offline"], dir)
  if (existsSync(join(dir, "node_modules", "ioredis"))) throw new Error("ioredis is installed: the check would prove nothing")
  typeCheck(dir, "cache", { "cache.ts": cacheConsumer })
  return { megabytes, packages: packages.length }
}
