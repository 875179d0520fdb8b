/**
 * A decoder for the contract's own envelopes, with a fast path, as the Effect 3 line's
 * src/contract/decoder.ts has: the full decode was the largest piece of the client's own CPU per
 * call once the span was gone (bench/effect4.ts compares the lines). Their only transformation
 * turns a `null` optional field into an absent one, so a value that satisfies the Type side decodes
 * to the same fields (the full decode lists them in the Schema's order; the fast path keeps the
 * server's), and `Schema.is`, compiled (contract/guard.ts), says so without allocating. One
 * proviso: a union's Type side may accept, through one member, a value another member decodes
 * first and strips of a null (an envelope's `token_stats`), so the fast path also wants no `null`
 * outside `result` (which is a string, or JSON kept as it is). Anything else takes the full
 * decode and its error messages. Not for a caller's Schema, whose Type and Encoded sides may
 * differ.
 *
 * @internal
 */
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { guard } from "../contract/guard.js"
import type { Decoder } from "./response.js"

/** A `null` anywhere in `value`, whose envelope fields hold a few small objects. */
const holdsNull = (value: unknown): boolean => {
  if (value === null) return true
  if (typeof value !== "object") return false
  if (Array.isArray(value)) {
    for (const item of value) if (holdsNull(item)) return true
    return false
  }
  for (const key in value) if (holdsNull((value as Record<string, unknown>)[key])) return true
  return false
}

const nullOutsideResult = (body: Record<string, unknown>): boolean => {
  for (const key in body) if (key !== "result" && holdsNull(body[key])) return true
  return false
}

export const contractDecoder = <S extends Schema.Codec<any, any, never, never>>(schema: S): Decoder<S["Type"]> => {
  const is = guard(schema)
  const decode = Schema.decodeUnknownResult(schema) as Decoder<S["Type"]>
  return (body) => is(body) && !nullOutsideResult(body) ? Result.succeed(body) : decode(body)
}
