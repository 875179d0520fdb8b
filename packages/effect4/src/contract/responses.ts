/**
 * The response Schemas (the Effect 3 line's src/contract/responses.ts, in Effect 4's Schema):
 * the envelope every route answers with, its statistics and metadata in both documented
 * spellings, and the error body. Unknown fields are kept, never refused; `null` in an optional
 * field reads as absent.
 *
 * @internal
 */
import * as Schema from "effect/Schema"
import { optionalNullable, Rest } from "./fields.js"
import { JsonValue } from "./json.js"

const withRest = <F extends Schema.Struct.Fields>(fields: F) => Schema.StructWithRest(Schema.Struct(fields), [Rest])

/** Size statistics, in both spellings the service reference and the docs use. */
export const Stats = withRest({
  original_length: optionalNullable(Schema.Number),
  optimized_length: optionalNullable(Schema.Number),
  reduction: optionalNullable(Schema.Number),
  reduction_ratio: optionalNullable(Schema.Number),
  original_bytes: optionalNullable(Schema.Number),
  optimized_bytes: optionalNullable(Schema.Number),
  compressed_bytes: optionalNullable(Schema.Number)
}).annotate({ identifier: "Stats" })

/** Token and byte counts for one model, in either documented spelling. */
export const TokenCount = withRest({
  tokens: optionalNullable(Schema.Number),
  bytes: optionalNullable(Schema.Number),
  original: optionalNullable(Schema.Number),
  compressed: optionalNullable(Schema.Number)
}).annotate({ identifier: "TokenCount" })

/** Token statistics: `{ raw: { model: counts }, optimized: { model: counts } }` or `{ model: { original, compressed } }`. */
export const TokenStats = Schema.Union([
  withRest({
    raw: Schema.Record(Schema.String, TokenCount),
    optimized: Schema.Record(Schema.String, TokenCount)
  }),
  Schema.Record(Schema.String, TokenCount)
]).annotate({ identifier: "TokenStats" })

/** One JSON block found in a text prompt and replaced by its KTOF. */
export const Replacement = withRest({
  start: optionalNullable(Schema.Number),
  end: optionalNullable(Schema.Number),
  original_length: optionalNullable(Schema.Number),
  ktof_length: optionalNullable(Schema.Number),
  preview: optionalNullable(Schema.String)
}).annotate({ identifier: "Replacement" })

/** Response metadata: auto-detection results and the echoes of `metadata`, `schemas`, `replay_meta`. */
export const Meta = withRest({
  auto_detected_json: optionalNullable(Schema.Boolean),
  embedded_json_count: optionalNullable(Schema.Number),
  segments_schema: optionalNullable(Schema.String),
  replacements: optionalNullable(Schema.Array(Replacement)),
  auto_detection_applied: optionalNullable(Schema.Boolean),
  schemas: optionalNullable(Rest),
  client_metadata: optionalNullable(Rest)
}).annotate({ identifier: "Meta" })

const envelopeFields = {
  operation: optionalNullable(Schema.String),
  status: optionalNullable(Schema.String),
  stats: optionalNullable(Stats),
  token_stats: optionalNullable(TokenStats),
  meta: optionalNullable(Meta),
  metadata: optionalNullable(Rest)
}

/** The response of an encode route: `result` is the KTOF string. */
export const EncodeResponse = withRest({ ...envelopeFields, result: Schema.String }).annotate({
  identifier: "EncodeResponse"
})

/** The response of a decode route with `result` decoded by the given Schema (a typed round trip). */
export const decodeResponseOf = <S extends Schema.Top>(result: S) => withRest({ ...envelopeFields, result })

/** The response of a decode route: `result` is the decoded JSON value (the docs' `data` spelling is accepted too). */
export const DecodeResponse = decodeResponseOf(JsonValue).annotate({ identifier: "DecodeResponse" })

/** The answer of `GET /`: whatever the deployment returns; `status` or `message` is reliable. */
export const HealthResponse = withRest({
  status: optionalNullable(Schema.String),
  message: optionalNullable(Schema.String)
}).annotate({ identifier: "HealthResponse" })

/** An entry of a FastAPI-style 422 `detail` list. */
export const ValidationErrorItem = withRest({
  loc: Schema.Array(Schema.Union([Schema.String, Schema.Number])),
  msg: Schema.String,
  type: Schema.String
}).annotate({ identifier: "ValidationErrorItem" })

/** The body of an error answer: `detail` is a string or the 422 list. */
export const ErrorBody = withRest({
  detail: optionalNullable(Schema.Union([Schema.String, Schema.Array(ValidationErrorItem)])),
  code: optionalNullable(Schema.Union([Schema.String, Schema.Number])),
  request_id: optionalNullable(Schema.String)
}).annotate({ identifier: "ErrorBody" })

export type EncodeResponse = typeof EncodeResponse.Type
export type DecodeResponse<A = JsonValue> = Omit<typeof DecodeResponse.Type, "result"> & { readonly result: A }
export type HealthResponse = typeof HealthResponse.Type
export type Stats = typeof Stats.Type
export type TokenStats = typeof TokenStats.Type
export type Meta = typeof Meta.Type
