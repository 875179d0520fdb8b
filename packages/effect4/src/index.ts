/**
 * @kaizen-effect/effect4: the Effect 4 client for the Kaizen prompt-compression API. The same
 * modules, names and behaviour as `kaizen-effect` (the Effect 3 line): `KaizenClient.layer`,
 * `KaizenConfig.fromEnv`, `KaizenError.isTransient`, ... The Node transport is
 * `@kaizen-effect/effect4/node`.
 *
 * @since 0.1.0
 */
export { KaizenClient } from "./KaizenClient.js"
export * as KaizenBatch from "./KaizenBatch.js"
export * as KaizenConfig from "./KaizenConfig.js"
export * as KaizenLocal from "./KaizenLocal.js"
export * as KaizenRetry from "./KaizenRetry.js"
export * as KaizenSchema from "./KaizenSchema.js"
export { KaizenAPIError, KaizenRequestError } from "./contract/errors.js"
export * as KaizenError from "./KaizenError.js"
