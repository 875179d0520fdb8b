/**
 * The Kaizen client: a service whose eight operations are Effects failing only with
 * `KaizenRequestError | KaizenAPIError`, and its layers.
 *
 * This module is the face: the operations' types, the `KaizenClient` tag with its
 * constructors, and `make`. What a call does lives in `internal/` (client.ts: checks, retries,
 * limits, timeouts and the span; httpExchange.ts: the HTTP request and its answer); see
 * ARCHITECTURE.md for the walk of one call.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { makeService } from "./internal/client.js"
import * as HttpExchange from "./internal/httpExchange.js"
import * as KaizenConfig from "./KaizenConfig.js"
import type { KaizenAPIError, KaizenRequestError } from "./contract/errors.js"
import type * as KaizenSchema from "./KaizenSchema.js"

/**
 * Per-call options.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenClient } from "kaizen-effect"
 * const options: KaizenClient.CallOptions = { requestId: "job-42-item-7", headers: { "X-Tenant": "acme" } }
 */
export interface CallOptions {
  /** The `X-Request-ID` to send; by default the configured one, else a fresh UUID per call. */
  readonly requestId?: string | undefined
  /** Extra headers for this call only. */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * Per-call options of a decode route: a Schema decodes `result` into your own type.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import { Schema } from "effect"
 * import type { KaizenClient } from "kaizen-effect"
 * const Users = Schema.Struct({ users: Schema.Array(Schema.Struct({ id: Schema.Number })) })
 * const options: KaizenClient.DecodeOptions<typeof Users.Type, typeof Users.Encoded> = { schema: Users }
 */
export interface DecodeOptions<A, I> extends CallOptions {
  readonly schema: Schema.Schema<A, I, never>
}

type KaizenError = KaizenRequestError | KaizenAPIError

/**
 * An encode route: the request in, the KTOF envelope out.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenClient } from "kaizen-effect"
 * const compressAll = (compress: KaizenClient.EncodeOperation<"compress">, items: ReadonlyArray<unknown>) =>
 *   items.map((data) => compress({ data }))
 */
export type EncodeOperation<Op extends KaizenSchema.BodyOperation> = (
  request: KaizenSchema.RequestInput<Op>,
  options?: CallOptions
) => Effect.Effect<KaizenSchema.EncodeResponse & ResponseInfo, KaizenError>

/**
 * A decode route: `result` is JSON, or your own type when a `schema` is given.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import { Schema } from "effect"
 * import type { KaizenClient } from "kaizen-effect"
 * const Users = Schema.Struct({ users: Schema.Array(Schema.Struct({ id: Schema.Number })) })
 * const usersOf = (decompress: KaizenClient.DecodeOperation<"decompress">, ktof: string) =>
 *   decompress({ data: ktof }, { schema: Users })
 */
export interface DecodeOperation<Op extends KaizenSchema.BodyOperation> {
  (request: KaizenSchema.RequestInput<Op>, options?: CallOptions): Effect.Effect<
    KaizenSchema.DecodeResponse<KaizenSchema.JsonValue> & ResponseInfo,
    KaizenError
  >
  <A, I>(request: KaizenSchema.RequestInput<Op>, options: DecodeOptions<A, I>): Effect.Effect<
    KaizenSchema.DecodeResponse<A> & ResponseInfo,
    KaizenError
  >
}

/**
 * The operations of the Kaizen API. Each returns an Effect with no further requirements whose
 * error channel is exactly `KaizenRequestError | KaizenAPIError`.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import { Effect } from "effect"
 * import type { KaizenClient } from "kaizen-effect"
 * const roundTrip = (kaizen: KaizenClient.Service) =>
 *   Effect.flatMap(kaizen.compress({ data: { a: 1 } }), (encoded) => kaizen.decompress({ data: encoded.result }))
 */
export interface Service {
  /** `POST /v1/compress`: JSON `data` to KTOF. */
  readonly compress: EncodeOperation<"compress">
  /** `POST /v1/decompress`: KTOF `data` back to JSON. */
  readonly decompress: DecodeOperation<"decompress">
  /** `POST /v1/optimize`: like compress, with optional token counts. */
  readonly optimize: EncodeOperation<"optimize">
  /** `POST /v1/optimize/request`: a prompt (JSON or text with embedded JSON) to KTOF. */
  readonly optimizeRequest: EncodeOperation<"optimizeRequest">
  /** `POST /v1/optimize/response`: a model's KTOF reply back to JSON. */
  readonly optimizeResponse: DecodeOperation<"optimizeResponse">
  /** `POST /v1/prompts/encode`: a prompt to KTOF, with schemas and metadata. */
  readonly promptsEncode: EncodeOperation<"promptsEncode">
  /** `POST /v1/prompts/decode`: KTOF back to JSON, replaying metadata. */
  readonly promptsDecode: DecodeOperation<"promptsDecode">
  /** `GET /`: the deployment's health answer. */
  readonly health: (options?: CallOptions) => Effect.Effect<KaizenSchema.HealthResponse & ResponseInfo, KaizenError>
  /** The validated configuration this client runs with (the key stays `Redacted`). */
  readonly config: KaizenConfig.Resolved
  /**
   * How many requests the transport sends at once over its own connection pool (the Node
   * layer's `maxConnections`), when it has one: more in flight only queue for a socket.
   * Bulk calls (`KaizenBatch`) default to it.
   */
  readonly poolSize: number | undefined
}

/**
 * What every successful response also carries, outside the server's envelope: the
 * `X-Request-ID` the call was sent with (the same on every retry of that call). It is a
 * non-enumerable property, so `JSON.stringify(response)` is exactly what the server sent.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import { Effect } from "effect"
 * import { KaizenClient } from "kaizen-effect"
 * const id = Effect.flatMap(KaizenClient, (k) => k.compress({ data: [1] })).pipe(
 *   Effect.map((response) => response.requestId)
 * )
 */
export interface ResponseInfo {
  readonly requestId: string
}

/**
 * Builds the service from options given in code (validated; a bad value fails with a
 * `ConfigError` naming the option) over the provided `HttpClient`. The Scope holds the
 * client-side rate limiter, when one is configured.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { Effect } from "effect"
 * import { KaizenClient } from "kaizen-effect"
 * const kaizen = KaizenClient.make({ baseUrl: "http://127.0.0.1:8787" })
 */
export const make = (
  options: KaizenConfig.Options = {}
): Effect.Effect<Service, ConfigError.ConfigError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const config = yield* KaizenConfig.resolve(options)
    const httpClient = yield* HttpClient.HttpClient
    return yield* makeService(config, HttpExchange.make(httpClient, config))
  })

/**
 * The Kaizen client service. `yield* KaizenClient` in a generator gives its operations.
 *
 * @since 0.1.0
 * @category tags
 * @example
 * import { Effect } from "effect"
 * import { KaizenClient } from "kaizen-effect"
 * import * as KaizenNode from "kaizen-effect/node"
 *
 * const program = Effect.gen(function*() {
 *   const kaizen = yield* KaizenClient
 *   const encoded = yield* kaizen.promptsEncode({ prompt: { messages: [{ role: "user", content: "hi" }] } })
 *   const decoded = yield* kaizen.promptsDecode({ ktof: encoded.result })
 *   return decoded.result
 * })
 * program.pipe(Effect.provide(KaizenNode.layerConfig()))
 */
export class KaizenClient extends Context.Tag("kaizen-effect/KaizenClient")<KaizenClient, Service>() {
  /**
   * The client from options given in code; requires an `HttpClient`.
   *
   * @since 0.1.0
   * @example
   * import { FetchHttpClient } from "@effect/platform"
   * import { Layer } from "effect"
   * import { KaizenClient } from "kaizen-effect"
   * const live = KaizenClient.layer({ baseUrl: "http://127.0.0.1:8787" }).pipe(Layer.provide(FetchHttpClient.layer))
   */
  static readonly layer = (
    options: KaizenConfig.Options = {}
  ): Layer.Layer<KaizenClient, ConfigError.ConfigError, HttpClient.HttpClient> => Layer.scoped(KaizenClient, make(options))

  /**
   * The client from a `Config` (by default {@link KaizenConfig.fromEnv}); requires an
   * `HttpClient`.
   *
   * @since 0.1.0
   * @example
   * import { Config } from "effect"
   * import { KaizenClient } from "kaizen-effect"
   * const layer = KaizenClient.layerConfig(Config.all({ baseUrl: Config.string("MY_KAIZEN_URL") }))
   */
  static readonly layerConfig = (
    config: Config.Config<KaizenConfig.Options> = KaizenConfig.fromEnv
  ): Layer.Layer<KaizenClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
    Layer.scoped(KaizenClient, Effect.flatMap(config, make))

  /**
   * The service from options given in code, over the provided `HttpClient`; see {@link make}.
   *
   * @since 0.1.0
   * @example
   * import { Effect } from "effect"
   * import { KaizenClient } from "kaizen-effect"
   * const kaizen = KaizenClient.make({ baseUrl: "http://127.0.0.1:8787" })
   */
  static readonly make: (
    options?: KaizenConfig.Options
  ) => Effect.Effect<Service, ConfigError.ConfigError, HttpClient.HttpClient | Scope.Scope> = make
}

/**
 * The client's types, under the tag's name: `KaizenClient.Service`, `KaizenClient.CallOptions`.
 *
 * @since 0.1.0
 * @example
 * import type { KaizenClient } from "kaizen-effect"
 * const options: KaizenClient.CallOptions = { requestId: "job-1" }
 */
export declare namespace KaizenClient {
  /**
   * The operations: `compress`, `decompress`, ..., `health`.
   *
   * @since 0.1.0
   * @example
   * import type { KaizenClient } from "kaizen-effect"
   * const health = (kaizen: KaizenClient.Service) => kaizen.health()
   */
  export type Service = import("./KaizenClient.js").Service
  /**
   * Per-call options: `requestId`, `headers`.
   *
   * @since 0.1.0
   * @example
   * import type { KaizenClient } from "kaizen-effect"
   * const options: KaizenClient.CallOptions = { headers: { "X-Tenant": "acme" } }
   */
  export type CallOptions = import("./KaizenClient.js").CallOptions
  /**
   * Per-call options of a decode route, with the Schema for `result`.
   *
   * @since 0.1.0
   * @example
   * import { Schema } from "effect"
   * import type { KaizenClient } from "kaizen-effect"
   * const options: KaizenClient.DecodeOptions<number, number> = { schema: Schema.Number }
   */
  export type DecodeOptions<A, I> = import("./KaizenClient.js").DecodeOptions<A, I>
  /**
   * An encode route's signature.
   *
   * @since 0.1.0
   * @example
   * import type { KaizenClient } from "kaizen-effect"
   * const pick = (kaizen: KaizenClient.Service): KaizenClient.EncodeOperation<"compress"> => kaizen.compress
   */
  export type EncodeOperation<Op extends KaizenSchema.BodyOperation> = import("./KaizenClient.js").EncodeOperation<Op>
  /**
   * A decode route's signature.
   *
   * @since 0.1.0
   * @example
   * import type { KaizenClient } from "kaizen-effect"
   * const pick = (kaizen: KaizenClient.Service): KaizenClient.DecodeOperation<"decompress"> => kaizen.decompress
   */
  export type DecodeOperation<Op extends KaizenSchema.BodyOperation> = import("./KaizenClient.js").DecodeOperation<Op>
  /**
   * What every response carries besides the envelope: its `requestId`.
   *
   * @since 0.1.0
   * @example
   * import type { KaizenClient } from "kaizen-effect"
   * const idOf = (response: KaizenClient.ResponseInfo) => response.requestId
   */
  export type ResponseInfo = import("./KaizenClient.js").ResponseInfo
}
