/**
 * What one call produced: the text to write, and its savings, measured for the summary line
 * and the batch table.
 *
 * @internal
 */
import type { KaizenSchema } from "kaizen-effect"
import type { Input } from "./input.js"

/** Which way an operation converts: JSON (or a prompt) to KTOF, or KTOF back to JSON. */
export type Direction = "encode" | "decode"

/** A response of any route that carries a `result`. */
export type Envelope = KaizenSchema.EncodeResponse | KaizenSchema.DecodeResponse

/** A size, and what it is the size of. */
export interface Size {
  readonly bytes: number
  readonly form: "JSON" | "text" | "KTOF"
}

/** Tokens for one model, before and after. */
export interface Tokens {
  readonly model: string
  readonly before: number
  readonly after: number
}

/** The result of one call, ready to write and to report. */
export interface Outcome {
  /** What is written: the KTOF, the decoded JSON, or (`--json`) the whole envelope. Ends with a line break. */
  readonly text: string
  readonly before: Size
  readonly after: Size
  readonly tokens: ReadonlyArray<Tokens>
}

const bytes = (text: string): number => Buffer.byteLength(text, "utf8")

type Counts = Readonly<Record<string, unknown>>

const isCounts = (u: unknown): u is Counts => typeof u === "object" && u !== null && !Array.isArray(u)

const countOf = (counts: unknown, field: "tokens" | "original" | "compressed"): number | undefined => {
  const value = isCounts(counts) ? counts[field] : undefined
  return typeof value === "number" ? value : undefined
}

/**
 * Token counts per model, from either documented shape of `token_stats`:
 * `{ raw: { model: { tokens } }, optimized: { ... } }` or `{ model: { original, compressed } }`.
 */
export const tokensOf = (stats: unknown): Array<Tokens> => {
  if (!isCounts(stats)) return []
  const all = stats
  const { optimized, raw } = all
  const out: Array<Tokens> = []
  if (isCounts(raw) && isCounts(optimized)) {
    for (const model of Object.keys(raw)) {
      const before = countOf(raw[model], "tokens")
      const after = countOf(optimized[model], "tokens")
      if (before !== undefined && after !== undefined) out.push({ model, before, after })
    }
    return out
  }
  for (const [model, count] of Object.entries(all)) {
    const before = countOf(count, "original")
    const after = countOf(count, "compressed")
    if (before !== undefined && after !== undefined) out.push({ model, before, after })
  }
  return out
}

/**
 * The outcome of a call. Sizes are UTF-8 bytes of what was compared: the input as sent (a
 * JSON value as compact JSON, as the service measures it, so pretty-printing is not counted
 * as savings) and the result (KTOF, or the decoded value as compact JSON).
 */
export const outcome = (direction: Direction, input: Input, envelope: Envelope, asEnvelope: boolean): Outcome => {
  const result: unknown = envelope.result
  const written = asEnvelope
    ? JSON.stringify(envelope, null, 2)
    : direction === "encode" && typeof result === "string"
    ? result
    : JSON.stringify(result, null, 2)
  const sent: Size = input._tag === "Json"
    ? { bytes: bytes(JSON.stringify(input.value)), form: "JSON" }
    : { bytes: bytes(input.text), form: direction === "decode" ? "KTOF" : "text" }
  const produced: Size = direction === "encode"
    ? { bytes: bytes(typeof result === "string" ? result : JSON.stringify(result)), form: "KTOF" }
    : { bytes: bytes(JSON.stringify(result)), form: "JSON" }
  return { text: `${written}\n`, before: sent, after: produced, tokens: tokensOf(envelope.token_stats) }
}

/** Formats a whole number with thousands separators: `1,482`. */
export const formatNumber = (n: number): string => n.toLocaleString("en-US")

/** `58.0% smaller` / `3.1% larger`, or `""` when there is nothing to compare with. */
export const change = (before: number, after: number, less = "smaller", more = "larger"): string => {
  if (before === 0) return ""
  const ratio = (before - after) / before
  return ratio >= 0 ? `${(ratio * 100).toFixed(1)}% ${less}` : `${(-ratio * 100).toFixed(1)}% ${more}`
}

/** A size as `1,482 B JSON`. */
export const size = (s: Size): string => `${formatNumber(s.bytes)} B ${s.form}`

/** `gpt-4o-mini: 402 → 198 tokens, 50.7% fewer`. */
export const tokenLine = (t: Tokens): string => {
  const delta = change(t.before, t.after, "fewer", "more")
  return `${t.model}: ${formatNumber(t.before)} → ${formatNumber(t.after)} tokens${delta === "" ? "" : `, ${delta}`}`
}

/**
 * The one-line summary: `kaizen compress: 1,482 B JSON → 623 B KTOF, 58.0% smaller;
 * gpt-4o-mini: 402 → 198 tokens, 50.7% fewer`. Decoding says the sizes only.
 */
export const summary = (command: string, direction: Direction, o: Outcome): string => {
  const sizes = `${size(o.before)} → ${size(o.after)}`
  const delta = direction === "encode" ? change(o.before.bytes, o.after.bytes) : ""
  const parts = [delta === "" ? sizes : `${sizes}, ${delta}`, ...o.tokens.map(tokenLine)]
  return `kaizen ${command}: ${parts.join("; ")}`
}
