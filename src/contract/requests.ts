/**
 * The request Schemas: one per body operation, and the encode and decode options they share.
 * Each field's message says what was wrong and how to fix it, since the client and the engine
 * both show it to the caller as is.
 *
 * @internal
 */
import * as Schema from "effect/Schema"
import { optional } from "./fields.js"
import { JsonInput, JsonObject } from "./json.js"

const Indent = Schema.Int.pipe(Schema.greaterThanOrEqualTo(1)).annotations({
  identifier: "Indent",
  message: () => "indent must be a whole number >= 1"
})

/**
 * The delimiters the service accepts between fields of a tabular array.
 *
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

// Any string, as the service's models and openapi.json take it: "" is the empty document (`{}`),
// as `decompress`'s `data` is, so the three decode routes agree (the Python client refuses "").
const Ktof = Schema.String.annotations({
  identifier: "Ktof",
  message: () => "ktof must be a KTOF string"
})

const AutoDetectJson = Schema.optionalWith(Schema.Boolean, { default: () => true })

/**
 * Body of `POST /v1/compress`: any JSON value in `data`.
 *
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
