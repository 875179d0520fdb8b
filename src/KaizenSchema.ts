/**
 * The Kaizen HTTP contract in one place: the request and response Schemas.
 *
 * Field names are the API's own snake_case, so a payload copied from the Kaizen docs pastes in
 * unchanged. The client validates requests with these Schemas before sending, the embedded
 * engine validates what it receives with the same ones, and the contract test checks them
 * against the official `openapi.json`.
 *
 * @since 0.1.0
 */

// This file is the face. The definitions live under src/contract/, the contract below both the
// client core and the engine's adapters (src/local/), which may both import it: json.ts (JSON values),
// requests.ts, responses.ts, endpoints.ts (the table and its types), fields.ts (shared field
// helpers) and normalize.ts (the spellings forgiven before validation; internal).

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
