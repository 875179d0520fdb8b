/**
 * What the client checks before anything is sent: the request against the operation's
 * contract Schema (defaults filled in, unknown fields refused, every issue reported with its
 * path), and the call's own options (request ID, extra headers) as HTTP can carry them.
 *
 * @internal
 */
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { KaizenRequestError } from "../contract/errors.js"
import * as KaizenSchema from "../KaizenSchema.js"
import { guard } from "../contract/guard.js"
import { dropNullOptions } from "../contract/normalize.js"
import { invalidRequest, unserialisable } from "./errors.js"
import { checkHeaders, headerValueProblem } from "./headers.js"
import { formatParseError } from "./response.js"

// Requests are validated with every issue reported (not just the first) and unknown fields
// refused, as the Python client's Pydantic models do.
const requestParseOptions = { errors: "all", onExcessProperty: "error" } as const

interface RequestChecks {
  /** True when the request already is what the Schema would produce (nothing to fill in). */
  readonly alreadyValid: (u: unknown) => boolean
  /** The full decode: defaults filled in, every problem reported with its path. */
  readonly validate: (u: unknown) => Either.Either<unknown, ParseResult.ParseError>
}

// Built once per process from the endpoint table: compiling a Schema's parser per call costs.
const requestChecks = Object.fromEntries(
  Object.entries(KaizenSchema.Endpoints).flatMap(([operation, endpoint]) => {
    if (endpoint.request === undefined) return []
    const schema = endpoint.request as Schema.Schema<unknown, unknown>
    const checks: RequestChecks = {
      alreadyValid: guard(schema, { onExcessProperty: "error" }),
      validate: Schema.decodeUnknownEither(schema, requestParseOptions)
    }
    return [[operation, checks]]
  })
) as Record<KaizenSchema.BodyOperation, RequestChecks>

/** The request as it is to be sent (defaults filled in), or why it must not be. */
export const validateRequest = (
  operation: KaizenSchema.BodyOperation,
  input: unknown
): Either.Either<unknown, KaizenRequestError> => {
  const request = dropNullOptions(input)
  // A request that already is what the Schema would produce (no default to fill in) is sent as
  // given: `is` checks it without building a copy. Anything else takes the full decode, which
  // fills in defaults and, on failure, says what is wrong and where.
  const checks = requestChecks[operation]
  if (checks.alreadyValid(request)) return Either.right(request)
  return Either.mapLeft(
    checks.validate(request),
    (error) => invalidRequest(operation, formatParseError(error), error)
  )
}

/** A validated request's JSON text. */
export const requestText = (operation: KaizenSchema.BodyOperation, body: unknown): Either.Either<string, KaizenRequestError> => {
  try {
    return Either.right(JSON.stringify(body))
  } catch (cause) {
    // The checks leave only what the serialiser itself cannot do (nesting deeper than its stack).
    return Either.left(unserialisable(operation, cause))
  }
}

/** Validates a request and writes it: the body that goes on the wire, or the reason it must not be sent. */
export const encodeRequest = (
  operation: KaizenSchema.BodyOperation,
  input: unknown
): Either.Either<string, KaizenRequestError> =>
  Either.flatMap(validateRequest(operation, input), (body) => requestText(operation, body))

/** A call's request ID and extra headers, checked as HTTP allows them (lower-cased names). */
export const checkCallOptions = (
  operation: KaizenSchema.Operation,
  requestId: string | undefined,
  headers: Readonly<Record<string, string>> | undefined
): Either.Either<Readonly<Record<string, string>> | undefined, KaizenRequestError> => {
  if (requestId !== undefined) {
    const problem = typeof requestId === "string" ? headerValueProblem(requestId) : "must be a string"
    if (problem !== undefined) return Either.left(invalidRequest(operation, `the requestId ${problem}`))
  }
  if (headers === undefined) return Either.right(undefined)
  return Either.mapLeft(checkHeaders(headers), (why) => invalidRequest(operation, `headers: ${why}`))
}
