/**
 * Prepares KTOF lines for `@toon-format/toon` 2.3.1 so that it reads them as the service's
 * codec (the Python `toon_format` reference) does, and refuses what the two would read
 * differently, or what either would read by dropping a line.
 *
 * - `[#N]` headers become `[N]` (dialect.ts).
 * - The reference's two list-item layouts that 2.3.1 reads otherwise become the spec's:
 *   a bare `-` followed by the object's fields one level deeper (the reference's writer puts
 *   an item whose first field is an object that way) is joined into `- field...`; and
 *   `- key[N]...:` followed by its rows or items one level deeper (the reference's layout for
 *   a first field that is a table or list) has those lines moved one level deeper.
 * - The blank line before an array item that holds objects or arrays (dialect.ts, rule 8) is
 *   dropped.
 * - A line that belongs to no value (structure.ts) is refused: both decoders would skip it
 *   without a word.
 * - A token that starts or ends with U+001C-U+001F or U+0085 outside quotes is refused: Python
 *   strips those characters as whitespace and JavaScript does not. (U+FEFF, which only
 *   JavaScript strips, is protected instead; see `protectBom` in codec.ts.)
 *
 * Every rewrite moves whole lines or indentation, so the value read is the one the text says;
 * an error names the line as the caller numbered it.
 */
import { fromKaizenLine } from "./dialect.js"
import { findUnquoted, isRow, Structure } from "./structure.js"

/** Why the lines cannot be read with certainty, and where (1-based, in the caller's text). */
export interface LineProblem {
  readonly line: number
  readonly message: string
}

/** Lines ready for 2.3.1, with each one's line number in the original text. */
export interface Prepared {
  readonly lines: Array<string>
  readonly numbers: Array<number>
}

interface Line {
  text: string
  readonly number: number
  /** Joined into the line before it (a bare `-`). */
  gone: boolean
}

const spacesOf = (text: string): number => {
  let n = 0
  while (n < text.length && text.charCodeAt(n) === 32) n++
  return n
}

const isBlank = (text: string): boolean => text.trim().length === 0

// `key[N...]...:` with nothing after the colon: a list item's first field that is not inline.
const keyedHeader = /^(?:"(?:[^"\\]|\\.)*"|[^"[\]{}:\s][^"[\]{}:]*?)\s*\[#?([1-9]\d*)([,|\t]?)\]/

/** The delimiter of a non-inline keyed header on a list item line, and whether it is a table. */
const firstFieldArray = (content: string): { readonly table: boolean; readonly delimiter: string } | undefined => {
  if (!content.startsWith("- ")) return undefined
  const rest = content.slice(2)
  const match = keyedHeader.exec(rest)
  if (match === null) return undefined
  const after = rest.slice(match[0].length)
  const colon = findUnquoted(after, ":")
  if (colon < 0 || after.slice(colon + 1).trim().length > 0) return undefined
  return { table: after.trimStart().startsWith("{"), delimiter: match[2] === "" ? "," : match[2]! }
}

// Where a quoted token may open (after the list marker, a colon, a delimiter or `{`) and what
// may follow its close (a colon, a delimiter, `[` or `}`), blanks aside.
const opensAfter = ":,|\t{"
const closesBefore = ":,|\t[}"

/** Whether a line has a quote inside a bare token, or one not closed. */
const strayQuote = (text: string): boolean => {
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted && c === "\\") {
      i++
      continue
    }
    if (c !== "\"") continue
    if (!quoted) {
      let left = i - 1
      while (left >= 0 && text[left] === " ") left--
      const start = left < 0 || opensAfter.includes(text[left]!) || (text[left] === "-" && text.slice(0, left).trim() === "")
      if (!start) return true
    } else {
      let right = i + 1
      while (right < text.length && text[right] === " ") right++
      if (right < text.length && !closesBefore.includes(text[right]!)) return true
    }
    quoted = !quoted
  }
  return quoted
}

// U+001C-U+001F and U+0085: whitespace to Python's strip(), not to JavaScript's trim().
const disputed = /[\u001c-\u001f\u0085]/
const blank = /[\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/
const edge = ":,|[]{}\""

/** Whether a disputed character sits at the edge of a token (outside quotes). */
const disputedEdge = (content: string): string | undefined => {
  let quoted = false
  for (let i = 0; i < content.length; i++) {
    const c = content[i]!
    if (quoted && c === "\\") {
      i++
      continue
    }
    if (c === "\"") quoted = !quoted
    if (quoted || !disputed.test(c)) continue
    let left = i - 1
    while (left >= 0 && blank.test(content[left]!)) left--
    let right = i + 1
    while (right < content.length && blank.test(content[right]!)) right++
    const atEdge = left < 0 || right >= content.length || edge.includes(content[left]!) ||
      edge.includes(content[right]!) || (left === 0 && content[0] === "-")
    if (atEdge) return `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`
  }
  return undefined
}

/**
 * The lines of a KTOF text, ready for 2.3.1, or the first line that cannot be read with
 * certainty. `indent` and `strict` are the decode options; no line may be indented more
 * than `maxDepth` levels.
 */
export const prepareLines = (text: string, indent: number, strict: boolean, maxDepth: number): Prepared | LineProblem => {
  const lines: Array<Line> = text.split("\n").map((raw, i) => ({ text: fromKaizenLine(raw), number: i + 1, gone: false }))
  const out: Array<Line> = []
  const structure = new Structure(strict)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.gone) continue
    if (isBlank(line.text)) {
      // Rule 8 (dialect.ts): the blank line the writer puts before an array item that holds
      // objects or arrays, indented as that item, so that Kaizen's decoder refuses the text.
      if (!ruleEightBlank(line.text, lines[i + 1])) out.push(line)
      continue
    }
    // 2.3.1 reads a quote inside a bare key or value as a character; the service's decoder
    // reads everything after it as quoted. Neither reading is certain.
    if (line.text.includes("\"") && strayQuote(line.text)) {
      return {
        line: line.number,
        message: "a quote stands inside a bare key or value, or is not closed; quote the whole key or value, and escape a quote in it as \\\""
      }
    }
    if (disputed.test(line.text)) {
      const character = disputedEdge(line.text.slice(spacesOf(line.text)))
      if (character !== undefined) {
        return {
          line: line.number,
          message: `${character} starts or ends a value outside quotes, which decoders read differently; quote the value`
        }
      }
    }
    const spaces = spacesOf(line.text)
    // The service's decoder strips every blank after a list marker; 2.3.1 drops only one, and
    // would then read `"k"` as a bare key with its quotes.
    if (line.text.startsWith("- ", spaces) && /\s/.test(line.text.charAt(spaces + 2))) {
      line.text = `${line.text.slice(0, spaces)}- ${line.text.slice(spaces + 2).trimStart()}`
    }
    const depth = Math.floor(spaces / indent)
    // Nesting follows indentation, so this bounds the decoder's recursion before it starts.
    if (depth > maxDepth) return { line: line.number, message: `the line is indented more than ${maxDepth} levels deep` }
    const content = line.text.slice(spaces)
    const at = nextNonBlank(lines, i + 1)
    const next = at === -1 ? undefined : lines[at]!
    // The reference's bare `-`: the item's fields follow one level deeper.
    if (content === "-" && next !== undefined && depthOf(next, indent) === depth + 1) {
      const nextContent = next.text.slice(spacesOf(next.text))
      if (nextContent !== "-" && !nextContent.startsWith("- ")) {
        line.text = `${line.text.slice(0, spaces)}- ${nextContent}`
        next.gone = true
        i--
        continue
      }
    }
    // The reference's first-field array, its rows or items one level deeper instead of two.
    const field = next !== undefined && depthOf(next, indent) === depth + 1 ? firstFieldArray(content) : undefined
    if (field !== undefined) shiftBlock(lines, at, depth + 1, indent, field)
    const wrong = structure.check(depth, line.text.slice(spaces), line.number)
    if (wrong !== undefined) return typeof wrong === "string" ? { line: line.number, message: wrong } : wrong
    out.push(line)
  }
  const unfinished = structure.finish()
  if (unfinished !== undefined) return unfinished
  return { lines: out.map((line) => line.text), numbers: out.map((line) => line.number) }
}

// A list item that is an array header with nothing after its colon: `- [N]:`, `- [N|]:`.
const openArrayItem = /^- \[\d+[,|\t]?\]:$/

const ruleEightBlank = (blankText: string, next: Line | undefined): boolean => {
  if (blankText.length === 0 || next === undefined || next.gone) return false
  const spaces = spacesOf(next.text)
  return blankText === " ".repeat(spaces) && openArrayItem.test(next.text.slice(spaces))
}

const depthOf = (line: Line, indent: number): number => Math.floor(spacesOf(line.text) / indent)

/** The index of the next line that is neither blank nor joined, or -1. */
const nextNonBlank = (lines: ReadonlyArray<Line>, from: number): number => {
  for (let i = from; i < lines.length; i++) if (!lines[i]!.gone && !isBlank(lines[i]!.text)) return i
  return -1
}

/**
 * Moves the reference's rows (a table) or items (a list, with everything under them) that
 * start at `from`, one level deeper.
 */
const shiftBlock = (
  lines: ReadonlyArray<Line>,
  from: number,
  depth: number,
  indent: number,
  field: { readonly table: boolean; readonly delimiter: string }
): void => {
  const pad = " ".repeat(indent)
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!
    if (line.gone) continue
    if (isBlank(line.text)) return
    const lineDepth = depthOf(line, indent)
    const content = line.text.slice(spacesOf(line.text))
    const member = field.table
      ? lineDepth === depth && isRow(content, field.delimiter)
      : lineDepth > depth || (lineDepth === depth && (content === "-" || content.startsWith("- ")))
    if (!member) return
    line.text = pad + line.text
  }
}
