/**
 * Properties of the engine's KTOF codec, on generated values (`fast-check`):
 *
 * - encode then decode gives back every JSON value exactly, for every delimiter, indent and
 *   length marker (10,000 values);
 * - a mutated KTOF text (a character inserted, deleted or replaced, a line dropped, doubled or
 *   moved one level in or out) either decodes to a value that re-encodes to that very text, or
 *   is refused (a 400 on the routes): never a 200 with a value the text does not say.
 *
 * "That very text" allows the spellings the grammar leaves free: blanks around `:`, a
 * delimiter or a token, quotes around a string that needs none, a number's spelling (`1.50`,
 * `1e2`, `-0`), and `#` in a header. `canonical` below puts those back before comparing. A
 * mutation can also leave a valid layout the writer would not choose (a list of objects where a
 * table fits; JavaScript also puts integer-like keys first): then every key, length and value
 * the text says must be in the value read, and nothing else, token for token (keys once each).
 *
 * Values are normalised through `JSON.parse(JSON.stringify(v))` (what goes on the wire: -0 is
 * 0); strings are whole graphemes, so well-formed Unicode.
 */
import { describe, expect, it } from "vitest"
import * as FastCheck from "fast-check"
import type { DecodeSettings, EncodeSettings } from "../src/codec.js"
import { decode, encode } from "../src/codec.js"
import { valueOf } from "./support.js"

const json = FastCheck.jsonValue({ maxDepth: 4, stringUnit: "grapheme" }).map((value) =>
  JSON.parse(JSON.stringify(value)) as unknown
)
// Strings from the characters KTOF treats specially, so that quoting is exercised.
const tricky = FastCheck.stringMatching(/^[a -:,|\t"\\[\]{}#\n\u0001\u0085\ufeff0-9.eE+]{0,6}$/)
const keyed = FastCheck.dictionary(tricky, FastCheck.oneof(tricky, json), { maxKeys: 4 })
const values = FastCheck.oneof(json, keyed, FastCheck.array(keyed, { maxLength: 4 }), FastCheck.array(tricky, { maxLength: 4 }))

const settings = FastCheck.record({
  indent: FastCheck.constantFrom(1, 2, 4),
  delimiter: FastCheck.constantFrom(",", "\t", "|"),
  lengthMarker: FastCheck.boolean()
}) as FastCheck.Arbitrary<EncodeSettings>

const decodeSettings = (s: EncodeSettings): DecodeSettings => ({ indent: s.indent, strict: true })

const encoded = (value: unknown, s: EncodeSettings): string => {
  const text = encode(value, s)
  if (!text.ok) throw new Error(text.error.message)
  return text.value
}

// 10,000 values each: a few seconds alone, and past vitest's 30 s on a contended machine.
const PROPERTY_TIMEOUT = 120_000

describe("KTOF codec properties", () => {
  it("decode(encode(value)) is the value, for every JSON value and every option", () => {
    FastCheck.assert(
      FastCheck.property(values, settings, (value, s) => {
        expect(valueOf(decode(encoded(value, s), decodeSettings(s)))).toEqual(value)
      }),
      { numRuns: 10_000 }
    )
  }, PROPERTY_TIMEOUT)

  const palette = [" ", "-", ":", ",", "|", "\t", "\"", "\\", "[", "]", "{", "}", "#", "\n", "0", "1", ".", "e", "a", "\u0085", "\ufeff"]
  const mutation = FastCheck.record({
    kind: FastCheck.constantFrom("insert", "delete", "replace", "dropLine", "doubleLine", "indentLine", "dedentLine"),
    at: FastCheck.nat(),
    char: FastCheck.constantFrom(...palette)
  })

  const mutate = (text: string, m: { kind: string; at: number; char: string }, indent: number): string => {
    const lines = text.split("\n")
    const line = m.at % Math.max(lines.length, 1)
    const pos = text.length === 0 ? 0 : m.at % (text.length + 1)
    switch (m.kind) {
      case "insert":
        return text.slice(0, pos) + m.char + text.slice(pos)
      case "delete":
        return text.slice(0, pos) + text.slice(pos + 1)
      case "replace":
        return text.slice(0, pos) + m.char + text.slice(pos + 1)
      case "dropLine":
        return lines.filter((_, i) => i !== line).join("\n")
      case "doubleLine":
        return lines.flatMap((l, i) => i === line ? [l, l] : [l]).join("\n")
      case "indentLine":
        return lines.map((l, i) => i === line ? " ".repeat(indent) + l : l).join("\n")
      default:
        return lines.map((l, i) => i === line ? l.replace(new RegExp(`^ {1,${indent}}`), "") : l).join("\n")
    }
  }

  it("a mutated KTOF text is read as what it says or refused, never as something else", () => {
    FastCheck.assert(
      FastCheck.property(values, settings, mutation, (value, s, m) => {
        const text = mutate(encoded(value, s), m, s.indent)
        const back = decode(text, decodeSettings(s))
        if (!back.ok) return
        const said = canonical(text, s)
        const read = canonical(encoded(back.value, s), s)
        // Line for line; or, where the text chose another layout than the writer would (a list
        // where a table fits, fields whose keys JavaScript orders first), token for token.
        if (read.lines !== said.lines) expect(read.tokens, JSON.stringify(text)).toBe(said.tokens)
      }),
      { numRuns: 10_000 }
    )
  }, PROPERTY_TIMEOUT)
})

// ---------------------------------------------------------------------------------------------
// The free spellings. Each line is read into its tokens where the grammar puts them (a key, a
// header's length and fields, a value, or delimited values), and each token is spelled one
// way: a string as JSON whether it was quoted or not, a number as its double. Indentation
// depth, line order, and which token is which are kept exactly.

// Blanks as the service's decoder (Python's strip()) sees them: U+FEFF is none, U+0085 is one.
const blanks = /^[^\S\ufeff\u001c-\u001f\u0085]+|[^\S\ufeff\u001c-\u001f\u0085]+$/g
const strip = (text: string): string => text.replace(blanks, "")

const numberLiteral = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:e[+-]?\d+)?$/i

/** The index of the first of `targets` outside quotes; -1 if none, -2 if a quote is open. */
const unquoted = (text: string, targets: string): number => {
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    if (quoted && text[i] === "\\") i++
    else if (text[i] === "\"") quoted = !quoted
    else if (!quoted && targets.includes(text[i]!)) return i
  }
  return quoted ? -2 : -1
}

const split = (text: string, delimiter: string): Array<string> => {
  const parts: Array<string> = []
  let rest = text
  for (let at = unquoted(rest, delimiter); at !== -1; at = unquoted(rest, delimiter)) {
    parts.push(rest.slice(0, at))
    rest = rest.slice(at + 1)
  }
  parts.push(rest)
  return parts
}

const unescape = (body: string): string =>
  body.replace(/\\(.)/g, (_, c: string) => c === "n" ? "\n" : c === "r" ? "\r" : c === "t" ? "\t" : c)

const token = (raw: string, key = false): string => {
  const t = strip(raw)
  if (t.length >= 2 && t.startsWith("\"") && t.endsWith("\"")) return JSON.stringify(unescape(t.slice(1, -1)))
  if (!key && (t === "true" || t === "false" || t === "null")) return t
  // A literal past the double range is a string to both decoders.
  if (!key && numberLiteral.test(t) && Number.isFinite(Number(t))) return `#${Number(t)}`
  return JSON.stringify(t)
}

/** A line's tokens in order: `k` keys, `n` lengths, `v` values, `-` list markers. */
const lineTokens = (content: string, delimiter: string, row: boolean): Array<string> => {
  // List items and rows are never at column 1 (there a line is a root value, field or header).
  if (row && (content === "-" || content.startsWith("- "))) return ["-", ...lineTokens(strip(content.slice(1)), delimiter, false)]
  // A header first, as both decoders look for one: `key[N...]{fields}:` with the key being
  // everything before the bracket.
  const header = /^(.*?)\[(#?\d+[|\t,]?)\](\{.*\})?:(.*)$/s.exec(content)
  if (header !== null && unquoted(header[1]!, "[") === -1 && unquoted(header[1]!, "") === -1) {
    const [, key, inside, braces, value] = header
    const own = /[|\t,]$/.test(inside!) ? inside!.slice(-1) : ","
    return [
      ...(key === "" ? [] : [`k${token(key!, true)}`]),
      `n${parseInt(inside!.replace(/^#/, ""), 10)}`,
      ...(braces === undefined ? [] : split(braces.slice(1, -1), own).map((f) => `k${token(f, true)}`)),
      ...(strip(value!) === "" ? [] : split(strip(value!), own).map((part) => `v${token(part)}`))
    ]
  }
  const colon = unquoted(content, ":")
  // A line without a colon is a table row (a root value or a list item is one token).
  if (colon < 0) return row ? split(content, delimiter).map((part) => `v${token(part)}`) : [`v${token(content)}`]
  const value = content.slice(colon + 1)
  return [`k${token(content.slice(0, colon), true)}`, ...(strip(value) === "" ? [] : [`v${token(value)}`])]
}

/**
 * A text with the free spellings put back (see the module comment): its lines (depth and
 * tokens), and its tokens alone, sorted. Blank lines carry nothing.
 */
const canonical = (text: string, s: EncodeSettings): { readonly lines: string; readonly tokens: string } => {
  const lines = text.split("\n").filter((line) => strip(line) !== "").map((line) => {
    const spaces = line.length - line.replace(/^ +/, "").length
    return { depth: Math.floor(spaces / s.indent), tokens: lineTokens(strip(line), s.delimiter, spaces > 0) }
  })
  return {
    lines: lines.map((line) => `${line.depth}|${line.tokens.join("\u0000")}`).join("\n"),
    // A table names its keys once, a list once per item: keys count once each.
    tokens: [...new Set(lines.flatMap((line) => line.tokens.filter((t) => t.startsWith("k"))))].sort()
      .concat(lines.flatMap((line) => line.tokens.filter((t) => !t.startsWith("k") && t !== "-")).sort()).join("\n")
  }
}
