/**
 * The Kaizen HTTP contract in one place: the request and response Schemas (Effect 4's
 * `effect/Schema`). Field names are the API's own snake_case.
 *
 * @since 0.1.0
 */
export { JsonValue } from "./contract/json.js"

export {
  DecodeOptions,
  DecodeRequest,
  Delimiter,
  EncodeOptions,
  EncodeRequest,
  OptimizeRequest,
  OptimizeRequestPayload,
  OptimizeResponsePayload,
  PromptDecodePayload,
  PromptEncodePayload
} from "./contract/requests.js"

export {
  DecodeResponse,
  EncodeResponse,
  ErrorBody,
  HealthResponse,
  Meta,
  Replacement,
  Stats,
  TokenCount,
  TokenStats,
  ValidationErrorItem
} from "./contract/responses.js"

export type { BodyOperation, Operation, RequestBody, RequestInput } from "./contract/endpoints.js"
