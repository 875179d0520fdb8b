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
 * - A line indented deeper than the line before it can open is refused: both decoders would
 *   skip it without a word.
 * - A token that starts or ends with U+001C-U+001F or U+0085 outside quotes is refused: Python
 *   strips those characters as whitespace and JavaScript does not. (U+FEFF, which only
 *   JavaScript strips, is protected instead; see `protectBom` in codec.ts.)
 *
 * Every rewrite moves whole lines or indentation, so the value read is the one the text says;
 * an error names the line as the caller numbered it.
 *
 * @internal
 */
import { fromKaizenLine } from "./dialect.js"

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

/** The index of the first `target` outside double quotes (after `from`), or -1. */
const findUnquoted = (text: string, targets: string, from = 0): number => {
  let quoted = false
  for (let i = from; i < text.length; i++) {
    const c = text[i]!
    if (quoted && c === "\\") i++
    else if (c === "\"") quoted = !quoted
    else if (!quoted && targets.includes(c)) return i
  }
  return -1
}

/** What a line's content (after indentation) opens below it, in levels. */
const opens = (content: string): number => {
  const item = content === "-" || content.startsWith("- ")
  const rest = item ? content.slice(2).trimStart() : content
  const colon = findUnquoted(rest, ":")
  const open = colon !== -1 && rest.slice(colon + 1).trim().length === 0 ? 1 : 0
  // A list item that is an object (`- key: ...`, `- key[N]:`) continues one level deeper.
  const object = item && colon !== -1 && !rest.startsWith("[") ? 1 : 0
  return open + object
}

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
  if (colon === -1 || after.slice(colon + 1).trim().length > 0) return undefined
  return { table: after.trimStart().startsWith("{"), delimiter: match[2] === "" ? "," : match[2]! }
}

// A tabular row, as the reference tells one from a field: no unquoted colon, or a delimiter
// before it.
const isRow = (content: string, delimiter: string): boolean => {
  const at = findUnquoted(content, delimiter + ":")
  return at === -1 || content[at] === delimiter
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
 * certainty. `indent` is the decode option (spaces per level); no line may be indented more
 * than `maxDepth` levels.
 */
export const prepareLines = (text: string, indent: number, maxDepth: number): Prepared | LineProblem => {
  const lines: Array<Line> = text.split("\n").map((raw, i) => ({ text: fromKaizenLine(raw), number: i + 1, gone: false }))
  const out: Array<Line> = []
  let previous: Line | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.gone) continue
    if (isBlank(line.text)) {
      out.push(line)
      continue
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
    const allowed = previous === undefined ? 0 : depthOf(previous, indent) + opens(previous.text.slice(spacesOf(previous.text)))
    if (depth > allowed) {
      return {
        line: line.number,
        message: previous === undefined
          ? "the first line is indented; a KTOF document starts at column 1"
          : `the line is indented deeper than line ${previous.number} opens, so it belongs to no value`
      }
    }
    out.push(line)
    previous = line
  }
  return { lines: out.map((line) => line.text), numbers: out.map((line) => line.number) }
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
