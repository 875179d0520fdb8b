/**
 * The response Schemas: the envelope every route answers with, its statistics and metadata in
 * both documented spellings, and the error body. Unknown fields are kept, never refused.
 *
 * @internal
 */
import * as Schema from "effect/Schema"
import { optionalNullable, Rest } from "./fields.js"
import { JsonValue } from "./json.js"

/**
 * Size statistics. The service reference and the docs spell them differently; both are
 * accepted and both kept.
 *
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * Schema.decodeUnknownSync(KaizenSchema.Stats)({ original_length: 40, optimized_length: 20, reduction: 20, reduction_ratio: 0.5 })
 */
export const Stats = Schema.Struct(
  {
    original_length: optionalNullable(Schema.Number),
    optimized_length: optionalNullable(Schema.Number),
    reduction: optionalNullable(Schema.Number),
    reduction_ratio: optionalNullable(Schema.Number),
    original_bytes: optionalNullable(Schema.Number),
    optimized_bytes: optionalNullable(Schema.Number),
    compressed_bytes: optionalNullable(Schema.Number)
  },
  Rest
).annotations({ identifier: "Stats" })

/**
 * Token and byte counts for one model, in either documented spelling.
 *
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * Schema.decodeUnknownSync(KaizenSchema.TokenCount)({ tokens: 12, bytes: 40 })
 */
export const TokenCount = Schema.Struct(
  {
    tokens: optionalNullable(Schema.Number),
    bytes: optionalNullable(Schema.Number),
    original: optionalNullable(Schema.Number),
    compressed: optionalNullable(Schema.Number)
  },
  Rest
).annotations({ identifier: "TokenCount" })

/**
 * Token statistics: `{ raw: { model: counts }, optimized: { model: counts } }` (service
 * reference) or `{ model: { original, compressed } }` (docs).
 *
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * Schema.decodeUnknownSync(KaizenSchema.TokenStats)({ raw: { "gpt-4o": { tokens: 12, bytes: 40 } }, optimized: { "gpt-4o": { tokens: 7, bytes: 22 } } })
 */
export const TokenStats = Schema.Union(
  Schema.Struct(
    {
      raw: Schema.Record({ key: Schema.String, value: TokenCount }),
      optimized: Schema.Record({ key: Schema.String, value: TokenCount })
    },
    Rest
  ),
  Schema.Record({ key: Schema.String, value: TokenCount })
).annotations({ identifier: "TokenStats" })

/**
 * One JSON block found in a text prompt and replaced by its KTOF.
 *
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * Schema.decodeUnknownSync(KaizenSchema.Replacement)({ start: 9, end: 16, preview: "{\"a\":1}" })
 */
export const Replacement = Schema.Struct(
  {
    start: optionalNullable(Schema.Number),
    end: optionalNullable(Schema.Number),
    original_length: optionalNullable(Schema.Number),
    ktof_length: optionalNullable(Schema.Number),
    preview: optionalNullable(Schema.String)
  },
  Rest
).annotations({ identifier: "Replacement" })

/**
 * Response metadata: JSON auto-detection results and the echoes of the request's
 * `metadata`, `schemas` and (on decode) `replay_meta`.
 *
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * Schema.decodeUnknownSync(KaizenSchema.Meta)({ auto_detected_json: false, client_metadata: { trace: "t1" } })
 */
export const Meta = Schema.Struct(
  {
    auto_detected_json: optionalNullable(Schema.Boolean),
    embedded_json_count: optionalNullable(Schema.Number),
    segments_schema: optionalNullable(Schema.String),
    replacements: optionalNullable(Schema.Array(Replacement)),
    auto_detection_applied: optionalNullable(Schema.Boolean),
    schemas: optionalNullable(Rest),
    client_metadata: optionalNullable(Rest)
  },
  Rest
).annotations({ identifier: "Meta" })

const envelopeFields = {
  operation: optionalNullable(Schema.String),
  status: optionalNullable(Schema.String),
  stats: optionalNullable(Stats),
  token_stats: optionalNullable(TokenStats),
  meta: optionalNullable(Meta),
  metadata: optionalNullable(Rest)
}

/**
 * The response of an encode route (`compress`, `optimize`, `optimize/request`,
 * `prompts/encode`): `result` is the KTOF string.
 *
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * const res = Schema.decodeUnknownSync(KaizenSchema.EncodeResponse)({ operation: "compress", status: "success", result: "a: 1" })
 * res.result // "a: 1"
 */
export const EncodeResponse = Schema.Struct({ ...envelopeFields, result: Schema.String }, Rest).annotations({
  identifier: "EncodeResponse"
})

/**
 * The response of a decode route with `result` decoded by the given Schema (a typed round
 * trip). Use {@link DecodeResponse} for plain JSON.
 *
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * const Users = Schema.Struct({ users: Schema.Array(Schema.Struct({ id: Schema.Number })) })
 * const TypedResponse = KaizenSchema.decodeResponseOf(Users)
 */
export const decodeResponseOf = <A, I, R>(result: Schema.Schema<A, I, R>) =>
  Schema.Struct({ ...envelopeFields, result }, Rest)

/**
 * The response of a decode route (`decompress`, `optimize/response`, `prompts/decode`):
 * `result` is the decoded JSON value (the docs' `data` spelling is accepted too).
 *
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * Schema.decodeUnknownSync(KaizenSchema.DecodeResponse)({ status: "ok", result: { a: 1 } })
 */
export const DecodeResponse = decodeResponseOf(JsonValue).annotations({ identifier: "DecodeResponse" })

/**
 * The answer of `GET /`: whatever the deployment returns; `status` or `message` is reliable.
 *
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * Schema.decodeUnknownSync(KaizenSchema.HealthResponse)({ status: "ok" })
 */
export const HealthResponse = Schema.Struct(
  { status: optionalNullable(Schema.String), message: optionalNullable(Schema.String) },
  Rest
).annotations({ identifier: "HealthResponse" })

/**
 * An entry of a FastAPI-style 422 `detail` list.
 *
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * Schema.decodeUnknownSync(KaizenSchema.ValidationErrorItem)({ loc: ["body", "prompt"], msg: "field required", type: "missing" })
 */
export const ValidationErrorItem = Schema.Struct(
  {
    loc: Schema.Array(Schema.Union(Schema.String, Schema.Number)),
    msg: Schema.String,
    type: Schema.String
  },
  Rest
).annotations({ identifier: "ValidationErrorItem" })

/**
 * The body of an error answer: `detail` is a string or the 422 list.
 *
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * Schema.decodeUnknownSync(KaizenSchema.ErrorBody)({ detail: "Invalid KTOF" })
 */
export const ErrorBody = Schema.Struct(
  {
    detail: optionalNullable(Schema.Union(Schema.String, Schema.Array(ValidationErrorItem))),
    code: optionalNullable(Schema.Union(Schema.String, Schema.Number)),
    request_id: optionalNullable(Schema.String)
  },
  Rest
).annotations({ identifier: "ErrorBody" })

export type EncodeResponse = typeof EncodeResponse.Type
export type DecodeResponse<A = JsonValue> = Omit<typeof DecodeResponse.Type, "result"> & { readonly result: A }
export type HealthResponse = typeof HealthResponse.Type
export type Stats = typeof Stats.Type
export type TokenStats = typeof TokenStats.Type
export type Meta = typeof Meta.Type
