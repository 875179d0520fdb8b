/**
 * Reads a request body the way the FastAPI service does: bytes to JSON to the request model,
 * each failure answered as the service answers it.
 *
 * The model is the contract's own Schema (`Endpoints`), never a copy, and the
 * 422 list is derived from its `ParseError`, so the engine refuses exactly what the contract
 * says. Unknown fields are ignored, as Pydantic ignores them by default; `null` in an optional
 * field is dropped first (`dropNullOptions`), as the service's `Optional` fields
 * accept it.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { contractDecoder } from "../contract/decoder.js"
import { dropNullOptions } from "../contract/normalize.js"
import * as KaizenSchema from "../KaizenSchema.js"
import type { EngineError, ValidationItem } from "./errors.js"
import { InvalidRequest, invalidField, PayloadTooLarge } from "./errors.js"
import type { Problem } from "./guard.js"
import { findProblem, MAX_DEPTH } from "./guard.js"
import { utf8Length } from "../json/text.js"
import { Endpoints } from "../contract/endpoints.js"

const utf8 = new TextDecoder("utf-8", { fatal: true })

// FastAPI reports where the JSON broke. V8 says so in most messages ("... at position 12"),
// and an input that ends too early broke at its end; otherwise the start is all we know.
const errorPosition = (message: string, text: string): number => {
  const match = /position (\d+)/.exec(message)
  if (match !== null) return Number(match[1])
  return /end of JSON input/.test(message) ? text.length : 0
}

// A body's size in UTF-8 bytes, counted only when its length leaves the answer open.
const sizeOver = (body: Uint8Array | string, limit: number): boolean =>
  typeof body === "string"
    ? body.length > limit || (body.length * 3 > limit && utf8Length(body) > limit)
    : body.byteLength > limit

const jsonInvalid = (position: number, error: string): InvalidRequest =>
  new InvalidRequest({
    items: [{ loc: ["body", position], msg: "JSON decode error", type: "json_invalid", ctx: { error } }]
  })

// Each field's value may nest MAX_DEPTH levels: the body around them does not count.
const findBodyProblem = (body: unknown): Problem | undefined => {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return findProblem(body, MAX_DEPTH)
  for (const [field, value] of Object.entries(body)) {
    const problem = findProblem(value, MAX_DEPTH)
    if (problem !== undefined) return { ...problem, path: [field, ...problem.path] }
  }
  return undefined
}

// Pydantic's error types for the same failures.
const problemType: Record<Problem["kind"], string> = {
  TooDeep: "value_error",
  LoneSurrogate: "string_unicode",
  NotFinite: "finite_number"
}

/**
 * A body as a JSON value: 413 above `maxBodyBytes`, 422 when it is missing, not UTF-8, not
 * JSON, nested deeper than the engine accepts, holding a lone surrogate, or holding a number
 * too large for a double (`1e400`) anywhere: `loc` names its path.
 */
export const readJson = (body: Uint8Array | string, maxBodyBytes: number): Either.Either<unknown, EngineError> => {
  if (sizeOver(body, maxBodyBytes)) return Either.left(new PayloadTooLarge({ limit: maxBodyBytes }))
  if (body.length === 0) return Either.left(invalidField([], "Field required", "missing"))
  let text: string
  if (typeof body === "string") {
    // Text from an in-process client: it is a string already, and a lone surrogate in it
    // (no UTF-8 form) is found by the walk below, with its path.
    text = body
  } else {
    try {
      text = utf8.decode(body)
    } catch {
      return Either.left(jsonInvalid(0, "the body is not valid UTF-8"))
    }
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return Either.left(jsonInvalid(errorPosition(message, text), message))
  }
  // One walk over the whole body: depth, lone surrogates, and numbers that overflowed.
  const problem = findBodyProblem(value)
  // Parsed JSON is not exact JSON: a number too large for a double (`1e400`) parses to
  // Infinity; this walk refuses it with its path.
  if (problem !== undefined) return Either.left(invalidField(problem.path, problem.message, problemType[problem.kind]))
  return Either.right(value)
}

const issueType = (tag: ParseResult.ParseIssue["_tag"]): string => {
  switch (tag) {
    case "Missing":
      return "missing"
    case "Unexpected":
      return "extra_forbidden"
    case "Type":
      return "type_error"
    default:
      return "value_error"
  }
}

/**
 * A `ParseError` as FastAPI's 422 list: `loc` starts with `"body"`, as the service's does.
 * One item per location: a union (an optional field's "boolean or absent") fails once per
 * member, and only the first says anything useful.
 */
export const toValidationItems = (error: ParseResult.ParseError): ReadonlyArray<ValidationItem> => {
  const items = new Map<string, ValidationItem>()
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const loc = ["body", ...issue.path.map((key) => typeof key === "number" ? key : String(key))]
    const key = JSON.stringify(loc)
    if (items.has(key)) continue
    items.set(key, {
      loc,
      // FastAPI's own wording for a missing field; every other message is the contract's.
      msg: issue._tag === "Missing" ? "Field required" : issue.message,
      type: issueType(issue._tag)
    })
  }
  return [...items.values()]
}

/** A body operation's request model. */
export type RequestOf<Op extends KaizenSchema.BodyOperation> = KaizenSchema.RequestBody<Op>

const validatorOf = <Op extends KaizenSchema.BodyOperation>(operation: Op) =>
  contractDecoder(
    Endpoints[operation].request as Schema.Schema<RequestOf<Op>, unknown>,
    { errors: "all", onExcessProperty: "ignore" }
  )

// Compiled once per process.
const validators: { readonly [Op in KaizenSchema.BodyOperation]: (u: unknown) => Either.Either<RequestOf<Op>, ParseResult.ParseError> } = {
  compress: validatorOf("compress"),
  decompress: validatorOf("decompress"),
  optimize: validatorOf("optimize"),
  optimizeRequest: validatorOf("optimizeRequest"),
  optimizeResponse: validatorOf("optimizeResponse"),
  promptsEncode: validatorOf("promptsEncode"),
  promptsDecode: validatorOf("promptsDecode")
}

/** A JSON body as the operation's request, or the 422 that refuses it. */
export const decodeRequest = <Op extends KaizenSchema.BodyOperation>(
  operation: Op,
  body: unknown
): Either.Either<RequestOf<Op>, InvalidRequest> =>
  Either.mapLeft(
    validators[operation](dropNullOptions(body)),
    (error) => new InvalidRequest({ items: toValidationItems(error) })
  )

