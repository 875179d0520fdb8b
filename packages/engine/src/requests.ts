/**
 * The seven request bodies: their types, and the check that reads a JSON body as one of them
 * with FastAPI's 422 items (`loc`, `msg`, `type`) for whatever does not fit.
 *
 * The library `kaizen-effect` states the same contract as Effect Schemas (its `KaizenSchema`);
 * a test there runs both over generated and mutated bodies and requires the same answers, item
 * for item, so a client and the engine refuse alike. The wording is the contract's: a field's
 * own message where it has one, else Effect's `Expected <type>, actual <value>`.
 *
 * The input is a body parsed from JSON (see validate.ts): no cycles, no `undefined`, no
 * functions. Unknown fields are ignored, as Pydantic ignores them.
 */
import type { ValidationItem } from "./errors.js"
import { formatValue } from "./format.js"
import type { Result } from "./result.js"
import { fail, succeed } from "./result.js"

/** Options for encoding JSON into KTOF. */
export interface EncodeOptions {
  readonly indent?: number
  readonly delimiter?: "," | "\t" | "|"
  /** `true` or `"#"` writes `[#N]` headers; `false` or `""` omits them. */
  readonly length_marker?: boolean | "#" | ""
}

/** Options for decoding KTOF into JSON. */
export interface DecodeOptions {
  readonly indent?: number
  readonly strict?: boolean
}

/** A JSON object given by the caller (`metadata`, `schemas`, `replay_meta`). */
export type JsonObject = { readonly [key: string]: unknown }

/** `POST /v1/compress`. */
export interface CompressRequest {
  readonly data: unknown
  readonly options?: EncodeOptions
}

/** `POST /v1/optimize`. */
export interface OptimizeRequest extends CompressRequest {
  readonly token_models?: ReadonlyArray<string>
}

/** `POST /v1/decompress`. */
export interface DecompressRequest {
  readonly data: string
  readonly options?: DecodeOptions
}

/** `POST /v1/optimize/request`. */
export interface OptimizeRequestPayload {
  readonly prompt: unknown
  readonly options?: EncodeOptions
  readonly auto_detect_json: boolean
  readonly metadata?: JsonObject
  readonly token_models?: ReadonlyArray<string>
}

/** `POST /v1/prompts/encode`. */
export interface PromptEncodePayload extends OptimizeRequestPayload {
  readonly schemas?: JsonObject
}

/** `POST /v1/optimize/response`. */
export interface OptimizeResponsePayload {
  readonly ktof: string
  readonly options?: DecodeOptions
}

/** `POST /v1/prompts/decode`. */
export interface PromptDecodePayload {
  readonly ktof: string
  readonly options?: DecodeOptions
  readonly replay_meta?: JsonObject
  readonly metadata?: JsonObject
}

/** Each body operation's request, by operation name. */
export interface Requests {
  readonly compress: CompressRequest
  readonly decompress: DecompressRequest
  readonly optimize: OptimizeRequest
  readonly optimizeRequest: OptimizeRequestPayload
  readonly optimizeResponse: OptimizeResponsePayload
  readonly promptsEncode: PromptEncodePayload
  readonly promptsDecode: PromptDecodePayload
}

/** The name of an operation that takes a body. */
export type BodyOperation = keyof Requests

/** A body operation's request. */
export type RequestOf<Op extends BodyOperation> = Requests[Op]

type Path = ReadonlyArray<string | number>
type Items = Array<ValidationItem>
type Check = (value: unknown, path: Path, items: Items) => void

const has = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key)
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
const item = (path: Path, msg: string, type: string): ValidationItem => ({ loc: ["body", ...path], msg, type })
const expected = (what: string, value: unknown) => `Expected ${what}, actual ${formatValue(value)}`

const anyJson: Check = () => {}

const indent: Check = (value, path, items) => {
  // An integer past 2^53 (a bigint, json/parse.ts) is no indent either, named with its digits.
  if (typeof value === "bigint") items.push(item(path, expected("an integer", value), "value_error"))
  else if (typeof value !== "number") items.push(item(path, expected("number", value), "type_error"))
  else if (!Number.isSafeInteger(value)) items.push(item(path, expected("an integer", value), "value_error"))
  else if (value < 1) items.push(item(path, "indent must be a whole number >= 1", "value_error"))
}

const boolean: Check = (value, path, items) => {
  if (typeof value !== "boolean") items.push(item(path, expected("boolean", value), "type_error"))
}

const oneOf = (allowed: ReadonlyArray<unknown>, msg: string): Check => (value, path, items) => {
  if (!allowed.includes(value)) items.push(item(path, msg, "value_error"))
}

const string = (msg: string): Check => (value, path, items) => {
  if (typeof value !== "string") items.push(item(path, msg, "type_error"))
}

const jsonObject: Check = (value, path, items) => {
  if (!isObject(value)) items.push(item(path, "must be a JSON object, e.g. { \"trace_id\": \"abc\" }", "type_error"))
}

const tokenModels: Check = (value, path, items) => {
  if (!Array.isArray(value)) {
    items.push(item(path, "token_models must be a list of model names, e.g. [\"gpt-4o\"]", "type_error"))
    return
  }
  value.forEach((model, i) => {
    if (typeof model !== "string") items.push(item([...path, i], expected("string", model), "type_error"))
  })
}

interface Field {
  readonly name: string
  readonly check: Check
  readonly required?: true
  /** The value an absent field takes. */
  readonly default?: unknown
  /** The fields a nested struct keeps (the others are left out, as at the top). */
  readonly keep?: ReadonlyArray<string>
}

// A struct: its fields in the contract's order (the order of the 422 items), and its name.
const struct = (identifier: string, fields: ReadonlyArray<Field>): Check => (value, path, items) => {
  if (!isObject(value)) {
    items.push(item(path, expected(identifier, value), "type_error"))
    return
  }
  for (const field of fields) {
    if (has(value, field.name)) field.check(value[field.name], [...path, field.name], items)
    else if (field.required) items.push(item([...path, field.name], "Field required", "missing"))
  }
  // Other fields are ignored, but not this one: a JavaScript reader that assigns it sets the
  // object's prototype, and whatever is read through that is a request nobody sent.
  if (has(value, "__proto__")) {
    items.push(item([...path, "__proto__"], `"__proto__" is not a field of ${identifier}`, "extra_forbidden"))
  }
}

const encodeOptions = struct("EncodeOptions", [
  { name: "indent", check: indent },
  { name: "delimiter", check: oneOf([",", "\t", "|"], "delimiter must be one of \",\", \"\\t\" or \"|\"") },
  { name: "length_marker", check: oneOf([true, false, "#", ""], "length_marker must be true, false or \"#\"") }
])
const decodeOptions = struct("DecodeOptions", [{ name: "indent", check: indent }, { name: "strict", check: boolean }])
const ktof = string("ktof must be a KTOF string")

const data: Field = { name: "data", check: anyJson, required: true }
const prompt: Field = { name: "prompt", check: anyJson, required: true }
const encode: Field = { name: "options", check: encodeOptions, keep: ["indent", "delimiter", "length_marker"] }
const decode: Field = { name: "options", check: decodeOptions, keep: ["indent", "strict"] }
const models: Field = { name: "token_models", check: tokenModels }
const autoDetect: Field = { name: "auto_detect_json", check: boolean, default: true }
const metadata: Field = { name: "metadata", check: jsonObject }

const models_: { readonly [Op in BodyOperation]: { readonly identifier: string; readonly fields: ReadonlyArray<Field> } } = {
  compress: { identifier: "EncodeRequest", fields: [data, encode] },
  optimize: { identifier: "OptimizeRequest", fields: [data, encode, models] },
  decompress: { identifier: "DecodeRequest", fields: [{ name: "data", check: string("data must be a KTOF string"), required: true }, decode] },
  // The two models with a default (`auto_detect_json`) are transformations in the contract's
  // Schemas, which name their input side so: the service's answers kept that wording.
  optimizeRequest: { identifier: "Struct (Encoded side)", fields: [prompt, encode, autoDetect, metadata, models] },
  promptsEncode: {
    identifier: "Struct (Encoded side)",
    fields: [prompt, encode, autoDetect, metadata, models, { name: "schemas", check: jsonObject }]
  },
  optimizeResponse: { identifier: "OptimizeResponsePayload", fields: [{ name: "ktof", check: ktof, required: true }, decode] },
  promptsDecode: {
    identifier: "PromptDecodePayload",
    fields: [{ name: "ktof", check: ktof, required: true }, decode, { name: "replay_meta", check: jsonObject }, metadata]
  }
}

const pick = (value: Record<string, unknown>, keep: ReadonlyArray<string>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const key of keep) if (has(value, key)) out[key] = value[key]
  return out
}

// Copies a field as data: assigning `__proto__` would set the prototype instead.
const put = (object: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true })
  else object[key] = value
}

// `null` stays in these: data where it is data, and `__proto__`, refused whatever it holds.
const keptNull = new Set(["data", "prompt", "ktof", "__proto__"])

// Most requests have no null to drop: answer that without copying the request.
const hasNullOption = (input: object): boolean => {
  // Own keys only: a request is what it holds, not what a prototype adds.
  for (const key of Object.keys(input)) {
    const value = (input as Record<string, unknown>)[key]
    if (value === null && !keptNull.has(key)) return true
    if (key === "options" && typeof value === "object" && value !== null && hasNullOption(value)) return true
  }
  return false
}

/**
 * Drops `null` from the optional fields of a body and of its `options`, as the service's
 * `Optional` fields accept it (Python clients send `None`). `null` stays where it is data.
 */
export const dropNullOptions = (input: unknown): unknown => {
  if (!isObject(input) || !hasNullOption(input)) return input
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    if (value === null && !keptNull.has(key)) continue
    put(out, key, key === "options" ? dropNullOptions(value) : value)
  }
  return out
}

/**
 * Reads a body parsed from JSON as the operation's request: the request (absent defaults
 * filled in, unknown fields left out), or every problem as a 422 item, in the contract's order.
 */
export const validateRequest = <Op extends BodyOperation>(
  operation: Op,
  body: unknown
): Result<RequestOf<Op>, ReadonlyArray<ValidationItem>> => {
  const model = models_[operation]
  const input = dropNullOptions(body)
  const items: Items = []
  struct(model.identifier, model.fields)(input, [], items)
  if (items.length > 0) return fail(items)
  const fields = input as Record<string, unknown>
  const request: Record<string, unknown> = {}
  for (const field of model.fields) {
    if (has(fields, field.name)) request[field.name] = field.keep ? pick(fields[field.name] as Record<string, unknown>, field.keep) : fields[field.name]
    else if (field.default !== undefined) request[field.name] = field.default
  }
  return succeed(request as unknown as RequestOf<Op>)
}
