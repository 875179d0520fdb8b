/**
 * kaizen-effect: the Effect-TS client for the Kaizen prompt-compression API.
 *
 * Each module is exported as a namespace, after its main type: `KaizenClient.layerNode`,
 * `KaizenConfig.fromEnv`, `KaizenSchema.EncodeRequest`, `KaizenError.isTransient`.
 *
 * @since 0.1.0
 */
import * as KaizenErrorModule from "./KaizenError.js"

/**
 * The client service tag, its layers and its operations' types.
 *
 * @since 0.1.0
 */
export * as KaizenClient from "./KaizenClient.js"

/** @since 0.1.0 */
export * as KaizenConfig from "./KaizenConfig.js"

/** @since 0.1.0 */
export * as KaizenLocal from "./KaizenLocal.js"

/** @since 0.1.0 */
export * as KaizenNode from "./KaizenNode.js"

/** @since 0.1.0 */
export * as KaizenRetry from "./KaizenRetry.js"

/** @since 0.1.0 */
export * as KaizenSchema from "./KaizenSchema.js"

/** @since 0.1.0 */
export { KaizenAPIError, KaizenRequestError } from "./KaizenError.js"

/**
 * The error module (`KaizenError.isTransient`, ...) and, as a type, the union of the two
 * errors every operation can fail with.
 *
 * @since 0.1.0
 * @example
 * import { KaizenError } from "kaizen-effect"
 * const retryable = (e: KaizenError) => KaizenError.isTransient(e)
 */
export const KaizenError: typeof KaizenErrorModule = KaizenErrorModule

/** @since 0.1.0 */
export type KaizenError = KaizenErrorModule.KaizenError

/** @since 0.1.0 */
export declare namespace KaizenError {
  /** @since 0.1.0 */
  export type RequestErrorReason = KaizenErrorModule.RequestErrorReason
  /** @since 0.1.0 */
  export type KaizenError = KaizenErrorModule.KaizenError
}
