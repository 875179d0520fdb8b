/**
 * KTOF encode and decode: the one module that calls the codec library.
 *
 * KTOF is TOON; `@toon-format/toon` 2.3.1 does the work, wrapped in the Kaizen dialect
 * (`dialect.ts`) and in bounds: the library recurses, so a value it cannot nest that deep, or
 * an output larger than the engine will hold, comes back as a typed error, never a crash.
 *
 * @internal
 */
import * as Toon from "@toon-format/toon"
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import type { JsonValue } from "../KaizenSchema.js"
import { fromKaizenLine, toKaizenLine } from "./dialect.js"
import { findProblem, MAX_DEPTH } from "./guard.js"

/** How to write KTOF. */
export interface EncodeSettings {
  readonly indent: number
  readonly delimiter: Toon.Delimiter
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
export class KtofEncodeError extends Data.TaggedError("KtofEncodeError")<{
  readonly reason: "TooDeep" | "TooLarge" | "Unsupported"
  readonly message: string
}> {}

/** Why a text is not KTOF (or not one the engine will read). */
export class KtofDecodeError extends Data.TaggedError("KtofDecodeError")<{
  readonly message: string
}> {}

const describe = (error: unknown): string => error instanceof Error ? error.message : String(error)

/** Encodes a JSON value as Kaizen-dialect KTOF. */
export const encode = (value: unknown, settings: EncodeSettings): Either.Either<string, KtofEncodeError> => {
  try {
    const lines: Array<string> = []
    let size = 0
    // encodeLines is lazy: the size bound stops a runaway output before it is built.
    for (const line of Toon.encodeLines(value, { indent: settings.indent, delimiter: settings.delimiter })) {
      size += line.length + 1
      if (size > MAX_KTOF_CHARS) {
        return Either.left(
          new KtofEncodeError({
            reason: "TooLarge",
            message: `the KTOF would be longer than ${MAX_KTOF_CHARS} characters; use a smaller indent`
          })
        )
      }
      lines.push(line)
    }
    const root = lines.length === 1
    for (let i = 0; i < lines.length; i++) {
      lines[i] = toKaizenLine(lines[i]!, settings.delimiter, settings.lengthMarker, root)
    }
    return Either.right(lines.join("\n"))
  } catch (error) {
    // The callers refuse values deeper than MAX_DEPTH first; this is the backstop for a
    // smaller stack than Node's default.
    return Either.left(
      error instanceof RangeError
        ? new KtofEncodeError({ reason: "TooDeep", message: "the value is nested too deeply to encode" })
        : new KtofEncodeError({ reason: "Unsupported", message: describe(error) })
    )
  }
}

const leadingSpaces = (line: string): number => {
  let n = 0
  while (n < line.length && line.charCodeAt(n) === 32) n++
  return n
}

/**
 * Decodes Kaizen-dialect KTOF (`[#N]` headers accepted) into JSON. The decoded value is
 * held to the same depth as a request (`MAX_DEPTH`), so whatever comes out can be encoded
 * again.
 */
export const decode = (ktof: string, settings: DecodeSettings): Either.Either<JsonValue, KtofDecodeError> => {
  const lines = ktof.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    // Nesting follows indentation, so this bounds the decoder's recursion before it starts.
    if (Math.floor(leadingSpaces(line) / settings.indent) > MAX_DEPTH) {
      return Either.left(
        new KtofDecodeError({ message: `line ${i + 1} is indented more than ${MAX_DEPTH} levels deep` })
      )
    }
    lines[i] = fromKaizenLine(line)
  }
  let value: JsonValue
  try {
    value = Toon.decodeFromLines(lines, { indent: settings.indent, strict: settings.strict })
  } catch (error) {
    return Either.left(
      new KtofDecodeError({
        message: error instanceof RangeError ? "the KTOF is nested too deeply to decode" : describe(error)
      })
    )
  }
  const problem = findProblem(value)
  return problem === undefined
    ? Either.right(value)
    : Either.left(new KtofDecodeError({ message: `the decoded value is ${problem.message}` }))
}
