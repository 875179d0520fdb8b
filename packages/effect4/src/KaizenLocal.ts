/**
 * The embedded Kaizen engine (`@kaizen-effect/engine`): every route of the Kaizen API answered
 * in-process, offline. As the `KaizenClient` that calls the engine's operations with the request
 * as a value (`make`, `layer`; what `KAIZEN_BASE_URL=local` selects on the Node layer), or as an
 * `HttpClient` that answers real HTTP text under an unchanged `KaizenClient` (`layerHttpClient`).
 * The engine loads when a layer is built, not when this module is imported.
 *
 * @since 0.1.0
 */
import type * as Engine from "@kaizen-effect/engine"
import * as defaults from "@kaizen-effect/engine/defaults"
import { measureBody } from "@kaizen-effect/engine/json"
import type * as Config from "effect/Config"
import type * as Duration from "effect/Duration"
import type * as HttpServerError from "effect/http/HttpServerError"
import type * as Scope from "effect/Scope"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as HttpClient from "effect/http/HttpClient"
import type { BodyOperation, RequestBody } from "./contract/endpoints.js"
import { makeService } from "./internal/client.js"
import type { Answer, Exchange } from "./internal/exchange.js"
import { requestText } from "./internal/request.js"
import { KaizenClient } from "./KaizenClient.js"
import * as KaizenConfig from "./KaizenConfig.js"
import { fromEngine } from "./local/answer.js"
import * as httpClient from "./local/httpClient.js"

/**
 * Settings of the engine: `maxBodyBytes`, above which a body is answered 413 (default 10 MiB).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Bodies larger than this many bytes are answered 413 (default 10 MiB). */
  readonly maxBodyBytes?: number | undefined
}

/**
 * Settings of {@link make} and {@link layer}: the client's options and the engine's.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientOptions extends KaizenConfig.Options, Options {}

/**
 * The largest body the engine accepts by default: 10 MiB.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_BODY_BYTES: number = defaults.DEFAULT_MAX_BODY_BYTES

const loadEngine = Effect.promise((): Promise<typeof Engine> => import("@kaizen-effect/engine"))

const engineOptions = (options: Options): Engine.EngineOptions =>
  options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }

/**
 * The engine as the `HttpClient` layer: under any Kaizen client (`KaizenClient.layer`), every
 * call is answered in-process with the HTTP text the service would send.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient = (options: Options = {}): Layer.Layer<HttpClient.HttpClient> =>
  Layer.effect(HttpClient.HttpClient, Effect.map(loadEngine, (engine) => httpClient.make(engine, engineOptions(options))))

const toAnswer = (response: Engine.ValueResponse): Answer =>
  "envelope" in response
    ? { status: response.status, headers: response.headers, body: { _tag: "Json", value: response.envelope } }
    : { status: response.status, headers: response.headers, body: { _tag: "Text", text: response.body } }

/**
 * The exchange that calls the engine: a request that is exactly JSON goes to the operation as
 * the value, anything else as its JSON text to the same handler a server uses.
 */
const engineExchange = (engine: typeof Engine, options: Options): Exchange => {
  const operations = engine.makeOperations(engineOptions(options))
  const handle = engine.makeHandler(engineOptions(options))
  return {
    // The engine does no I/O: an attempt never waits, so the client adds no timer per attempt.
    enforcesTimeout: true,
    // Nothing in an attempt reads the current span (no trace headers, no middleware): with no
    // tracer installed the client skips the span, as for the Effect 3 line's engine layer.
    readsSpan: false,
    prepare: (call) => {
      if (call.body === undefined) {
        return Result.succeed(Effect.suspend(() => Effect.map(fromEngine(handle({ method: "GET", path: call.info.path, body: "" })), toAnswer)))
      }
      const operation = call.operation as BodyOperation
      const measure = measureBody(call.body)
      if (measure !== undefined) {
        const request = call.body as RequestBody<typeof operation>
        return Result.succeed(Effect.suspend(() => Effect.map(fromEngine(operations(operation, request as never, measure)), toAnswer)))
      }
      return Result.map(
        requestText(operation, call.body),
        (text) => Effect.suspend(() => Effect.map(fromEngine(handle({ method: "POST", path: call.info.path, body: text })), toAnswer))
      )
    }
  }
}

/**
 * The Kaizen client service on the embedded engine, called directly: no HTTP. Every call is
 * checked as on any other transport, gives the same envelope, and fails with the same typed
 * errors; retries, limits and the deadline apply as configured.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: ClientOptions = {}): Effect.Effect<KaizenClient.Service, Config.ConfigError> =>
  Effect.gen(function*() {
    const config = yield* KaizenConfig.resolve({ ...options, baseUrl: KaizenConfig.LOCAL_BASE_URL })
    const engine = yield* loadEngine
    return yield* makeService(config, engineExchange(engine, options))
  })

/**
 * The Kaizen client on the embedded engine ({@link make}): offline, no key.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: ClientOptions = {}): Layer.Layer<KaizenClient, Config.ConfigError> =>
  Layer.effect(KaizenClient, make(options))

/**
 * Settings of the HTTP server: the engine's, plus `port` (default 8787; `0` picks a free one),
 * `host` (default `127.0.0.1`), how long headers and a body may take (default 30 s each), and
 * what request bodies may hold, alone and across requests.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions extends Options {
  /** Default 8787; `0` picks a free port. */
  readonly port?: number | undefined
  /** Default `127.0.0.1`: the engine is for this machine unless you say otherwise. */
  readonly host?: string | undefined
  /**
   * How long a request's line and headers may take to arrive (default 30 seconds); then the
   * server answers 408 and closes the connection. `Duration.infinity` waits forever.
   */
  readonly headersTimeout?: Duration.Input | undefined
  /**
   * How long a body may take to arrive once its headers are in (default 30 seconds); then 408
   * and the connection closes. It also bounds how long the rest of a refused upload is read and
   * discarded before the connection closes. `Duration.infinity` waits forever.
   */
  readonly bodyTimeout?: Duration.Input | undefined
  /**
   * Request body bytes held at once across all requests (default 64 MiB). A request whose body
   * would pass it is answered 503 with `Retry-After: 1`; a body is always admitted when no
   * other is held, so a value below `maxBodyBytes` takes large bodies one at a time.
   */
  readonly maxInFlightBytes?: number | undefined
  /**
   * JSON values (objects, arrays, strings, numbers, literals) one body may hold (default 6
   * million, more than a 10 MiB body can); over it, 413. Counted on the bytes before parsing.
   */
  readonly maxValues?: number | undefined
  /**
   * JSON values held parsed at once across all requests (default 4 million): what bounds
   * memory, since a value costs far more parsed than on the wire (a `{}` is 3 bytes sent and an
   * object once parsed). A request whose values would pass it is answered 503 with
   * `Retry-After: 1`; a body is always admitted when no other is held.
   */
  readonly maxInFlightValues?: number | undefined
}

/**
 * Where a running server listens: `hostname`, `port`, and `url`, the base URL for a client.
 *
 * @since 0.1.0
 * @category models
 */
export interface Address {
  readonly hostname: string
  readonly port: number
  /** The base URL to give a client, e.g. `http://127.0.0.1:8787`. */
  readonly url: string
}

/**
 * Serves the engine over HTTP on Node until the scope closes, and succeeds with the address once
 * it listens. Closing the scope also ends the requests still open, and their connections. The
 * Node server is loaded only when this runs.
 *
 * @since 0.1.0
 * @category servers
 */
export const serve = (options: ServeOptions = {}): Effect.Effect<Address, HttpServerError.ServeError, Scope.Scope> =>
  Effect.flatMap(
    // Not named by a type import: the declarations users see must not reach node:http.
    Effect.promise(() => import("./local/server.js")),
    (module) => module.serve(options)
  )
