/**
 * What the client checks before anything is sent: the request, and the call's options.
 *
 * The Effect 3 line checks requests with its contract Schemas; its tests keep the engine's
 * validator (`validateRequest`, FastAPI's 422 items) equal to them item for item. This line
 * calls that validator (imported from the engine, never copied), adding what the client refuses
 * on top of the service: fields the model does not have (a typo would otherwise be dropped
 * silently) and values JSON cannot carry exactly (the engine's `findJsonProblem`, with the path).
 */
import type * as Engine from "@kaizen-effect/engine"
import { findJsonProblem, formatPath } from "@kaizen-effect/engine/json"
import * as Result from "effect/Result"
import type { BodyOperation, Operation } from "../contract/endpoints.js"
import type { KaizenRequestError } from "../contract/errors.js"
import * as Requests from "../contract/requests.js"
import { invalidRequest, unserialisable } from "./errors.js"
import { checkHeaders, headerValueProblem } from "./headers.js"

const fieldsOf = (schema: { readonly fields: object }): ReadonlyArray<string> => Object.keys(schema.fields)

// The fields of each model and of its `options`, read off the request Schemas (one statement of the contract).
const models: Readonly<Record<BodyOperation, { readonly fields: ReadonlyArray<string>; readonly options: ReadonlyArray<string> }>> = {
  compress: { fields: fieldsOf(Requests.EncodeRequest), options: fieldsOf(Requests.EncodeOptions) },
  optimize: { fields: fieldsOf(Requests.OptimizeRequest), options: fieldsOf(Requests.EncodeOptions) },
  decompress: { fields: fieldsOf(Requests.DecodeRequest), options: fieldsOf(Requests.DecodeOptions) },
  optimizeRequest: { fields: fieldsOf(Requests.OptimizeRequestPayload), options: fieldsOf(Requests.EncodeOptions) },
  promptsEncode: { fields: fieldsOf(Requests.PromptEncodePayload), options: fieldsOf(Requests.EncodeOptions) },
  optimizeResponse: { fields: fieldsOf(Requests.OptimizeResponsePayload), options: fieldsOf(Requests.DecodeOptions) },
  promptsDecode: { fields: fieldsOf(Requests.PromptDecodePayload), options: fieldsOf(Requests.DecodeOptions) }
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const unexpected = (value: Record<string, unknown>, allowed: ReadonlyArray<string>, at: ReadonlyArray<string>): Array<string> => {
  const problems: Array<string> = []
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === "string" && allowed.includes(key)) continue
    const expected = allowed.map((name) => JSON.stringify(name)).join(" | ")
    problems.push(`${formatPath([...at, typeof key === "symbol" ? String(key) : key])}: is unexpected, expected: ${expected}`)
  }
  return problems
}

export type RequestValidator = (operation: BodyOperation, input: unknown) => Result.Result<unknown, KaizenRequestError>

export const makeValidator = (engine: Pick<typeof Engine, "validateRequest" | "dropNullOptions">): RequestValidator =>
(operation, input) => {
  const request = engine.dropNullOptions(input)
  if (isObject(request)) {
    const model = models[operation]
    const problems = unexpected(request, model.fields, [])
    if (isObject(request.options)) problems.push(...unexpected(request.options, model.options, ["options"]))
    if (problems.length > 0) return Result.fail(invalidRequest(operation, problems.join("; ")))
  }
  const problem = findJsonProblem(request)
  if (problem !== undefined) {
    const where = formatPath(problem.path)
    return Result.fail(invalidRequest(operation, where === "" ? problem.message : `${where}: ${problem.message}`, problem))
  }
  const checked = engine.validateRequest(operation, request)
  if (checked.ok) return Result.succeed(checked.value)
  const why = checked.error
    .map((item) => {
      const path = formatPath(item.loc.filter((p, i) => !(i === 0 && p === "body")))
      return path === "" ? item.msg : `${path}: ${item.msg}`
    })
    .join("; ")
  return Result.fail(invalidRequest(operation, why, checked.error))
}

export const requestText = (operation: BodyOperation, body: unknown): Result.Result<string, KaizenRequestError> => {
  try {
    return Result.succeed(JSON.stringify(body))
  } catch (cause) {
    return Result.fail(unserialisable(operation, cause))
  }
}

export const checkCallOptions = (
  operation: Operation,
  requestId: string | undefined,
  headers: Readonly<Record<string, string>> | undefined
): Result.Result<Readonly<Record<string, string>> | undefined, KaizenRequestError> => {
  if (requestId !== undefined) {
    const problem = typeof requestId === "string" ? headerValueProblem(requestId) : "must be a string"
    if (problem !== undefined) return Result.fail(invalidRequest(operation, `the requestId ${problem}`))
  }
  if (headers === undefined) return Result.succeed(undefined)
  const checked = checkHeaders(headers)
  return Result.isSuccess(checked)
    ? Result.succeed(checked.success)
    : Result.fail(invalidRequest(operation, `headers: ${checked.failure}`))
}
