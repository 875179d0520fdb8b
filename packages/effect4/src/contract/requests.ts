/**
 * The request Schemas (the Effect 3 line's src/contract/requests.ts, in Effect 4's Schema), for
 * users who validate their own payloads. The client itself checks requests with the engine's
 * validator (internal/request.ts), which the Effect 3 line's tests keep equal to these rules.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { optional } from "./fields.js"
import { JsonInput, JsonObject } from "./json.js"

const Indent = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)).annotate({
  identifier: "Indent",
  message: "indent must be a whole number >= 1"
})

/** The delimiters the service accepts between fields of a tabular array. */
export const Delimiter = Schema.Literals([",", "\t", "|"]).annotate({
  identifier: "Delimiter",
  message: "delimiter must be one of \",\", \"\\t\" or \"|\""
})

/** Options for encoding JSON into KTOF. */
export const EncodeOptions = Schema.Struct({
  indent: optional(Indent),
  delimiter: optional(Delimiter),
  length_marker: optional(
    Schema.Union([Schema.Boolean, Schema.Literals(["#", ""])]).annotate({
      message: "length_marker must be true, false or \"#\""
    })
  )
}).annotate({ identifier: "EncodeOptions" })

/** Options for decoding KTOF back into JSON. */
export const DecodeOptions = Schema.Struct({
  indent: optional(Indent),
  strict: optional(Schema.Boolean)
}).annotate({ identifier: "DecodeOptions" })

const TokenModels = Schema.Array(Schema.String).annotate({
  identifier: "TokenModels",
  message: "token_models must be a list of model names, e.g. [\"gpt-4o\"]"
})

const Ktof = Schema.String.annotate({ identifier: "Ktof", message: "ktof must be a KTOF string" })

const AutoDetectJson = Schema.Boolean.pipe(Schema.withDecodingDefaultKey(Effect.succeed(true)))

/** Body of `POST /v1/compress`: any JSON value in `data`. */
export const EncodeRequest = Schema.Struct({
  data: JsonInput,
  options: optional(EncodeOptions)
}).annotate({ identifier: "EncodeRequest" })

/** Body of `POST /v1/optimize`: an `EncodeRequest`, plus `token_models`. */
export const OptimizeRequest = Schema.Struct({
  ...EncodeRequest.fields,
  token_models: optional(TokenModels)
}).annotate({ identifier: "OptimizeRequest" })

/** Body of `POST /v1/decompress`: a KTOF string in `data`. */
export const DecodeRequest = Schema.Struct({
  data: Schema.String.annotate({ message: "data must be a KTOF string" }),
  options: optional(DecodeOptions)
}).annotate({ identifier: "DecodeRequest" })

/** Body of `POST /v1/optimize/request`: a prompt (JSON value or text) to optimize. */
export const OptimizeRequestPayload = Schema.Struct({
  prompt: JsonInput,
  options: optional(EncodeOptions),
  auto_detect_json: AutoDetectJson,
  metadata: optional(JsonObject),
  token_models: optional(TokenModels)
}).annotate({ identifier: "OptimizeRequestPayload" })

/** Body of `POST /v1/prompts/encode`: an optimize request plus `schemas`. */
export const PromptEncodePayload = Schema.Struct({
  ...OptimizeRequestPayload.fields,
  schemas: optional(JsonObject)
}).annotate({ identifier: "PromptEncodePayload" })

/** Body of `POST /v1/optimize/response`: KTOF to decode. */
export const OptimizeResponsePayload = Schema.Struct({
  ktof: Ktof,
  options: optional(DecodeOptions)
}).annotate({ identifier: "OptimizeResponsePayload" })

/** Body of `POST /v1/prompts/decode`: KTOF to decode, with metadata to replay. */
export const PromptDecodePayload = Schema.Struct({
  ktof: Ktof,
  options: optional(DecodeOptions),
  replay_meta: optional(JsonObject),
  metadata: optional(JsonObject)
}).annotate({ identifier: "PromptDecodePayload" })
