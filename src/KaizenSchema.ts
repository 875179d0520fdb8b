/**
 * The Kaizen HTTP contract in one place: request and response Schemas and the endpoint table.
 *
 * Field names are the API's own snake_case, so a payload copied from the Kaizen docs pastes in
 * unchanged. The client validates requests with these Schemas before sending, the embedded
 * engine validates what it receives with the same ones, and the contract test checks them
 * against the official `openapi.json`.
 *
 * @since 0.1.0
 */
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { findJsonProblem } from "./json/check.js"

// ---------------------------------------------------------------------------------------------
// JSON values
// ---------------------------------------------------------------------------------------------

/**
 * A JSON value, as the API sends and receives it.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenSchema } from "kaizen-effect"
 * const value: KaizenSchema.JsonValue = { users: [{ id: 1, name: "Ada" }] }
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<JsonValue>
  | { readonly [key: string]: JsonValue }

/**
 * Any value the caller wants sent as JSON. Its TypeScript type is `unknown` so that
 * interfaces and class instances are accepted as they are; at run time anything JSON cannot
 * carry faithfully (BigInt, cycles, functions, symbols, `NaN`, `±Infinity`, Maps and Sets) is
 * refused with the path of the offending value.
 *
 * @since 0.1.0
 * @category schemas
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * Schema.decodeUnknownEither(KaizenSchema.JsonInput)({ n: NaN }) // Left: n: NaN is not a JSON number ...
 */
export const JsonInput: Schema.Schema<unknown> = Schema.declare(
  [],
  {
    decode: () => (input, _options, ast) => {
      const problem = findJsonProblem(input)
      if (problem === undefined) return ParseResult.succeed(input)
      const issue = new ParseResult.Type(ast, input, problem.message)
      const [head, ...tail] = problem.path
      return ParseResult.fail(head === undefined ? issue : new ParseResult.Pointer([head, ...tail], input, issue))
    },
    encode: () => (input) => ParseResult.succeed(input)
  },
  { identifier: "JsonValue", description: "any JSON value" }
)

/**
 * A JSON value received from the API. It comes out of `JSON.parse`, so it is JSON by
 * construction and is not walked again.
 *
 * @since 0.1.0
 * @category schemas
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * Schema.decodeUnknownSync(KaizenSchema.JsonValue)(JSON.parse("[1,2]"))
 */
export const JsonValue: Schema.Schema<JsonValue> = Schema.declare(
  (_u: unknown): _u is JsonValue => true,
  { identifier: "JsonValue" }
)

const JsonObject = Schema.Record({ key: Schema.String, value: JsonInput }).annotations({
  identifier: "JsonObject",
  message: () => "must be a JSON object, e.g. { \"trace_id\": \"abc\" }"
})

// `exact`: an optional field is absent or of its type (`null` in an optional request field is
// dropped before validation, see `dropNullOptions`; in responses it is accepted as absent).
const optional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })
const optionalNullable = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(schema, { exact: true, nullable: true })

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

const Indent = Schema.Int.pipe(Schema.greaterThanOrEqualTo(1)).annotations({
  identifier: "Indent",
  message: () => "indent must be a whole number >= 1"
})

/**
 * The delimiters the service accepts between fields of a tabular array.
 *
 * @since 0.1.0
 * @category schemas
 * @example
 * import { KaizenSchema } from "kaizen-effect"
 * const d: typeof KaizenSchema.Delimiter.Type = "|"
 */
export const Delimiter = Schema.Literal(",", "\t", "|").annotations({
  identifier: "Delimiter",
  // override: report the one rule, not one "Expected" line per literal.
  message: () => ({ message: "delimiter must be one of \",\", \"\\t\" or \"|\"", override: true })
})

/**
 * Options for encoding JSON into KTOF.
 *
 * @since 0.1.0
 * @category schemas
 * @example
 * import { KaizenSchema } from "kaizen-effect"
 * const options: typeof KaizenSchema.EncodeOptions.Encoded = { indent: 2, delimiter: "|", length_marker: "#" }
 */
export const EncodeOptions = Schema.Struct({
  indent: optional(Indent),
  delimiter: optional(Delimiter),
  // `true` or "#" writes `[#N]` headers, `false` or "" omits them; no other marker exists.
  length_marker: optional(
    Schema.Union(Schema.Boolean, Schema.Literal("#", "")).annotations({
      message: () => ({ message: "length_marker must be true, false or \"#\"", override: true })
    })
  )
}).annotations({ identifier: "EncodeOptions" })

/**
 * Options for decoding KTOF back into JSON.
 *
 * @since 0.1.0
 * @category schemas
 * @example
 * import { KaizenSchema } from "kaizen-effect"
 * const options: typeof KaizenSchema.DecodeOptions.Encoded = { indent: 2, strict: false }
 */
export const DecodeOptions = Schema.Struct({
  indent: optional(Indent),
  strict: optional(Schema.Boolean)
}).annotations({ identifier: "DecodeOptions" })

const TokenModels = Schema.Array(Schema.String).annotations({
  identifier: "TokenModels",
  message: () => "token_models must be a list of model names, e.g. [\"gpt-4o\"]"
})

const Ktof = Schema.String.pipe(Schema.minLength(1)).annotations({
  identifier: "Ktof",
  message: () => "ktof must be a non-empty KTOF string"
})

const AutoDetectJson = Schema.optionalWith(Schema.Boolean, { default: () => true })

/**
 * Body of `POST /v1/compress`: any JSON value in `data`.
 *
 * @since 0.1.0
 * @category schemas
 * @example
 * import { KaizenSchema } from "kaizen-effect"
 * const body: typeof KaizenSchema.EncodeRequest.Encoded = { data: { users: [{ id: 1 }] } }
 */
export const EncodeRequest = Schema.Struct({
  data: JsonInput,
  options: optional(EncodeOptions)
}).annotations({ identifier: "EncodeRequest" })

/**
 * Body of `POST /v1/optimize`: an `EncodeRequest`, plus the `token_models` the docs add.
 *
 * @since 0.1.0
 * @category schemas
 * @example
 * import { KaizenSchema } from "kaizen-effect"
 * const body: typeof KaizenSchema.OptimizeRequest.Encoded = { data: [1, 2], token_models: ["gpt-4o"] }
 */
export const OptimizeRequest = Schema.Struct({
  ...EncodeRequest.fields,
  token_models: optional(TokenModels)
}).annotations({ identifier: "OptimizeRequest" })

/**
 * Body of `POST /v1/decompress`: a KTOF string in `data`.
 *
 * @since 0.1.0
 * @category schemas
 * @example
 * import { KaizenSchema } from "kaizen-effect"
 * const body: typeof KaizenSchema.DecodeRequest.Encoded = { data: "a: 1" }
 */
export const DecodeRequest = Schema.Struct({
  data: Schema.String.annotations({ message: () => "data must be a KTOF string" }),
  options: optional(DecodeOptions)
}).annotations({ identifier: "DecodeRequest" })

/**
 * Body of `POST /v1/optimize/request`: a prompt (JSON value or text) to optimize.
 *
 * @since 0.1.0
 * @category schemas
 * @example
 * import { KaizenSchema } from "kaizen-effect"
 * const body: typeof KaizenSchema.OptimizeRequestPayload.Encoded = { prompt: "Summarize {\"a\":1}" }
 */
export const OptimizeRequestPayload = Schema.Struct({
  prompt: JsonInput,
  options: optional(EncodeOptions),
  auto_detect_json: AutoDetectJson,
  metadata: optional(JsonObject),
  token_models: optional(TokenModels)
}).annotations({ identifier: "OptimizeRequestPayload" })

/**
 * Body of `POST /v1/prompts/encode`: an optimize request plus `schemas`.
 *
 * @since 0.1.0
 * @category schemas
 * @example
 * import { KaizenSchema } from "kaizen-effect"
 * const body: typeof KaizenSchema.PromptEncodePayload.Encoded = {
 *   prompt: { messages: [{ role: "user", content: "hi" }] },
 *   token_models: ["gpt-4o-mini"]
 * }
 */
export const PromptEncodePayload = Schema.Struct({
  ...OptimizeRequestPayload.fields,
  schemas: optional(JsonObject)
}).annotations({ identifier: "PromptEncodePayload" })

/**
 * Body of `POST /v1/optimize/response`: KTOF to decode.
 *
 * @since 0.1.0
 * @category schemas
 * @example
 * import { KaizenSchema } from "kaizen-effect"
 * const body: typeof KaizenSchema.OptimizeResponsePayload.Encoded = { ktof: "a: 1" }
 */
export const OptimizeResponsePayload = Schema.Struct({
  ktof: Ktof,
  options: optional(DecodeOptions)
}).annotations({ identifier: "OptimizeResponsePayload" })

/**
 * Body of `POST /v1/prompts/decode`: KTOF to decode, with metadata to replay.
 *
 * @since 0.1.0
 * @category schemas
 * @example
 * import { KaizenSchema } from "kaizen-effect"
 * const body: typeof KaizenSchema.PromptDecodePayload.Encoded = { ktof: "a: 1", replay_meta: { turn: 3 } }
 */
export const PromptDecodePayload = Schema.Struct({
  ktof: Ktof,
  options: optional(DecodeOptions),
  replay_meta: optional(JsonObject),
  metadata: optional(JsonObject)
}).annotations({ identifier: "PromptDecodePayload" })

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

// Unknown fields must never break decoding and must stay available to the caller.
const Rest = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * Size statistics. The service reference and the docs spell them differently; both are
 * accepted and both kept.
 *
 * @since 0.1.0
 * @category schemas
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
 * @since 0.1.0
 * @category schemas
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
 * @since 0.1.0
 * @category schemas
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
 * @since 0.1.0
 * @category schemas
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
 * @since 0.1.0
 * @category schemas
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
 * @since 0.1.0
 * @category schemas
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
 * @since 0.1.0
 * @category schemas
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
 * @since 0.1.0
 * @category schemas
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * Schema.decodeUnknownSync(KaizenSchema.DecodeResponse)({ status: "ok", result: { a: 1 } })
 */
export const DecodeResponse = decodeResponseOf(JsonValue).annotations({ identifier: "DecodeResponse" })

/**
 * The answer of `GET /`: whatever the deployment returns; `status` or `message` is reliable.
 *
 * @since 0.1.0
 * @category schemas
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
 * @since 0.1.0
 * @category schemas
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
 * @since 0.1.0
 * @category schemas
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

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** @since 0.1.0 @category models */
export type EncodeResponse = typeof EncodeResponse.Type
/** @since 0.1.0 @category models */
export type DecodeResponse<A = JsonValue> = Omit<typeof DecodeResponse.Type, "result"> & { readonly result: A }
/** @since 0.1.0 @category models */
export type HealthResponse = typeof HealthResponse.Type
/** @since 0.1.0 @category models */
export type Stats = typeof Stats.Type
/** @since 0.1.0 @category models */
export type TokenStats = typeof TokenStats.Type
/** @since 0.1.0 @category models */
export type Meta = typeof Meta.Type

// ---------------------------------------------------------------------------------------------
// The endpoint table
// ---------------------------------------------------------------------------------------------

/**
 * Every operation of the API: method, path, request Schema and the kind of response. The
 * client, the embedded engine, the CLI and the contract test all read this one table.
 *
 * @since 0.1.0
 * @category endpoints
 * @example
 * import { KaizenSchema } from "kaizen-effect"
 * KaizenSchema.Endpoints.promptsEncode.path // "/v1/prompts/encode"
 */
export const Endpoints = {
  compress: { method: "POST", path: "/v1/compress", request: EncodeRequest, response: "encode" },
  decompress: { method: "POST", path: "/v1/decompress", request: DecodeRequest, response: "decode" },
  optimize: { method: "POST", path: "/v1/optimize", request: OptimizeRequest, response: "encode" },
  optimizeRequest: {
    method: "POST",
    path: "/v1/optimize/request",
    request: OptimizeRequestPayload,
    response: "encode"
  },
  optimizeResponse: {
    method: "POST",
    path: "/v1/optimize/response",
    request: OptimizeResponsePayload,
    response: "decode"
  },
  promptsEncode: { method: "POST", path: "/v1/prompts/encode", request: PromptEncodePayload, response: "encode" },
  promptsDecode: { method: "POST", path: "/v1/prompts/decode", request: PromptDecodePayload, response: "decode" },
  health: { method: "GET", path: "/", request: undefined, response: "health" }
} as const

/**
 * The name of an operation: `"compress"`, `"promptsEncode"`, ...
 *
 * @since 0.1.0
 * @category endpoints
 * @example
 * import type { KaizenSchema } from "kaizen-effect"
 * const op: KaizenSchema.Operation = "promptsDecode"
 */
export type Operation = keyof typeof Endpoints

/**
 * The operations that take a request body: all but `health`.
 *
 * @since 0.1.0
 * @category endpoints
 * @example
 * import type { KaizenSchema } from "kaizen-effect"
 * const op: KaizenSchema.BodyOperation = "promptsEncode"
 */
export type BodyOperation = Exclude<Operation, "health">

/**
 * What a caller passes to an operation: the request Schema's encoded side, so optional
 * fields and defaults (`auto_detect_json: true`) may be left out.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenSchema } from "kaizen-effect"
 * const req: KaizenSchema.RequestInput<"compress"> = { data: { a: 1 }, options: { delimiter: "|" } }
 */
export type RequestInput<Op extends BodyOperation> = (typeof Endpoints)[Op]["request"]["Encoded"]

/**
 * The body that goes on the wire for an operation, defaults applied.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenSchema } from "kaizen-effect"
 * type Body = KaizenSchema.RequestBody<"promptsEncode"> // auto_detect_json is always present
 */
export type RequestBody<Op extends BodyOperation> = (typeof Endpoints)[Op]["request"]["Type"]

const requiredFields = new Set(["data", "prompt", "ktof"])

// Most requests have no null to drop: answer that without copying the request.
const hasNullOption = (input: object): boolean => {
  for (const key in input) {
    const value = (input as Record<string, unknown>)[key]
    if (value === null && !requiredFields.has(key)) return true
    if (key === "options" && typeof value === "object" && value !== null && hasNullOption(value)) return true
  }
  return false
}

/**
 * Drops `null` from the optional fields of a request and of its `options`, as the Python
 * client drops `None`: a payload written for Python (`"metadata": null`) is sent without the
 * field instead of being refused. `null` stays meaningful where it is data (`data`, `prompt`).
 *
 * @since 0.1.0
 * @category requests
 * @example
 * import { KaizenSchema } from "kaizen-effect"
 * KaizenSchema.dropNullOptions({ prompt: null, metadata: null }) // { prompt: null }
 */
export const dropNullOptions = (input: unknown): unknown => {
  if (typeof input !== "object" || input === null || Array.isArray(input) || !hasNullOption(input)) return input
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    if (value === null && !requiredFields.has(key)) continue
    out[key] = key === "options" ? dropNullOptions(value) : value
  }
  return out
}

/**
 * Normalises the spellings the docs use for a decode result: `decompress` is shown
 * returning the value under `data`; the client always exposes it as `result`.
 *
 * @since 0.1.0
 * @category responses
 * @example
 * import { KaizenSchema } from "kaizen-effect"
 * KaizenSchema.normalizeEnvelope({ status: "ok", data: { a: 1 } }) // { status: "ok", data: { a: 1 }, result: { a: 1 } }
 */
export const normalizeEnvelope = (body: Record<string, unknown>): Record<string, unknown> =>
  !("result" in body) && "data" in body ? { ...body, result: body.data } : body
