/**
 * JSON values in the contract: the type, the Schema for values the API sends (JSON by
 * construction), and the check for values a caller sends (anything JSON cannot carry
 * faithfully is refused with its path). Re-exported by `KaizenSchema` except the internal
 * `JsonInput` and `JsonObject`.
 *
 * @internal
 */
import type * as FastCheck from "effect/FastCheck"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { findJsonProblem } from "@kaizen-effect/engine/json"

/**
 * A JSON value, as the API sends and receives it.
 *
 * @example
 * import type { KaizenSchema } from "kaizen-effect"
 * const value: KaizenSchema.JsonValue = { users: [{ id: 1, name: "Ada" }] }
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<JsonValue>
  | { readonly [key: string]: JsonValue }

/**
 * Any value the caller wants sent as JSON. Its TypeScript type is `unknown` so that
 * interfaces and class instances are accepted as they are; at run time anything JSON cannot
 * carry faithfully (BigInt, cycles, functions, symbols, `NaN`, `±Infinity`, Maps and Sets) is
 * refused with the path of the offending value.
 *
 * The request Schemas use it for `data`, `prompt` and the values of `metadata`, `schemas` and
 * `replay_meta`; it is not part of the public contract.
 *
 * @internal
 */
export const JsonInput: Schema.Schema<unknown> = Schema.declare(
  [],
  {
    decode: () => (input, _options, ast) => {
      const problem = findJsonProblem(input)
      if (problem === undefined) return ParseResult.succeed(input)
      const issue = new ParseResult.Type(ast, input, problem.message)
      const [head, ...tail] = problem.path
      return ParseResult.fail(head === undefined ? issue : new ParseResult.Pointer([head, ...tail], input, issue))
    },
    encode: () => (input) => ParseResult.succeed(input)
  },
  {
    identifier: "JsonValue",
    description: "any JSON value",
    // For `Arbitrary.make` over a request Schema (property tests of code that takes requests).
    arbitrary: () => (fc) => fc.jsonValue()
  }
)

/**
 * A JSON value received from the API. It comes out of `JSON.parse`, so it is JSON by
 * construction and is not walked again.
 *
 * @example
 * import { Schema } from "effect"
 * import { KaizenSchema } from "kaizen-effect"
 * Schema.decodeUnknownSync(KaizenSchema.JsonValue)(JSON.parse("[1,2]"))
 */
export const JsonValue: Schema.Schema<JsonValue> = Schema.declare(
  (_u: unknown): _u is JsonValue => true,
  { identifier: "JsonValue", arbitrary: () => (fc) => fc.jsonValue() as FastCheck.Arbitrary<JsonValue> }
)

/**
 * A JSON object whose values are checked as {@link JsonInput}: `metadata`, `schemas`,
 * `replay_meta`.
 *
 * @internal
 */
export const JsonObject = Schema.Record({ key: Schema.String, value: JsonInput }).annotations({
  identifier: "JsonObject",
  message: () => "must be a JSON object, e.g. { \"trace_id\": \"abc\" }"
})
