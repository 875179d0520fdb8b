/**
 * A decoder for the contract's own Schemas (`KaizenSchema`'s requests and envelopes), with a
 * fast path. Their only transformation turns a `null` optional field into an absent one, so a
 * value that already satisfies the Type side decodes to itself, and `Schema.is` (compiled by
 * guard.ts) says so in a fraction of the time of a full decode. Anything else (nulls, wrong types, missing fields) takes
 * the full decode and its error messages. Not for a caller's Schema, whose Type and Encoded
 * sides may differ. The client decodes envelopes with it, the engine requests.
 *
 * @internal
 */
import * as Either from "effect/Either"
import type { ParseOptions } from "effect/SchemaAST"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { guard } from "./guard.js"

export const contractDecoder = <A, I>(
  schema: Schema.Schema<A, I>,
  options?: ParseOptions
): (u: unknown) => Either.Either<A, ParseResult.ParseError> => {
  const is = guard(schema)
  const decode = Schema.decodeUnknownEither(schema, options)
  return (u) => is(u) ? Either.right(u) : decode(u)
}
