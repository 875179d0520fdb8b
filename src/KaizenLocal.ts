/**
 * The embedded Kaizen engine: every route of the Kaizen API answered in-process, offline, by
 * the same KTOF codec, statistics, token counts and JSON auto-detection the service applies.
 *
 * It reaches users three ways: as the `KaizenClient` that calls the engine's operations with
 * the request as a value (`make`, `layer`; what `KAIZEN_BASE_URL=local` selects); as an
 * `HttpClient` that answers real HTTP text under an unchanged `KaizenClient` (`layerHttpClient`,
 * for tests of the HTTP path); and as an HTTP server (`serve`) that stands in for the service
 * for any client, in any language. The engine loads when first used, so importing this module
 * (or the package) costs nothing.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { makeService } from "./internal/client.js"
import type { Answer, Exchange } from "./internal/exchange.js"
import { requestText } from "./internal/request.js"
import { KaizenClient } from "./KaizenClient.js"
import * as KaizenConfig from "./KaizenConfig.js"
import type * as KaizenSchema from "./KaizenSchema.js"
import type * as Engine from "@kaizen-effect/engine"
import * as defaults from "@kaizen-effect/engine/defaults"
import { measureBody } from "@kaizen-effect/engine/json"
import { fromEngine } from "./local/answer.js"
import * as httpClient from "./local/httpClient.js"
import { loadServer } from "./local/loadServer.js"
import type * as serveOptions from "./local/serveOptions.js"

// The models below are interfaces over the engine's own types, not aliases of them, so that the
// API reference lists their fields (an alias would point at a type it does not document).

/**
 * Settings of the engine: `maxBodyBytes`, above which a body is answered 413 (default 10 MiB).
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenLocal } from "kaizen-effect"
 * const options: KaizenLocal.Options = { maxBodyBytes: 1024 * 1024 }
 */
export interface Options {
  /** Bodies larger than this many bytes are answered 413 (default 10 MiB). */
  readonly maxBodyBytes?: number | undefined
}

/**
 * Settings of {@link make} and {@link layer}: the client's options (retries, limits, headers, ...) and
 * the engine's (`maxBodyBytes`).
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenLocal } from "kaizen-effect"
 * const options: KaizenLocal.ClientOptions = { maxBodyBytes: 20 * 1024 * 1024, retry: false }
 */
export interface ClientOptions extends KaizenConfig.Options, Options {}

/**
 * Settings of the HTTP server: the engine's, plus `port` (default 8787; `0` picks a free one,
 * read it from the returned {@link Address}) and `host` (default `127.0.0.1`).
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenLocal } from "kaizen-effect"
 * const options: KaizenLocal.ServeOptions = { port: 0, host: "127.0.0.1" }
 */
export interface ServeOptions extends serveOptions.ServeOptions {}

/**
 * Where a running server listens: `hostname`, `port`, and `url`, the base URL for a client.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenLocal } from "kaizen-effect"
 * const show = (address: KaizenLocal.Address) => `Kaizen engine on ${address.url}`
 */
export interface Address extends serveOptions.Address {}

/**
 * The largest body the engine accepts by default: 10 MiB.
 *
 * @since 0.1.0
 * @category constants
 * @example
 * import { KaizenLocal } from "kaizen-effect"
 * const half = KaizenLocal.DEFAULT_MAX_BODY_BYTES / 2
 */
export const DEFAULT_MAX_BODY_BYTES: number = defaults.DEFAULT_MAX_BODY_BYTES

/**
 * The engine as the `HttpClient` layer: under any Kaizen client (`KaizenClient.layer`), every
 * call is answered in-process with the HTTP text the service would send, so every client
 * behaviour (body reading, timeouts, retries, middleware) runs as over the network. It routes
 * on the URL's path and ignores the origin, so any base URL works. For the direct route
 * without HTTP text, see {@link layer}.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { Effect, Layer } from "effect"
 * import { KaizenClient, KaizenLocal } from "kaizen-effect"
 *
 * const program = Effect.gen(function*() {
 *   const kaizen = yield* KaizenClient
 *   const encoded = yield* kaizen.compress({ data: { users: [{ id: 1, name: "Ada" }] } })
 *   return encoded.result // "users[1]{id,name}:\n  1,Ada"
 * })
 * program.pipe(Effect.provide(KaizenClient.layerConfig().pipe(Layer.provide(KaizenLocal.layerHttpClient()))))
 */
export const layerHttpClient = (options: Options = {}): Layer.Layer<HttpClient.HttpClient> =>
  Layer.sync(HttpClient.HttpClient, () => httpClient.make(options))

const toAnswer = (response: Engine.ValueResponse): Answer =>
  "envelope" in response
    ? { status: response.status, headers: response.headers, body: { _tag: "Json", value: response.envelope } }
    : { status: response.status, headers: response.headers, body: { _tag: "Text", text: response.body } }

/**
 * The exchange (internal/exchange.ts) that calls the engine: a request that is exactly JSON
 * (json/measure.ts) goes to the operation as the value, anything else as its JSON text to the
 * same handler a server uses, so every request is answered as over HTTP.
 */
const engineExchange = (engine: typeof Engine, options: Options): Exchange => {
  const operations = engine.makeOperations(options)
  const handle = engine.makeHandler(options)
  return {
    // The engine does no I/O: an attempt never waits, and its synchronous work cannot be
    // pre-empted by a timer, so the client adds none per attempt (the call's deadline, if
    // any, still applies). Stated here, where the layer is built.
    enforcesTimeout: true,
    readsSpan: false,
    prepare: (call) => {
      // Each attempt runs the engine anew, inside the client's limits and span: suspended,
      // so nothing is computed when the call is prepared.
      if (call.body === undefined) {
        return Either.right(Effect.suspend(() => Effect.map(fromEngine(handle({ method: "GET", path: call.info.path, body: "" })), toAnswer)))
      }
      const operation = call.operation as KaizenSchema.BodyOperation
      const measure = measureBody(call.body)
      if (measure !== undefined) {
        // The client validated `body` against the operation's contract Schema just before.
        const request = call.body as KaizenSchema.RequestBody<typeof operation>
        return Either.right(Effect.suspend(() => Effect.map(fromEngine(operations(operation, request, measure)), toAnswer)))
      }
      return Either.map(
        requestText(operation, call.body),
        (text) => Effect.suspend(() => Effect.map(fromEngine(handle({ method: "POST", path: call.info.path, body: text })), toAnswer))
      )
    }
  }
}

/**
 * The Kaizen client service on the embedded engine, called directly: no HTTP, no JSON written
 * for a request that is plainly JSON. Every call is checked as on any other transport (the same
 * request Schema, options and headers), gives the same envelope, and fails with the same typed
 * errors (`KaizenAPIError` with the status, payload and detail the HTTP route gives); retries,
 * client-side limits, the deadline and the operation span apply as configured.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { Effect } from "effect"
 * import { KaizenLocal } from "kaizen-effect"
 * const health = Effect.scoped(Effect.flatMap(KaizenLocal.make(), (kaizen) => kaizen.health()))
 */
export const make = (options: ClientOptions = {}): Effect.Effect<KaizenClient.Service, ConfigError.ConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    const config = yield* KaizenConfig.resolve({ ...options, baseUrl: KaizenConfig.LOCAL_BASE_URL })
    const engine = yield* Effect.promise((): Promise<typeof Engine> => import("@kaizen-effect/engine"))
    return yield* makeService(config, engineExchange(engine, options))
  })

/**
 * The Kaizen client on the embedded engine ({@link make}): offline, no key. This is what
 * `KAIZEN_BASE_URL=local` selects on the Node layer.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { Effect } from "effect"
 * import { KaizenClient, KaizenLocal } from "kaizen-effect"
 *
 * const program = Effect.gen(function*() {
 *   const kaizen = yield* KaizenClient
 *   const encoded = yield* kaizen.compress({ data: { users: [{ id: 1, name: "Ada" }] } })
 *   return encoded.result // "users[1]{id,name}:\n  1,Ada"
 * })
 * program.pipe(Effect.provide(KaizenLocal.layer()))
 */
export const layer = (options: ClientOptions = {}): Layer.Layer<KaizenClient, ConfigError.ConfigError> =>
  Layer.scoped(KaizenClient, make(options))

/**
 * Serves the engine over HTTP on Node until the scope closes, and succeeds with the address
 * once it listens, so the caller can print where to connect. The Node server is loaded only
 * when this runs, so importing this module needs no Node APIs. It needs `@effect/platform-node`
 * (an optional peer dependency: `npm install @effect/platform-node@^0.108.2`); without it, the
 * effect dies with an error that says so.
 *
 * @since 0.1.0
 * @category servers
 * @example
 * import { Console, Effect } from "effect"
 * import { KaizenLocal } from "kaizen-effect"
 *
 * const main = Effect.scoped(
 *   Effect.gen(function*() {
 *     const address = yield* KaizenLocal.serve({ port: 8787 })
 *     yield* Console.log(`Kaizen engine listening on ${address.url}`)
 *     return yield* Effect.never
 *   })
 * )
 * // Serves until interrupted; in a program, `NodeRuntime.runMain(main)` also stops it on Ctrl-C.
 * Effect.runFork(main)
 */
export const serve = (
  options: ServeOptions = {}
): Effect.Effect<Address, HttpServerError.ServeError, Scope.Scope> =>
  Effect.flatMap(
    // Not named by a type import: the declarations users see must not reach node:http. The
    // server needs @effect/platform-node, an optional peer: without it, a defect says how to install it.
    loadServer(() => import("./local/server.js")),
    (module) => module.serve(options)
  )
