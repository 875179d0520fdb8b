/**
 * The Kaizen engine without Effect: every route of the Kaizen prompt-compression API answered
 * in-process, offline, as the service answers it.
 *
 * - KTOF: {@link encode} and {@link decode} in the service's dialect.
 * - Requests: {@link makeHandler} (method, path, body in; status, headers, JSON body out),
 *   {@link makeOperations} (the request as a value in, the envelope as a value out),
 *   {@link validateRequest} (a parsed body as a request, or FastAPI's 422 items).
 * - Token counts: {@link tokenStats}, over `gpt-tokenizer` (an optional peer, loaded on first use).
 *
 * Expected failures are values (`{ ok: false, error }`), never exceptions. The JSON helpers are
 * on their own entry point, `@kaizen-effect/engine/json`, which loads neither the codec nor a
 * tokenizer.
 */
export type { DecodeSettings, EncodeSettings, KtofDecodeError, KtofEncodeError } from "./codec.js"
export { decode, encode, MAX_KTOF_CHARS } from "./codec.js"
export {
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_IN_FLIGHT_BYTES,
  DEFAULT_MAX_IN_FLIGHT_VALUES,
  DEFAULT_MAX_VALUES,
  DEFAULT_PORT
} from "./defaults.js"
export type { Block, Detection, Replacement } from "./detect.js"
export { autoDetect, findBlocks, PREVIEW_LENGTH } from "./detect.js"
export type {
  EngineError,
  EngineFailure,
  InvalidRequest,
  MethodNotAllowed,
  PayloadTooLarge,
  RouteNotFound,
  UndecodableKtof,
  ValidationItem
} from "./errors.js"
export type { Problem } from "./guard.js"
export { findProblem } from "./guard.js"
export type {
  EngineOptions,
  EngineRequest,
  EngineResponse,
  Handler,
  OperationHandler,
  ValueResponse
} from "./handlers.js"
export { errorResponse, makeHandler, makeOperations } from "./handlers.js"
export type { JsonValue } from "./json/value.js"
export type { Envelope } from "./operations.js"
export { health } from "./operations.js"
export type {
  BodyOperation,
  CompressRequest,
  DecodeOptions,
  DecompressRequest,
  EncodeOptions,
  JsonObject,
  OptimizeRequest,
  OptimizeRequestPayload,
  OptimizeResponsePayload,
  PromptDecodePayload,
  PromptEncodePayload,
  RequestOf,
  Requests
} from "./requests.js"
export { dropNullOptions, validateRequest } from "./requests.js"
export type { Failure, MaybePromise, Result, Success } from "./result.js"
export type { Operation } from "./routes.js"
export { ROUTES } from "./routes.js"
export type { Stats } from "./stats.js"
export { compactJson, compare } from "./stats.js"
export type {
  Count,
  EncodingLoader,
  EncodingName,
  ModelEncoding,
  TokenCount,
  Tokenizer,
  TokenizerUnavailable,
  TokenStats
} from "./tokens.js"
export {
  countBounded,
  encodingForModel,
  FALLBACK_ENCODING,
  gptTokenizer,
  INSTALL_TOKENIZER,
  makeTokenizer,
  RUN_LIMIT,
  tokenStats
} from "./tokens.js"
export { readJson } from "./validate.js"
export { ENGINE_VERSION } from "./version.js"
