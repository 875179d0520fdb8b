/**
 * The embedded Kaizen engine: every route of the Kaizen API answered in-process, offline, by
 * the same KTOF codec, statistics, token counts and JSON auto-detection the service applies.
 *
 * As an `HttpClient` layer it replaces the network under an unchanged `KaizenClient`; as an
 * HTTP server (`serve`) it stands in for the service for any client, in any language. The
 * engine loads on first use, so importing this module (or the package) costs nothing.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as defaults from "./local/defaults.js"
import type * as handlers from "./local/handlers.js"
import * as httpClient from "./local/httpClient.js"
import type * as server from "./local/server.js"

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
export interface Options extends handlers.EngineOptions {}

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
export interface ServeOptions extends server.ServeOptions {}

/**
 * Where a running server listens: `hostname`, `port`, and `url`, the base URL for a client.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenLocal } from "kaizen-effect"
 * const show = (address: KaizenLocal.Address) => `Kaizen engine on ${address.url}`
 */
export interface Address extends server.Address {}

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
 * The port {@link serve} listens on unless told otherwise.
 *
 * @since 0.1.0
 * @category constants
 * @example
 * import { KaizenLocal } from "kaizen-effect"
 * const url = `http://127.0.0.1:${KaizenLocal.DEFAULT_PORT}`
 */
export const DEFAULT_PORT: number = defaults.DEFAULT_PORT

/**
 * An `HttpClient` answered by the engine, in-process. It routes on the URL's path and ignores
 * the origin, so any base URL works (and `local`, the value of `KAIZEN_BASE_URL` that selects
 * the engine).
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { HttpClient } from "@effect/platform"
 * import { Effect } from "effect"
 * import { KaizenLocal } from "kaizen-effect"
 * const health = HttpClient.get("http://anywhere/").pipe(
 *   Effect.flatMap((response) => response.json),
 *   Effect.provideService(HttpClient.HttpClient, KaizenLocal.make())
 * )
 */
export const make = (options: Options = {}): HttpClient.HttpClient => httpClient.make(options)

/**
 * The engine as the `HttpClient` layer, with {@link Options} given.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { Layer } from "effect"
 * import { KaizenClient, KaizenLocal } from "kaizen-effect"
 * const offline = KaizenClient.Default.pipe(Layer.provide(KaizenLocal.layerWith({ maxBodyBytes: 1_000_000 })))
 */
export const layerWith = (options: Options): Layer.Layer<HttpClient.HttpClient> =>
  Layer.sync(HttpClient.HttpClient, () => httpClient.make(options))

/**
 * The engine as the `HttpClient` layer: put it under any Kaizen client and every call is
 * answered offline, exactly as the service would answer it.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { Effect, Layer } from "effect"
 * import { KaizenClient, KaizenLocal } from "kaizen-effect"
 *
 * const program = Effect.gen(function*() {
 *   const kaizen = yield* KaizenClient.KaizenClient
 *   const encoded = yield* kaizen.compress({ data: { users: [{ id: 1, name: "Ada" }] } })
 *   return encoded.result // "users[1]{id,name}:\n  1,Ada"
 * })
 * program.pipe(Effect.provide(KaizenClient.Default.pipe(Layer.provide(KaizenLocal.layer))))
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = layerWith({})

/**
 * Serves the engine over HTTP on Node until the scope closes, and succeeds with the address
 * once it listens, so the caller can print where to connect. The Node server is loaded only
 * when this runs, so importing this module needs no Node APIs.
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
 */
export const serve = (
  options: ServeOptions = {}
): Effect.Effect<Address, HttpServerError.ServeError, Scope.Scope> =>
  Effect.flatMap(
    Effect.promise((): Promise<typeof server> => import("./local/server.js")),
    (module) => module.serve(options)
  )
