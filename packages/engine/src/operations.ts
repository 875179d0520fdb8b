/**
 * What each Kaizen route does with a validated request: the service's semantics, as data in
 * and the response envelope out.
 */
import type { DecodeSettings, EncodeSettings, KtofDecodeError, KtofEncodeError } from "./codec.js"
import { decode, encode } from "./codec.js"
import { autoDetect } from "./detect.js"
import type { EngineError } from "./errors.js"
import { engineFailure, invalidField, undecodableKtof } from "./errors.js"
import type { DecodeOptions, EncodeOptions, RequestOf } from "./requests.js"
import type { MaybePromise, Result } from "./result.js"
import { fail, succeed } from "./result.js"
import type { Stats } from "./stats.js"
import { compactJson, compare, compareLength } from "./stats.js"
import type { Tokenizer, TokenStats } from "./tokens.js"
import { tokenStats } from "./tokens.js"
import { ENGINE_VERSION } from "./version.js"

/** A successful answer of an encode or decode route. */
export interface Envelope {
  readonly operation: string
  readonly status: "success"
  readonly result: unknown
  readonly stats: Stats
  readonly token_stats?: TokenStats
  readonly meta?: Record<string, unknown>
}

/** What an operation answers: an envelope or an error, now, or once the tokenizer has loaded. */
export type Outcome = MaybePromise<Result<Envelope, EngineError>>

/** What an operation needs besides its request. */
export interface OperationContext {
  /** Code points of each field's compact JSON, when known without writing it (json/measure.ts). */
  readonly fieldLengths?: Readonly<Record<string, number>> | undefined
  /** Where token counts come from. */
  readonly tokenizer: Tokenizer
}

/** The service's defaults for options left out. */
const encodeSettings = (options: EncodeOptions | undefined): Result<EncodeSettings, EngineError> => {
  const marker = options?.length_marker
  // The contract accepts any string; only "#" means something (and "" is the same as false).
  if (typeof marker === "string" && marker !== "#" && marker !== "") {
    return fail(invalidField(["options", "length_marker"], "length_marker must be a boolean or \"#\"", "value_error"))
  }
  return succeed({
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

const decodeFailure = (error: KtofDecodeError): EngineError => undecodableKtof(`Invalid KTOF: ${error.message}`)

const encodeValue = (value: unknown, settings: EncodeSettings, field: string): Result<string, EngineError> => {
  const encoded = encode(value, settings)
  return encoded.ok ? encoded : fail(encodeFailure(field)(encoded.error))
}

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
  models: ReadonlyArray<string> | undefined,
  tokenizer: Tokenizer
): Outcome => {
  const { ktof, meta, operation } = base
  const make = (stats: Stats): Envelope =>
    meta === undefined
      ? { operation, status: "success", result: ktof, stats }
      : { operation, status: "success", result: ktof, stats, meta }
  if (models === undefined) {
    return succeed(make(measured !== undefined ? compareLength(measured, ktof) : compare(compactJson(value), ktof)))
  }
  const json = compactJson(value)
  // Only token counting is asynchronous (it may load the tokenizer); everything else answers now.
  return tokenStats(models, json, ktof, tokenizer).then((counts) =>
    counts.ok ? succeed({ ...make(compare(json, ktof)), token_stats: counts.value }) : fail(engineFailure(counts.error.message))
  )
}

const encodeData = (
  operation: string,
  request: RequestOf<"optimize">,
  context: OperationContext
): Outcome => {
  const settings = encodeSettings(request.options)
  if (!settings.ok) return settings
  const encoded = encodeValue(request.data, settings.value, "data")
  if (!encoded.ok) return encoded
  return encodeEnvelope(
    { operation, ktof: encoded.value },
    request.data,
    context.fieldLengths?.data,
    request.token_models,
    context.tokenizer
  )
}

/** `POST /v1/compress`. */
export const compress = (request: RequestOf<"compress">, context: OperationContext): Outcome =>
  encodeData("compress", request, context)

/** `POST /v1/optimize`: compress, with token counts when `token_models` is given. */
export const optimize = (request: RequestOf<"optimize">, context: OperationContext): Outcome =>
  encodeData("optimize", request, context)

const encodePrompt = (operation: string, request: RequestOf<"promptsEncode">, context: OperationContext): Outcome => {
  const settings = encodeSettings(request.options)
  if (!settings.ok) return settings
  const plain = encodeValue(request.prompt, settings.value, "prompt")
  if (!plain.ok) return plain
  let detection: { readonly result: string; readonly meta: object } = {
    result: plain.value,
    meta: { auto_detected_json: false, embedded_json_count: 0, auto_detection_applied: false }
  }
  if (typeof request.prompt === "string" && request.auto_detect_json) {
    const detected = autoDetect(request.prompt, plain.value, settings.value)
    if (!detected.ok) return fail(encodeFailure("prompt")(detected.error))
    detection = detected.value
  }
  const meta: Record<string, unknown> = { ...detection.meta }
  if (request.schemas !== undefined) meta.schemas = request.schemas
  if (request.metadata !== undefined) meta.client_metadata = request.metadata
  return encodeEnvelope(
    { operation, ktof: detection.result, meta },
    request.prompt,
    context.fieldLengths?.prompt,
    request.token_models,
    context.tokenizer
  )
}

/** `POST /v1/optimize/request`: a prompt, with JSON auto-detection in text. */
export const optimizeRequest = (request: RequestOf<"optimizeRequest">, context: OperationContext): Outcome =>
  encodePrompt("optimize.request", request, context)

/** `POST /v1/prompts/encode`: as optimize/request, echoing `schemas`. */
export const promptsEncode = (request: RequestOf<"promptsEncode">, context: OperationContext): Outcome =>
  encodePrompt("prompts.encode", request, context)

const decodeKtof = (operation: string, ktof: string, options: DecodeOptions | undefined): Result<Envelope, EngineError> => {
  const value = decode(ktof, decodeSettings(options))
  if (!value.ok) return fail(decodeFailure(value.error))
  return succeed({ operation, status: "success", result: value.value, stats: compare(compactJson(value.value), ktof) })
}

/** `POST /v1/decompress`: stats compare the decoded value's JSON with the KTOF given. */
export const decompress = (request: RequestOf<"decompress">): Outcome => decodeKtof("decompress", request.data, request.options)

/** `POST /v1/optimize/response`. */
export const optimizeResponse = (request: RequestOf<"optimizeResponse">): Outcome =>
  decodeKtof("optimize.response", request.ktof, request.options)

/** `POST /v1/prompts/decode`: `replay_meta` merged into `meta`; `client_metadata` wins a clash. */
export const promptsDecode = (request: RequestOf<"promptsDecode">): Outcome => {
  const envelope = decodeKtof("prompts.decode", request.ktof, request.options)
  if (!envelope.ok) return envelope
  const meta: Record<string, unknown> = { ...request.replay_meta }
  if (request.metadata !== undefined) meta.client_metadata = request.metadata
  return succeed({ ...envelope.value, meta })
}

/** `GET /`: every value a string, as the service's schema says. */
export const health = {
  status: "ok",
  message: "Kaizen local engine",
  engine: `@kaizen-effect/engine/${ENGINE_VERSION}`
} as const
