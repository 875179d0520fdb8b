/**
 * KTOF encode and decode, as the Kaizen service's codec writes and reads it.
 *
 * Encoding follows the service's codec (the Python `toon_format`) line for line (writer.ts,
 * with the exceptions in dialect.ts). Decoding is `@toon-format/toon` 2.3.1, given lines that
 * reader.ts has put in the layout it reads as the service does. Both stay in bounds: a value
 * nested too deep, or an output larger than the engine will hold, comes back as a typed
 * error, never a crash.
 */
import * as Toon from "@toon-format/toon"
import { findProblem, MAX_DEPTH } from "./guard.js"
import type { JsonValue } from "./json/value.js"
import { prepareLines } from "./reader.js"
import type { Result } from "./result.js"
import { fail, succeed } from "./result.js"
import { OutputTooLarge, writeKtof } from "./writer.js"

/** How to write KTOF. */
export interface EncodeSettings {
  readonly indent: number
  readonly delimiter: "," | "\t" | "|"
  /** Write array lengths as `[#N]` (the service's `length_marker`). */
  readonly lengthMarker: boolean
}

/** How to read KTOF. */
export interface DecodeSettings {
  readonly indent: number
  /** Reject irregular indentation, blank lines inside arrays and wrong item counts. */
  readonly strict: boolean
}

/**
 * The most characters of KTOF one encode may produce. The output is normally smaller than
 * the JSON in, but indentation grows with depth times `indent`, so a large `indent` on a deep
 * value could otherwise ask for gigabytes.
 */
export const MAX_KTOF_CHARS = 32 * 1024 * 1024

/** Why a value could not be written as KTOF. */
export interface KtofEncodeError {
  readonly _tag: "KtofEncodeError"
  readonly reason: "TooDeep" | "TooLarge" | "Unsupported"
  readonly message: string
}

/** Why a text is not KTOF (or not one the engine will read). */
export interface KtofDecodeError {
  readonly _tag: "KtofDecodeError"
  readonly message: string
}

const encodeError = (reason: KtofEncodeError["reason"], message: string): KtofEncodeError =>
  ({ _tag: "KtofEncodeError", reason, message })

const decodeError = (message: string): KtofDecodeError => ({ _tag: "KtofDecodeError", message })

const describe = (error: unknown): string => error instanceof Error ? error.message : String(error)

/** Encodes a JSON value as Kaizen-dialect KTOF. */
export const encode = (value: unknown, settings: EncodeSettings): Result<string, KtofEncodeError> => {
  try {
    return succeed(writeKtof(value, settings, MAX_KTOF_CHARS))
  } catch (error) {
    if (error instanceof OutputTooLarge) {
      return fail(encodeError("TooLarge", `the KTOF would be longer than ${MAX_KTOF_CHARS} characters; use a smaller indent`))
    }
    // The callers refuse values deeper than MAX_DEPTH first; this is the backstop for a
    // smaller stack than Node's default.
    return fail(
      error instanceof RangeError
        ? encodeError("TooDeep", "the value is nested too deeply to encode")
        : encodeError("Unsupported", describe(error))
    )
  }
}

const BOM = "\ufeff"

/**
 * U+FEFF is no whitespace to the service (Python's `strip()` keeps it) but 2.3.1 trims it from
 * every token. The text's U+FEFFs stand in as a private-use character the text does not hold,
 * which no trim touches, and are put back in the decoded strings and keys.
 */
const protectBom = (ktof: string): { readonly text: string; readonly stand: string | undefined } => {
  if (!ktof.includes(BOM)) return { text: ktof, stand: undefined }
  let code = 0xe000
  while (ktof.includes(String.fromCharCode(code))) code++
  const stand = String.fromCharCode(code)
  return { text: ktof.replaceAll(BOM, stand), stand }
}

const restoreBom = (value: JsonValue, stand: string): JsonValue => {
  const fix = (text: string) => text.includes(stand) ? text.replaceAll(stand, BOM) : text
  if (typeof value === "string") return fix(value)
  if (Array.isArray(value)) return value.map((item) => restoreBom(item, stand))
  if (value === null || typeof value !== "object") return value
  const out: Record<string, JsonValue> = {}
  for (const [key, item] of Object.entries(value)) {
    // defineProperty: a key such as "__proto__" stays a plain field.
    Object.defineProperty(out, fix(key), { value: restoreBom(item, stand), enumerable: true, writable: true, configurable: true })
  }
  return out
}

// 2.3.1 numbers its errors by the lines it was given; say the line of the caller's text.
const renumber = (message: string, numbers: ReadonlyArray<number>): string =>
  message.replace(/^Line (\d+):/, (whole, n: string) => {
    const line = numbers[Number(n) - 1]
    return line === undefined ? whole : `line ${line}:`
  })

/**
 * Decodes Kaizen-dialect KTOF (`[#N]` headers accepted) into JSON. The decoded value is
 * held to the same depth as a request (`MAX_DEPTH`), so whatever comes out can be encoded
 * again.
 */
export const decode = (ktof: string, settings: DecodeSettings): Result<JsonValue, KtofDecodeError> => {
  const { stand, text } = protectBom(ktof)
  const prepared = prepareLines(text, settings.indent, settings.strict, MAX_DEPTH)
  if (!("lines" in prepared)) {
    return fail(decodeError(`line ${prepared.line}: ${prepared.message}`))
  }
  let value: JsonValue
  try {
    value = Toon.decodeFromLines(prepared.lines, { indent: settings.indent, strict: settings.strict })
  } catch (error) {
    return fail(
      decodeError(
        error instanceof RangeError ? "the KTOF is nested too deeply to decode" : renumber(describe(error), prepared.numbers)
      )
    )
  }
  if (stand !== undefined) value = restoreBom(value, stand)
  const problem = findProblem(value)
  return problem === undefined ? succeed(value) : fail(decodeError(`the decoded value is ${problem.message}`))
}
