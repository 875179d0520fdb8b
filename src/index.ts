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
import * as KaizenErrorModule from "./KaizenError.js"

/**
 * The client: the service tag itself (`yield* KaizenClient` gives the service), with its
 * constructors (`KaizenClient.layer(options)`, `KaizenClient.Default`, `KaizenClient.layerNode`,
 * `KaizenClient.make`, ...) and, as a namespace, its types (`KaizenClient.Service`,
 * `KaizenClient.CallOptions`).
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
export { KaizenClient } from "./KaizenClient.js"

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
 * The embedded Kaizen engine: every route answered in-process and offline, as a `KaizenClient`
 * layer, as an `HttpClient` layer, or as an HTTP server.
 *
 * @since 0.1.0
 * @example
 * import { KaizenLocal } from "kaizen-effect"
 * const offline = KaizenLocal.layerClient()
 */
export * as KaizenLocal from "./KaizenLocal.js"


/**
 * Retry policies as `Schedule`s over the Kaizen errors, honouring `Retry-After`.
 *
 * @since 0.1.0
 * @example
 * import { KaizenClient, KaizenRetry } from "kaizen-effect"
 * const layer = KaizenClient.layerNodeWith({ retry: KaizenRetry.policy({ maxRetries: 5 }) })
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

/**
 * A request that did not complete: refused before sending (`InvalidRequest`), a bad URL, a
 * transport failure or a timeout. Its `reason` says which.
 *
 * @since 0.1.0
 * @example
 * import { Effect } from "effect"
 * import { KaizenRequestError } from "kaizen-effect"
 * const isTimeout = (e: unknown) => e instanceof KaizenRequestError && e.reason === "Timeout"
 */
export { KaizenRequestError } from "./contract/errors.js"

/**
 * An answer from the Kaizen API that is not a valid success: its status, payload and detail.
 *
 * @since 0.1.0
 * @example
 * import { KaizenAPIError } from "kaizen-effect"
 * const isRateLimited = (e: unknown) => e instanceof KaizenAPIError && e.statusCode === 429
 */
export { KaizenAPIError } from "./contract/errors.js"

/**
 * The error module: its predicates (`KaizenError.isTransient`, `KaizenError.isKaizenError`,
 * `KaizenError.transientStatuses`) and, as a type, the union of the two errors every
 * operation can fail with. The error classes themselves are exported once, at the top level.
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
export type KaizenError = KaizenErrorModule.KaizenError

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
   * Why a request did not complete: `"InvalidRequest" | "InvalidUrl" | "Transport" | "Timeout" | "InvalidResponse"`.
   *
   * @since 0.1.0
   * @example
   * import type { KaizenError } from "kaizen-effect"
   * const reason: KaizenError.RequestErrorReason = "Timeout"
   */
  export type RequestErrorReason = KaizenErrorModule.RequestErrorReason
  /**
   * The union of the two errors, as `KaizenError.KaizenError`.
   *
   * @since 0.1.0
   * @example
   * import type { KaizenError } from "kaizen-effect"
   * const statusOf = (e: KaizenError.KaizenError) => (e._tag === "KaizenAPIError" ? e.statusCode : undefined)
   */
  export type KaizenError = KaizenErrorModule.KaizenError
}
