/**
 * Reads a request body the way the FastAPI service does: bytes to JSON to the request model
 * (requests.ts), each failure answered as the service answers it. Unknown fields are ignored,
 * as Pydantic ignores them by default; `null` in an optional field is dropped first, as the
 * service's `Optional` fields accept it.
 */
import type { EngineError, InvalidRequest } from "./errors.js"
import { invalidField, invalidRequest, payloadTooLarge } from "./errors.js"
import type { Problem } from "./guard.js"
import { findProblem, MAX_DEPTH } from "./guard.js"
import { parseJson } from "./json/parse.js"
import { utf8Length } from "./json/text.js"
import type { BodyOperation, RequestOf } from "./requests.js"
import { validateRequest } from "./requests.js"
import type { Result } from "./result.js"
import { fail, succeed } from "./result.js"

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
  invalidRequest([{ loc: ["body", position], msg: "JSON decode error", type: "json_invalid", ctx: { error } }])

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
export const readJson = (body: Uint8Array | string, maxBodyBytes: number): Result<unknown, EngineError> => {
  if (sizeOver(body, maxBodyBytes)) return fail(payloadTooLarge(maxBodyBytes))
  if (body.length === 0) return fail(invalidField([], "Field required", "missing"))
  let text: string
  if (typeof body === "string") {
    // Text from an in-process client: it is a string already, and a lone surrogate in it
    // (no UTF-8 form) is found by the walk below, with its path.
    text = body
  } else {
    try {
      text = utf8.decode(body)
    } catch {
      return fail(jsonInvalid(0, "the body is not valid UTF-8"))
    }
  }
  let value: unknown
  try {
    // Integers past 2^53 stay exact (as bigints), as the service's Python reads them.
    value = parseJson(text)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return fail(jsonInvalid(errorPosition(message, text), message))
  }
  // One walk over the whole body: depth, lone surrogates, and numbers that overflowed.
  const problem = findBodyProblem(value)
  // Parsed JSON is not exact JSON: a number too large for a double (`1e400`) parses to
  // Infinity; this walk refuses it with its path.
  if (problem !== undefined) return fail(invalidField(problem.path, problem.message, problemType[problem.kind]))
  return succeed(value)
}

/** A JSON body as the operation's request, or the 422 that refuses it. */
export const decodeRequest = <Op extends BodyOperation>(operation: Op, body: unknown): Result<RequestOf<Op>, InvalidRequest> => {
  const request = validateRequest(operation, body)
  return request.ok ? request : fail(invalidRequest(request.error))
}
