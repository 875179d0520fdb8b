/**
 * kaizen-effect: the Effect-TS client for the Kaizen prompt-compression API.
 *
 * Each module is exported as a namespace, after its main type: `KaizenClient.layer`,
 * `KaizenConfig.fromEnv`, `KaizenSchema.EncodeRequest`, `KaizenError.isTransient`. The Node
 * transport is `kaizen-effect/node`; `kaizen-effect/ai` adds Kaizen compression to `@effect/ai`
 * language models; `kaizen-effect/cache` caches calls and shares a rate limit across processes.
 *
 * @module kaizen-effect
 * @since 0.1.0
 */
/**
 * The client: the service tag itself (`yield* KaizenClient` gives the service), with its
 * constructors (`KaizenClient.make`, `KaizenClient.layer(options)`, `KaizenClient.layerConfig()`,
 * all over a provided `HttpClient`) and, as a namespace, its types (`KaizenClient.Service`,
 * `KaizenClient.CallOptions`). The Node transport's layers are in `kaizen-effect/node`.
 *
 * @since 0.1.0
 * @example
 * import { Effect } from "effect"
 * import { KaizenClient } from "kaizen-effect"
 * import * as KaizenNode from "kaizen-effect/node"
 * const compressed = Effect.gen(function*() {
 *   const kaizen = yield* KaizenClient
 *   return yield* kaizen.compress({ data: { a: 1 } })
 * }).pipe(Effect.provide(KaizenNode.layerConfig()))
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
 * The embedded Kaizen engine: every route answered in-process and offline, as the
 * `KaizenClient` (`layer`), as an `HttpClient` (`layerHttpClient`), or as an HTTP server.
 *
 * @since 0.1.0
 * @example
 * import { KaizenLocal } from "kaizen-effect"
 * const offline = KaizenLocal.layer()
 */
export * as KaizenLocal from "./KaizenLocal.js"


/**
 * Retry policies as `Schedule`s over the Kaizen errors, honouring `Retry-After`.
 *
 * @since 0.1.0
 * @example
 * import { KaizenRetry } from "kaizen-effect"
 * import * as KaizenNode from "kaizen-effect/node"
 * const layer = KaizenNode.layer({ retry: KaizenRetry.policy({ maxRetries: 5, cap: "10 seconds" }) })
 */
export * as KaizenRetry from "./KaizenRetry.js"

/**
 * The Kaizen HTTP contract: the request and response Schemas.
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
 * The error module: the union of the two errors every operation can fail with
 * (`KaizenError.KaizenError`) and its predicates (`KaizenError.isTransient`,
 * `KaizenError.isKaizenError`). The error classes themselves are exported once, at the top level.
 *
 * @since 0.1.0
 * @example
 * import { Effect } from "effect"
 * import { KaizenError } from "kaizen-effect"
 * const retryable = (e: KaizenError.KaizenError) => KaizenError.isTransient(e)
 * const recover = <A, R>(self: Effect.Effect<A, KaizenError.KaizenError, R>) => Effect.either(self)
 */
export * as KaizenError from "./KaizenError.js"
