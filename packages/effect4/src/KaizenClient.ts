/**
 * The Kaizen client: a service whose eight operations are Effects failing only with
 * `KaizenRequestError | KaizenAPIError`, and its layers over Effect 4's `HttpClient`
 * (`effect/http/HttpClient`). The same names, options, errors and behaviour as the Effect 3
 * line's `KaizenClient` (`kaizen-effect`).
 *
 * @since 0.1.0
 */
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Schema from "effect/Schema"
import * as HttpClient from "effect/http/HttpClient"
import type { BodyOperation, RequestInput } from "./contract/endpoints.js"
import type { KaizenAPIError, KaizenRequestError } from "./contract/errors.js"
import type { JsonValue } from "./contract/json.js"
import type * as Responses from "./contract/responses.js"
import { makeService } from "./internal/client.js"
import * as HttpExchange from "./internal/httpExchange.js"
import * as KaizenConfig from "./KaizenConfig.js"

/**
 * Per-call options.
 *
 * @since 0.1.0
 * @category models
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
 */
export interface DecodeOptions<A, I> extends CallOptions {
  readonly schema: Schema.Codec<A, I, never, never>
}

type KaizenError = KaizenRequestError | KaizenAPIError

/**
 * What every successful response also carries, outside the server's envelope: the
 * `X-Request-ID` the call was sent with (a non-enumerable property).
 *
 * @since 0.1.0
 * @category models
 */
export interface ResponseInfo {
  readonly requestId: string
}

/**
 * An encode route: the request in, the KTOF envelope out.
 *
 * @since 0.1.0
 * @category models
 */
export type EncodeOperation<Op extends BodyOperation> = (
  request: RequestInput<Op>,
  options?: CallOptions
) => Effect.Effect<Responses.EncodeResponse & ResponseInfo, KaizenError>

/**
 * A decode route: `result` is JSON, or your own type when a `schema` is given.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodeOperation<Op extends BodyOperation> {
  (request: RequestInput<Op>, options?: CallOptions): Effect.Effect<
    Responses.DecodeResponse<JsonValue> & ResponseInfo,
    KaizenError
  >
  <A, I>(request: RequestInput<Op>, options: DecodeOptions<A, I>): Effect.Effect<
    Responses.DecodeResponse<A> & ResponseInfo,
    KaizenError
  >
}

/**
 * The operations of the Kaizen API. Each returns an Effect with no further requirements whose
 * error channel is exactly `KaizenRequestError | KaizenAPIError`.
 *
 * @since 0.1.0
 * @category models
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
  readonly health: (options?: CallOptions) => Effect.Effect<Responses.HealthResponse & ResponseInfo, KaizenError>
  /** The validated configuration this client runs with (the key stays `Redacted`). */
  readonly config: KaizenConfig.Resolved
  /** How many requests the transport sends at once over its own pool, when it has one. */
  readonly poolSize: number | undefined
}

/**
 * Builds the service from options given in code (validated; a bad value fails with a
 * `ConfigError` naming the option) over the provided `HttpClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: KaizenConfig.Options = {}
): Effect.Effect<Service, Config.ConfigError, HttpClient.HttpClient> =>
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
 */
export class KaizenClient extends Context.Service<KaizenClient, Service>()("kaizen-effect/KaizenClient") {
  /** The client from options given in code; requires an `HttpClient`. */
  static readonly layer = (
    options: KaizenConfig.Options = {}
  ): Layer.Layer<KaizenClient, Config.ConfigError, HttpClient.HttpClient> => Layer.effect(KaizenClient, make(options))

  /** The client from a `Config` (by default `KaizenConfig.fromEnv`); requires an `HttpClient`. */
  static readonly layerConfig = (
    config: Config.Config<KaizenConfig.Options> = KaizenConfig.fromEnv
  ): Layer.Layer<KaizenClient, Config.ConfigError, HttpClient.HttpClient> =>
    Layer.effect(KaizenClient, Effect.flatMap(config, make))

  /** The service from options given in code, over the provided `HttpClient`. */
  static readonly make: (
    options?: KaizenConfig.Options
  ) => Effect.Effect<Service, Config.ConfigError, HttpClient.HttpClient> = make
}

/**
 * The client's types, under the tag's name: `KaizenClient.Service`, `KaizenClient.CallOptions`.
 *
 * @since 0.1.0
 */
export declare namespace KaizenClient {
  export type Service = import("./KaizenClient.js").Service
  export type CallOptions = import("./KaizenClient.js").CallOptions
  export type DecodeOptions<A, I> = import("./KaizenClient.js").DecodeOptions<A, I>
  export type EncodeOperation<Op extends BodyOperation> = import("./KaizenClient.js").EncodeOperation<Op>
  export type DecodeOperation<Op extends BodyOperation> = import("./KaizenClient.js").DecodeOperation<Op>
  export type ResponseInfo = import("./KaizenClient.js").ResponseInfo
}
