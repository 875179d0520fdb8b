/**
 * What each Kaizen route does with a validated request: the service's semantics, as data in
 * and the response envelope out.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as KaizenSchema from "../KaizenSchema.js"
import { version } from "../contract/version.js"
import type { DecodeSettings, EncodeSettings, KtofDecodeError, KtofEncodeError } from "./codec.js"
import { decode, encode } from "./codec.js"
import { autoDetect } from "./detect.js"
import type { EngineError } from "./errors.js"
import { EngineFailure, invalidField, UndecodableKtof } from "./errors.js"
import type { Stats } from "./stats.js"
import { compactJson, compare, compareLength } from "./stats.js"
import type { TokenStats } from "./tokens.js"
import { tokenStats } from "./tokens.js"
import type { RequestOf } from "./validate.js"

/** A successful answer of an encode or decode route. */
export interface Envelope {
  readonly operation: string
  readonly status: "success"
  readonly result: unknown
  readonly stats: Stats
  readonly token_stats?: TokenStats
  readonly meta?: Record<string, unknown>
}

type EncodeOptions = (typeof KaizenSchema.EncodeOptions)["Type"]
type DecodeOptions = (typeof KaizenSchema.DecodeOptions)["Type"]

/** The service's defaults for options left out. */
const encodeSettings = (options: EncodeOptions | undefined): Either.Either<EncodeSettings, EngineError> => {
  const marker = options?.length_marker
  // The contract accepts any string; only "#" means something (and "" is the same as false).
  if (typeof marker === "string" && marker !== "#" && marker !== "") {
    return Either.left(
      invalidField(["options", "length_marker"], "length_marker must be a boolean or \"#\"", "value_error")
    )
  }
  return Either.right({
    indent: options?.indent ?? 2,
    delimiter: options?.delimiter ?? ",",
    lengthMarker: marker === true || marker === "#"
  })
}

const decodeSettings = (options: DecodeOptions | undefined): DecodeSettings => ({
  indent: options?.indent ?? 2,
  strict: options?.strict ?? true
})

const encodeFailure = (field: string) => (error: KtofEncodeError): EngineError =>
  error.reason === "TooLarge"
    ? invalidField(["options", "indent"], error.message)
    : invalidField([field], `cannot be encoded as KTOF: ${error.message}`)

const decodeFailure = (error: KtofDecodeError): EngineError =>
  new UndecodableKtof({ detail: `Invalid KTOF: ${error.message}` })

const encodeValue = (value: unknown, settings: EncodeSettings, field: string) =>
  Either.mapLeft(encode(value, settings), encodeFailure(field))

/** Code points of a field's compact JSON, from the measures the request came with if any. */
type FieldLengths = Readonly<Record<string, number>> | undefined

/**
 * The envelope of an encode route: its stats, and its token counts when `models` asks for
 * them. Both compare the same two texts, the compact JSON and the KTOF. The stats need only
 * the JSON's length, which a request handed over in-process comes with (`measured`), so the
 * JSON is written only when tokens are to be counted in it, or when its length is not known.
 */
const encodeEnvelope = (
  base: { readonly operation: string; readonly ktof: string; readonly meta?: Record<string, unknown> },
  value: unknown,
  measured: number | undefined,
  models: ReadonlyArray<string> | undefined
): Effect.Effect<Envelope, EngineError> | Either.Either<Envelope, EngineError> => {
  const { ktof, meta, operation } = base
  const make = (stats: Stats): Envelope =>
    meta === undefined
      ? { operation, status: "success", result: ktof, stats }
      : { operation, status: "success", result: ktof, stats, meta }
  if (models === undefined) {
    return Either.right(make(measured !== undefined ? compareLength(measured, ktof) : compare(compactJson(value), ktof)))
  }
  const json = compactJson(value)
  return tokenStats(models, json, ktof).pipe(
    Effect.map((counts) => ({ ...make(compare(json, ktof)), token_stats: counts })),
    Effect.mapError((error) => new EngineFailure({ detail: error.message }))
  )
}

const encodeData = (
  operation: string,
  request: RequestOf<"compress"> & { readonly token_models?: ReadonlyArray<string> },
  fieldLengths: FieldLengths
): Effect.Effect<Envelope, EngineError> | Either.Either<Envelope, EngineError> => {
  // Plain Either steps: a small prompt's encode takes microseconds, and Effect steps here
  // would cost as much. Only token counting (it loads the tokenizer) is an Effect.
  const encoded = Either.flatMap(encodeSettings(request.options), (settings) => encodeValue(request.data, settings, "data"))
  if (Either.isLeft(encoded)) return Either.left(encoded.left)
  return encodeEnvelope({ operation, ktof: encoded.right }, request.data, fieldLengths?.data, request.token_models)
}

/** `POST /v1/compress`. */
export const compress = (request: RequestOf<"compress">, fieldLengths?: FieldLengths) =>
  encodeData("compress", request, fieldLengths)

/** `POST /v1/optimize`: compress, with token counts when `token_models` is given. */
export const optimize = (request: RequestOf<"optimize">, fieldLengths?: FieldLengths) =>
  encodeData("optimize", request, fieldLengths)

const encodePrompt = (
  operation: string,
  request: RequestOf<"promptsEncode">,
  fieldLengths: FieldLengths
): Effect.Effect<Envelope, EngineError> =>
  Effect.gen(function*() {
    const settings = yield* encodeSettings(request.options)
    const plain = yield* encodeValue(request.prompt, settings, "prompt")
    const detection = typeof request.prompt === "string" && request.auto_detect_json
      ? yield* Either.mapLeft(autoDetect(request.prompt, plain, settings), encodeFailure("prompt"))
      : {
        result: plain,
        meta: { auto_detected_json: false, embedded_json_count: 0, auto_detection_applied: false }
      }
    const meta: Record<string, unknown> = { ...detection.meta }
    if (request.schemas !== undefined) meta.schemas = request.schemas
    if (request.metadata !== undefined) meta.client_metadata = request.metadata
    return yield* encodeEnvelope(
      { operation, ktof: detection.result, meta },
      request.prompt,
      fieldLengths?.prompt,
      request.token_models
    )
  })

/** `POST /v1/optimize/request`: a prompt, with JSON auto-detection in text. */
export const optimizeRequest = (request: RequestOf<"optimizeRequest">, fieldLengths?: FieldLengths) =>
  encodePrompt("optimize.request", request, fieldLengths)

/** `POST /v1/prompts/encode`: as optimize/request, echoing `schemas`. */
export const promptsEncode = (request: RequestOf<"promptsEncode">, fieldLengths?: FieldLengths) =>
  encodePrompt("prompts.encode", request, fieldLengths)

const decodeKtof = (
  operation: string,
  ktof: string,
  options: DecodeOptions | undefined
): Either.Either<Envelope, EngineError> =>
  Either.map(Either.mapLeft(decode(ktof, decodeSettings(options)), decodeFailure), (value) => ({
    operation,
    status: "success" as const,
    result: value,
    stats: compare(compactJson(value), ktof)
  }))

/** `POST /v1/decompress`: stats compare the decoded value's JSON with the KTOF given. */
export const decompress = (request: RequestOf<"decompress">) => decodeKtof("decompress", request.data, request.options)

/** `POST /v1/optimize/response`. */
export const optimizeResponse = (request: RequestOf<"optimizeResponse">) =>
  decodeKtof("optimize.response", request.ktof, request.options)

/** `POST /v1/prompts/decode`: `replay_meta` merged into `meta`; `client_metadata` wins a clash. */
export const promptsDecode = (request: RequestOf<"promptsDecode">) =>
  Either.map(decodeKtof("prompts.decode", request.ktof, request.options), (envelope): Envelope => {
    const meta: Record<string, unknown> = { ...request.replay_meta }
    if (request.metadata !== undefined) meta.client_metadata = request.metadata
    return { ...envelope, meta }
  })

/** `GET /`: every value a string, as the service's schema says. */
export const health = {
  status: "ok",
  message: "Kaizen local engine",
  engine: `kaizen-effect/${version}`
} as const
