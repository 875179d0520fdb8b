/**
 * JSON values in the contract (the Effect 3 line's src/contract/json.ts): the type, the Schema
 * for values the API sends, and the check for values a caller sends, which is the engine's
 * `findJsonProblem` (imported, never copied).
 *
 * @internal
 */
import { findJsonProblem } from "@kaizen-effect/engine/json"
import * as Schema from "effect/Schema"

/** A JSON value, as the API sends and receives it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<JsonValue>
  | { readonly [key: string]: JsonValue }

/**
 * Any value the caller wants sent as JSON: typed `unknown`, refused at run time when JSON
 * cannot carry it faithfully (BigInt, cycles, functions, `NaN`, Maps, ...). The client's own
 * check (internal/request.ts) reports the path; this Schema is for users' own validation.
 */
export const JsonInput: Schema.Codec<unknown> = Schema.declare(
  (u: unknown): u is unknown => findJsonProblem(u) === undefined,
  { identifier: "JsonValue", description: "any JSON value", expected: "a JSON value" }
)

/** A JSON value received from the API: it comes out of `JSON.parse`, so it is JSON by construction. */
export const JsonValue: Schema.Codec<JsonValue> = Schema.declare(
  (_u: unknown): _u is JsonValue => true,
  { identifier: "JsonValue" }
)

/** A JSON object whose values are checked as {@link JsonInput}: `metadata`, `schemas`, `replay_meta`. */
export const JsonObject = Schema.Record(Schema.String, JsonInput).annotate({
  identifier: "JsonObject",
  message: "must be a JSON object, e.g. { \"trace_id\": \"abc\" }"
})
