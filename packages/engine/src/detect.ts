/**
 * JSON auto-detection in text prompts: find the JSON objects and arrays embedded in a text,
 * re-encode each as KTOF (indent 1) in place, and keep the result only if it is shorter than
 * encoding the whole text as one KTOF string.
 *
 * A block is a `{...}` or `[...]` that is valid JSON, is not empty, and is bounded on both
 * sides by the start or end of the text, whitespace, or punctuation (so `arr[0]` or
 * `abc{"a":1}` are prose, not data). A block nested deeper than `MAX_DEPTH` is not one: only
 * its inner values, up to that depth, can be.
 *
 * The scanner reads the text once: it validates JSON grammar as it goes (strings and escapes
 * included, so a brace inside a JSON string does not count) and, at the first character that
 * cannot continue the candidate, drops it and reads that character again as prose. No
 * candidate is ever re-scanned, so 20,000 unclosed `{` cost 20,000 steps, not 200 million.
 *
 * Offsets and lengths in the replacement metadata are code points, as the Python service
 * reports them.
 */
import type { EncodeSettings, KtofEncodeError } from "./codec.js"
import { encode } from "./codec.js"
import { findProblem, MAX_DEPTH } from "./guard.js"
import { parseJson as parseExactJson } from "./json/parse.js"
import { codePointLength, codePointPrefix } from "./json/text.js"
import type { JsonValue } from "./json/value.js"
import type { Result } from "./result.js"
import { succeed } from "./result.js"

/** A JSON block found in a text, by UTF-16 index. */
export interface Block {
  readonly start: number
  readonly end: number
  readonly value: JsonValue
}

const boundary = /^[\s\p{P}\p{S}]$/u

const isBoundaryAt = (text: string, index: number): boolean => {
  if (index < 0 || index >= text.length) return true
  const point = text.codePointAt(index)!
  return boundary.test(String.fromCodePoint(point))
}

// The code point just before `index` (a surrogate pair is read whole).
const isBoundaryBefore = (text: string, index: number): boolean => {
  if (index === 0) return true
  const low = text.charCodeAt(index - 1)
  const pair = low >= 0xdc00 && low <= 0xdfff && index >= 2
  return isBoundaryAt(text, pair ? index - 2 : index - 1)
}

const scalar = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/
const isScalarChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 45 || c === 46
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
const isJsonSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13

const OPEN_BRACE = 123
const CLOSE_BRACE = 125
const OPEN_BRACKET = 91
const CLOSE_BRACKET = 93
const QUOTE = 34
const BACKSLASH = 92
const COLON = 58
const COMMA = 44

// What a container expects next.
const enum Next {
  KeyOrClose,
  Key,
  Colon,
  Value,
  ValueOrClose,
  CommaOrClose
}

interface Frame {
  readonly open: number
  readonly object: boolean
  next: Next
  items: number
}

interface Span {
  readonly start: number
  readonly end: number
}

/** The outermost JSON blocks of a text, in order, never overlapping. */
export const findBlocks = (text: string): ReadonlyArray<Block> => {
  const stack: Array<Frame> = []
  // Frames below `dead` are too far out to ever close into a block within MAX_DEPTH; they are
  // still followed (their grammar decides what comes next) but never become blocks.
  let dead = 0
  // Closed candidates; one that closes around earlier ones replaces them (outermost wins).
  const spans: Array<Span> = []
  let inString = false
  let stringIsKey = false
  let escape = false
  let hexLeft = 0
  let scalarStart = -1

  const drop = () => {
    stack.length = 0
    dead = 0
    inString = false
    escape = false
    hexLeft = 0
    scalarStart = -1
  }
  const valueDone = () => {
    const top = stack[stack.length - 1]!
    top.items++
    top.next = Next.CommaOrClose
  }
  const close = (at: number) => {
    const frame = stack.pop()!
    // The frame's index is now stack.length; below `dead` it was too deep to be a block.
    const live = stack.length >= dead
    if (!live) dead = stack.length
    const span = { start: frame.open, end: at + 1 }
    if (live && frame.items > 0 && isBoundaryBefore(text, span.start) && isBoundaryAt(text, span.end)) {
      while (spans.length > 0 && spans[spans.length - 1]!.start > span.start) spans.pop()
      spans.push(span)
    }
    if (stack.length > 0) valueDone()
  }

  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (stack.length === 0) {
      if ((c === OPEN_BRACE || c === OPEN_BRACKET) && isBoundaryBefore(text, i)) {
        stack.push({ open: i, object: c === OPEN_BRACE, next: c === OPEN_BRACE ? Next.KeyOrClose : Next.ValueOrClose, items: 0 })
      }
      i++
      continue
    }
    if (inString) {
      if (hexLeft > 0) {
        if (!isHex(c)) {
          drop()
          continue
        }
        hexLeft--
      } else if (escape) {
        escape = false
        if (c === 117) hexLeft = 4
        else if (!(c === QUOTE || c === BACKSLASH || c === 47 || c === 98 || c === 102 || c === 110 || c === 114 || c === 116)) {
          drop()
          continue
        }
      } else if (c === BACKSLASH) escape = true
      else if (c === QUOTE) {
        inString = false
        if (stringIsKey) stack[stack.length - 1]!.next = Next.Colon
        else valueDone()
      } else if (c < 32) {
        // A raw control character (a newline, say) cannot be in a JSON string: this was prose.
        drop()
        continue
      }
      i++
      continue
    }
    if (scalarStart >= 0) {
      if (isScalarChar(c)) {
        i++
        continue
      }
      const valid = scalar.test(text.slice(scalarStart, i))
      scalarStart = -1
      if (!valid) {
        drop()
        continue
      }
      valueDone()
      // `c` is read again below, in the container's new state.
    }
    if (isJsonSpace(c)) {
      i++
      continue
    }
    const top = stack[stack.length - 1]!
    const closes = c === (top.object ? CLOSE_BRACE : CLOSE_BRACKET)
    let accepted = true
    switch (top.next) {
      case Next.KeyOrClose:
      case Next.Key:
        if (c === QUOTE) {
          inString = true
          stringIsKey = true
        } else if (closes && top.next === Next.KeyOrClose) close(i)
        else accepted = false
        break
      case Next.Colon:
        if (c === COLON) top.next = Next.Value
        else accepted = false
        break
      case Next.Value:
      case Next.ValueOrClose:
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          if (stack.length - dead >= MAX_DEPTH) dead++
          stack.push({ open: i, object: c === OPEN_BRACE, next: c === OPEN_BRACE ? Next.KeyOrClose : Next.ValueOrClose, items: 0 })
        } else if (c === QUOTE) {
          inString = true
          stringIsKey = false
        } else if (c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110) scalarStart = i
        else if (closes && top.next === Next.ValueOrClose) close(i)
        else accepted = false
        break
      case Next.CommaOrClose:
        if (c === COMMA) top.next = top.object ? Next.Key : Next.Value
        else if (closes) close(i)
        else accepted = false
        break
    }
    if (!accepted) {
      // Not JSON after all; the character may still open a block of its own, so read it again.
      drop()
      continue
    }
    i++
  }

  const blocks: Array<Block> = []
  for (const span of spans) {
    // The scanner validated the grammar, so this parses; the guard keeps it a value, not a throw.
    const value = parseJson(text.slice(span.start, span.end))
    // A block whose value JSON.parse cannot hold as written (`1e400` overflows to Infinity; a
    // `\ud800` escape is a lone surrogate) stays prose, word for word.
    if (value !== undefined && findProblem(value) === undefined) blocks.push({ ...span, value })
  }
  return blocks
}

const parseJson = (text: string): JsonValue | undefined => {
  try {
    // Integers past 2^53 stay exact, as in a request's own fields (json/parse.ts).
    return parseExactJson(text) as JsonValue
  } catch {
    return undefined
  }
}

/** Preview length of a replaced block, in code points. */
export const PREVIEW_LENGTH = 80

/** One replaced block, as the service reports it (code points). */
export interface Replacement {
  readonly start: number
  readonly end: number
  readonly original_length: number
  readonly ktof_length: number
  readonly preview: string
}

/** What auto-detection did to a text prompt. */
export interface Detection {
  /** The text to send: the segmented text if it won, else the plain encoding. */
  readonly result: string
  readonly meta: {
    readonly auto_detected_json: boolean
    readonly embedded_json_count: number
    readonly auto_detection_applied: boolean
    readonly segments_schema?: "text_with_ktof"
    readonly replacements?: ReadonlyArray<Replacement>
  }
}

/**
 * Runs auto-detection on a text prompt. `plain` is the text encoded as one KTOF string: the
 * result unless the segmented text is shorter.
 */
export const autoDetect = (
  text: string,
  plain: string,
  settings: EncodeSettings
): Result<Detection, KtofEncodeError> => {
  const blocks = findBlocks(text)
  const notApplied = (count: number): Detection => ({
    result: plain,
    meta: { auto_detected_json: count > 0, embedded_json_count: count, auto_detection_applied: false }
  })
  if (blocks.length === 0) return succeed(notApplied(0))
  const blockSettings = { ...settings, indent: 1 }
  const parts: Array<string> = []
  const replacements: Array<Replacement> = []
  let from = 0
  let points = 0
  for (const block of blocks) {
    const ktof = encode(block.value, blockSettings)
    if (!ktof.ok) return ktof
    points += codePointLength(text, from, block.start)
    const original = text.slice(block.start, block.end)
    const length = codePointLength(original)
    replacements.push({
      start: points,
      end: points + length,
      original_length: length,
      ktof_length: codePointLength(ktof.value),
      preview: codePointPrefix(original, PREVIEW_LENGTH)
    })
    points += length
    parts.push(text.slice(from, block.start), ktof.value)
    from = block.end
  }
  parts.push(text.slice(from))
  const segmented = parts.join("")
  if (codePointLength(segmented) >= codePointLength(plain)) return succeed(notApplied(blocks.length))
  return succeed({
    result: segmented,
    meta: {
      auto_detected_json: true,
      embedded_json_count: blocks.length,
      auto_detection_applied: true,
      segments_schema: "text_with_ktof",
      replacements
    }
  })
}
