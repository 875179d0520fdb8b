/** What the client checks before anything is sent: the request against its Schema, the call's options. */
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
import { Endpoints } from "../contract/endpoints.js"

// Every issue reported and unknown fields refused, as the Python client's Pydantic models do.
const requestParseOptions = { errors: "all", onExcessProperty: "error" } as const

interface RequestChecks {
  readonly alreadyValid: (u: unknown) => boolean
  readonly validate: (u: unknown) => Either.Either<unknown, ParseResult.ParseError>
}

// Built once per process from the endpoint table: compiling a Schema's parser per call costs.
const requestChecks = Object.fromEntries(
  Object.entries(Endpoints).flatMap(([operation, endpoint]) => {
    if (endpoint.request === undefined) return []
    const schema = endpoint.request as Schema.Schema<unknown, unknown>
    const checks: RequestChecks = {
      alreadyValid: guard(schema, { onExcessProperty: "error" }),
      validate: Schema.decodeUnknownEither(schema, requestParseOptions)
    }
    return [[operation, checks]]
  })
) as Record<KaizenSchema.BodyOperation, RequestChecks>

export const validateRequest = (
  operation: KaizenSchema.BodyOperation,
  input: unknown
): Either.Either<unknown, KaizenRequestError> => {
  const request = dropNullOptions(input)
  // Already what the Schema would produce: sent as given, checked without a copy. Anything else takes
  // the full decode, which fills in defaults or says what is wrong and where.
  const checks = requestChecks[operation]
  if (checks.alreadyValid(request)) return Either.right(request)
  return Either.mapLeft(
    checks.validate(request),
    (error) => invalidRequest(operation, formatParseError(error), error)
  )
}

export const requestText = (operation: KaizenSchema.BodyOperation, body: unknown): Either.Either<string, KaizenRequestError> => {
  try {
    return Either.right(JSON.stringify(body))
  } catch (cause) {
    // The checks leave only what the serialiser itself cannot do (nesting deeper than its stack).
    return Either.left(unserialisable(operation, cause))
  }
}

export const encodeRequest = (
  operation: KaizenSchema.BodyOperation,
  input: unknown
): Either.Either<string, KaizenRequestError> =>
  Either.flatMap(validateRequest(operation, input), (body) => requestText(operation, body))

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
