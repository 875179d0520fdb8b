/**
 * kaizen-effect: the Effect-TS client for the Kaizen prompt-compression API.
 *
 * Each module is exported as a namespace, after its main type: `KaizenClient.layerNode`,
 * `KaizenConfig.fromEnv`, `KaizenSchema.EncodeRequest`, `KaizenError.isTransient`.
 * `kaizen-effect/ai` adds Kaizen compression to `@effect/ai` language models.
 *
 * @module kaizen-effect
 * @since 0.1.0
 */
import type { KaizenAPIError, KaizenRequestError } from "./KaizenError.js"
import * as KaizenClientModule from "./KaizenClient.js"
import type * as KaizenSchemaModule from "./KaizenSchema.js"
import * as KaizenErrorModule from "./KaizenError.js"

/**
 * The client: the service tag itself (`yield* KaizenClient` gives the service; its layers are
 * `KaizenClient.layerNode`, `KaizenClient.layer(options)`, ...), carrying the module's
 * functions (`KaizenClient.make`, `KaizenClient.encodeRequest`) and, as a namespace, its types
 * (`KaizenClient.Service`, `KaizenClient.CallOptions`). `KaizenClient.KaizenClient` is the same
 * tag, for code that treats the module as a namespace.
 *
 * @since 0.1.0
 * @example
 * import { Effect } from "effect"
 * import { KaizenClient } from "kaizen-effect"
 * const compressed = Effect.gen(function*() {
 *   const kaizen = yield* KaizenClient
 *   return yield* kaizen.compress({ data: { a: 1 } })
 * }).pipe(Effect.provide(KaizenClient.layerNode))
 */
export const KaizenClient: typeof KaizenClientModule.KaizenClient & typeof KaizenClientModule = Object.assign(
  KaizenClientModule.KaizenClient,
  KaizenClientModule
)

/**
 * The service's tag, as a type: what an Effect that uses the client requires.
 *
 * @since 0.1.0
 * @example
 * import type { Effect } from "effect"
 * import type { KaizenClient, KaizenError } from "kaizen-effect"
 * type Job = Effect.Effect<string, KaizenError, KaizenClient>
 */
export type KaizenClient = KaizenClientModule.KaizenClient

/**
 * The client module's types, under the same name as the tag.
 *
 * @since 0.1.0
 * @example
 * import type { KaizenClient } from "kaizen-effect"
 * const options: KaizenClient.CallOptions = { requestId: "job-1" }
 */
export declare namespace KaizenClient {
  /**
   * The tag, as `KaizenClient.KaizenClient` (the module's own name for it).
   *
   * @since 0.1.0
   * @example
   * import type { Effect } from "effect"
   * import type { KaizenClient } from "kaizen-effect"
   * type Needs = Effect.Effect<void, never, KaizenClient.KaizenClient>
   */
  export type KaizenClient = KaizenClientModule.KaizenClient
  /**
   * The operations: `compress`, `decompress`, ..., `health`.
   *
   * @since 0.1.0
   * @example
   * import type { KaizenClient } from "kaizen-effect"
   * const health = (kaizen: KaizenClient.Service) => kaizen.health()
   */
  export type Service = KaizenClientModule.Service
  /**
   * Per-call options: `requestId`, `headers`.
   *
   * @since 0.1.0
   * @example
   * import type { KaizenClient } from "kaizen-effect"
   * const options: KaizenClient.CallOptions = { headers: { "X-Tenant": "acme" } }
   */
  export type CallOptions = KaizenClientModule.CallOptions
  /**
   * Per-call options of a decode route, with the Schema for `result`.
   *
   * @since 0.1.0
   * @example
   * import { Schema } from "effect"
   * import type { KaizenClient } from "kaizen-effect"
   * const options: KaizenClient.DecodeOptions<number, number> = { schema: Schema.Number }
   */
  export type DecodeOptions<A, I> = KaizenClientModule.DecodeOptions<A, I>
  /**
   * An encode route's signature.
   *
   * @since 0.1.0
   * @example
   * import type { KaizenClient } from "kaizen-effect"
   * const pick = (kaizen: KaizenClient.Service): KaizenClient.EncodeOperation<"compress"> => kaizen.compress
   */
  export type EncodeOperation<Op extends KaizenSchemaModule.BodyOperation> = KaizenClientModule.EncodeOperation<Op>
  /**
   * A decode route's signature.
   *
   * @since 0.1.0
   * @example
   * import type { KaizenClient } from "kaizen-effect"
   * const pick = (kaizen: KaizenClient.Service): KaizenClient.DecodeOperation<"decompress"> => kaizen.decompress
   */
  export type DecodeOperation<Op extends KaizenSchemaModule.BodyOperation> = KaizenClientModule.DecodeOperation<Op>
  /**
   * What every response carries besides the envelope: its `requestId`.
   *
   * @since 0.1.0
   * @example
   * import type { KaizenClient } from "kaizen-effect"
   * const idOf = (response: KaizenClient.ResponseInfo) => response.requestId
   */
  export type ResponseInfo = KaizenClientModule.ResponseInfo
}

/**
 * Client configuration: options in code, or Effect `Config` read from the `KAIZEN_*`
 * environment variables, validated once when the layer is built.
 *
 * @since 0.1.0
 * @example
 * import { Effect } from "effect"
 * import { KaizenConfig } from "kaizen-effect"
 * const resolved = Effect.runSync(KaizenConfig.resolve({ baseUrl: KaizenConfig.LOCAL_BASE_URL }))
 */
export * as KaizenConfig from "./KaizenConfig.js"

/**
 * Bulk calls as a `Stream`: many requests through one operation, in input or completion order,
 * with bounded concurrency, back-pressure, per-item typed failures and progress counts.
 *
 * @since 0.1.0
 * @example
 * import { Stream } from "effect"
 * import { KaizenBatch } from "kaizen-effect"
 * const results = KaizenBatch.stream([{ data: { a: 1 } }, { data: { b: 2 } }], "compress").pipe(Stream.runCollect)
 */
export * as KaizenBatch from "./KaizenBatch.js"

/**
 * The embedded Kaizen engine: every route answered in-process and offline, as an `HttpClient`
 * layer or as an HTTP server.
 *
 * @since 0.1.0
 * @example
 * import { Layer } from "effect"
 * import { KaizenClient, KaizenLocal } from "kaizen-effect"
 * const offline = KaizenClient.KaizenClient.Default.pipe(Layer.provide(KaizenLocal.layer))
 */
export * as KaizenLocal from "./KaizenLocal.js"


/**
 * Retry policies as `Schedule`s over the Kaizen errors, honouring `Retry-After`.
 *
 * @since 0.1.0
 * @example
 * import { KaizenClient, KaizenRetry } from "kaizen-effect"
 * const layer = KaizenClient.KaizenClient.layerNodeWith({ retry: KaizenRetry.policy({ maxRetries: 5 }) })
 */
export * as KaizenRetry from "./KaizenRetry.js"

/**
 * The Kaizen HTTP contract: request and response Schemas and the endpoint table.
 *
 * @since 0.1.0
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * const body = Schema.decodeUnknownSync(KaizenSchema.EncodeRequest)({ data: [1, 2] })
 */
export * as KaizenSchema from "./KaizenSchema.js"

export { KaizenAPIError, KaizenRequestError } from "./KaizenError.js"

/**
 * The error module (`KaizenError.isTransient`, ...) and, as a type, the union of the two
 * errors every operation can fail with.
 *
 * @namespace
 * @since 0.1.0
 * @example
 * import { KaizenError } from "kaizen-effect"
 * const retryable = (e: KaizenError) => KaizenError.isTransient(e)
 */
export const KaizenError: typeof KaizenErrorModule = KaizenErrorModule

/**
 * Every failure of a Kaizen operation: `KaizenRequestError | KaizenAPIError`.
 *
 * @since 0.1.0
 * @example
 * import { Effect } from "effect"
 * import type { KaizenError } from "kaizen-effect"
 * const recover = <A, R>(self: Effect.Effect<A, KaizenError, R>) => Effect.either(self)
 */
export type KaizenError = KaizenRequestError | KaizenAPIError

/**
 * The error module's types, under the same name as its values.
 *
 * @since 0.1.0
 * @example
 * import type { KaizenError } from "kaizen-effect"
 * const describe = (e: KaizenError.KaizenError, reason: KaizenError.RequestErrorReason) =>
 *   e._tag === "KaizenRequestError" && e.reason === reason
 */
export declare namespace KaizenError {
  /**
   * Why a request did not complete: `"InvalidRequest" | "InvalidUrl" | "Transport" | "Timeout"`.
   *
   * @since 0.1.0
   * @example
   * import type { KaizenError } from "kaizen-effect"
   * const reason: KaizenError.RequestErrorReason = "Timeout"
   */
  export type RequestErrorReason = KaizenRequestError["reason"]
  /**
   * The union of the two errors, as `KaizenError.KaizenError`.
   *
   * @since 0.1.0
   * @example
   * import type { KaizenError } from "kaizen-effect"
   * const statusOf = (e: KaizenError.KaizenError) => (e._tag === "KaizenAPIError" ? e.statusCode : undefined)
   */
  export type KaizenError = KaizenRequestError | KaizenAPIError
}
