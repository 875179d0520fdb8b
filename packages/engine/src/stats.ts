/**
 * The `stats` block: how much shorter the KTOF is than the JSON it stands for.
 *
 * Every route compares the same two texts, whichever direction it works in: the value as
 * compact JSON (no whitespace, non-ASCII kept, i.e. Python's
 * `json.dumps(v, separators=(",", ":"), ensure_ascii=False)`) against its KTOF. Encode routes
 * measure their input and result; decode routes (`decompress`, `optimize/response`,
 * `prompts/decode`) measure the decoded result and the KTOF they were given. Lengths are code
 * points, as Python's `len`.
 */
import { stringifyJson } from "./json/parse.js"
import { codePointLength } from "./json/text.js"

/** The service's size statistics. */
export interface Stats {
  readonly original_length: number
  readonly optimized_length: number
  /** Negative when the KTOF is longer: reported as it is. */
  readonly reduction: number
  /** `reduction / original_length`, or 0 when the original is empty. */
  readonly reduction_ratio: number
}

/**
 * A JSON value as compact JSON. `JSON.stringify` already writes no whitespace and keeps
 * non-ASCII as is; the engine only ever passes it values parsed from JSON, so it cannot fail.
 */
export const compactJson = (value: unknown): string => stringifyJson(value)

/** Compares the compact JSON of a value with its KTOF. */
export const compare = (json: string, ktof: string): Stats => compareLength(codePointLength(json), ktof)

/**
 * Compares a compact JSON length (code points) with a KTOF: for a value whose length is known
 * without writing its JSON (an in-process request, see measure.ts).
 */
export const compareLength = (original: number, ktof: string): Stats => {
  const optimized = codePointLength(ktof)
  const reduction = original - optimized
  return {
    original_length: original,
    optimized_length: optimized,
    reduction,
    reduction_ratio: original === 0 ? 0 : reduction / original
  }
}
