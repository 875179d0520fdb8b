/**
 * The Kaizen dialect of TOON: how the engine spells keys, strings and numbers.
 *
 * The service's codec is the official Python `toon_format` (the reference, snapshot `main` in
 * ../shared/reference/toon-python); the engine reads with `@toon-format/toon` 2.3.1. The
 * engine writes what the reference writes, byte for byte, except where one of these rules
 * says otherwise. Each rule exists because the reference's own text would be read wrongly by
 * the reference itself or by 2.3.1; the layout the engine writes instead is read identically
 * by both (checked against the committed reference fixtures, test/reference.test.ts).
 *
 * 1. Numbers are JSON doubles, except integer literals past 2^53. The reference keeps Python's
 *    int/float split (`1.0` stays `1.0`); the engine writes a double's shortest form, always
 *    as a plain decimal (`1e+21` -> `1000000000000000000000`, `1.5e-7` -> `0.00000015`), as
 *    the reference does for floats. Both decoders read either spelling as the same double.
 *    An integer literal past 2^53 in a request's text (`9007199254740993`) is read exactly
 *    (json/parse.ts) and written digit for digit, as the reference writes a Python int.
 * 2. Strings that start or end with U+FEFF are quoted. Python's `strip()` keeps U+FEFF, so the
 *    reference leaves `a\uFEFF` bare, but JavaScript's `trim()` (which 2.3.1 applies to every
 *    token) drops it.
 * 3. Strings the reference's decoder reads as a number are quoted: its `float()` also accepts
 *    `+1`, `.5`, `5.`, `1_000` and non-ASCII digits, which its encoder leaves bare.
 * 4. A key that ends with a newline is quoted: the reference's key pattern ends in `$`, which
 *    also matches before a final `\n`, so it leaves such a key bare and breaks the line.
 * 5. An empty key is written (`"": 1`, `""[2]: 1,2`, `"":`): the reference drops it for
 *    objects and arrays (`if key:`), turning `{"": {"a": 1}}` into `{"a": 1}`.
 * 6. A list item whose first field is an object is written `- key:` with the object's fields
 *    two levels deeper (the spec's layout), not as a bare `-` line: the reference's `main`
 *    decoder reads a bare `-` as `{}` and drops what follows. Both decoders read `- key:`.
 * 7. A list item whose first field is an array that is not inline (objects or arrays) is
 *    written `- key[N]:` with its items as `- ` list items two levels deeper. The reference
 *    puts that array's rows one level deeper and 2.3.1 expects them two levels deeper; both
 *    read list items at two levels (the reference reads list items at any deeper level), so
 *    this one field is written in list form even where a table would fit.
 * 8. An array inside an array that holds objects or arrays (`[[{"a": 1}]]`, `[[[1]]]`,
 *    `[[1, {"a": 2}]]`, `[[[]]]`) is written in the spec's layout (`- [N]:`, items one level
 *    deeper) with a blank line before it, indented as the item. Kaizen's decoder (both
 *    snapshots) reads a `- [N]:` item as an array only with inline values: it reads the spec's
 *    layout as a key `[N]` with fields (`[[[1]]]` -> `[{"[1]": {}, "-": [1]}]`, no error), and
 *    no other layout reads back either (each shape, depth 2-4: test/fixtures/ktof/nested.json).
 *    With the blank line it refuses the text ("Blank lines not allowed inside arrays", strict,
 *    its default) instead of misreading it; the engine's reader drops that one line (reader.ts)
 *    and 2.3.1 reads the rest. An array of primitives in an array (`- [2]: 1,2`, `- [0]:`) is
 *    read back by both snapshots and written as is.
 *
 * 9. A string in which U+001C-U+001F or U+0085 stands next to a `,` or `|` is quoted. Python
 *    strips those characters as whitespace and JavaScript does not, so the reader (reader.ts)
 *    refuses them at the edge of a bare token, and it cannot know which of `,` and `|` is the
 *    delimiter of a line.
 * 10. Keys that look like array indices (`"123"`) come first in their object: every JavaScript
 *    object holds them that way (`JSON.parse` has already reordered them), the reference keeps
 *    the JSON's order. The value is the same JSON object.
 *
 * Control characters other than `\n`, `\r` and `\t` are written raw inside quotes, as the
 * reference writes them (its decoder accepts no `\uXXXX` escape); 2.3.1 reads them the same.
 */

/** Python's `str.strip()` whitespace, as found by `value != value.strip()`. */
const pythonSpace = "\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"

/** Either side's edge whitespace: Python's `strip()` set plus U+FEFF, which `trim()` adds. */
export const edgeSpace = new RegExp(`^[${pythonSpace}\ufeff]|[${pythonSpace}\ufeff]$`)

// The reference's NUMERIC_REGEX and OCTAL_REGEX; Python's `\d` is any Unicode decimal digit.
const numericLike = /^-?\p{Nd}+(?:\.\p{Nd}+)?(?:[eE][+-]?\p{Nd}+)?$|^0\p{Nd}+$/u
// What Python's float() accepts and is_numeric_literal keeps (finite, no leading zero).
const digits = "\\p{Nd}(?:_?\\p{Nd})*"
const pythonFloat = new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`, "u")
const leadingZero = /^-?0[^.]/

const readAsNumber = (value: string): boolean =>
  numericLike.test(value) || (pythonFloat.test(value) && !leadingZero.test(value))

// Quotes, backslashes, brackets, braces, colons and the three escaped control characters.
const needsQuotes = /[":\\[\]{}\n\r\t]/
// Rule 9: a character only Python strips, beside a `,` or `|` (blanks between count too).
const disputedBeside = /[,|][\s\u001c-\u001f\u0085]*[\u001c-\u001f\u0085]|[\u001c-\u001f\u0085][\s\u001c-\u001f\u0085]*[,|]/

/** Whether a string value can be written bare (the reference's is_safe_unquoted, rules 2, 3, 9). */
const isSafeUnquoted = (value: string, delimiter: string): boolean =>
  value.length > 0 &&
  !edgeSpace.test(value) &&
  value !== "true" && value !== "false" && value !== "null" &&
  !readAsNumber(value) &&
  !needsQuotes.test(value) &&
  !disputedBeside.test(value) &&
  !value.includes(delimiter) &&
  value.charCodeAt(0) !== 45 // "-"

/** The reference's escape_string: only `\\`, `"`, `\n`, `\r` and `\t` are escaped. */
const escapeString = (value: string): string =>
  value.replace(/[\\"\n\r\t]/g, (c) => c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : `\\${c}`)

/** A string value as KTOF. */
export const encodeString = (value: string, delimiter: string): string =>
  isSafeUnquoted(value, delimiter) ? value : `"${escapeString(value)}"`

// The reference's VALID_KEY_REGEX `^[A-Z_][\w.]*$` with re.IGNORECASE on Unicode text: the
// first character may also be one of the four that case-fold into A-Z, and `\w` is Unicode.
// JavaScript's `$` never matches before a final newline (rule 4).
const unquotedKey = /^[A-Za-z_\u0130\u0131\u017f\u212a][\p{L}\p{N}_.]*$/u

/** A key as KTOF. */
export const encodeKey = (key: string): string => unquotedKey.test(key) ? key : `"${escapeString(key)}"`

/** Spells out a JavaScript number's exponent form (`1.5e-7`) as a plain decimal. */
const plainDecimal = (text: string): string => {
  const e = text.indexOf("e")
  if (e === -1) return text
  const negative = text.charCodeAt(0) === 45
  const mantissa = text.slice(negative ? 1 : 0, e)
  const exponent = Number(text.slice(e + 1))
  const dot = mantissa.indexOf(".")
  const allDigits = dot === -1 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1)
  const point = (dot === -1 ? mantissa.length : dot) + exponent
  const body = point <= 0
    ? `0.${"0".repeat(-point)}${allDigits}`
    : point >= allDigits.length
    ? allDigits + "0".repeat(point - allDigits.length)
    : `${allDigits.slice(0, point)}.${allDigits.slice(point)}`
  return negative ? `-${body}` : body
}

/** A number as KTOF (rule 1); -0 is `0`, as both codecs write it. */
export const encodeNumber = (value: number): string => {
  // Callers refuse these first (guard.ts); KTOF has no spelling that reads back as them.
  if (!Number.isFinite(value)) throw new TypeError(`${value} is not a JSON number; KTOF cannot carry it`)
  return Object.is(value, -0) ? "0" : plainDecimal(String(value))
}

/** A JSON primitive as KTOF. */
export const encodePrimitive = (value: string | number | bigint | boolean | null, delimiter: string): string =>
  value === null
    ? "null"
    : typeof value === "string"
    ? encodeString(value, delimiter)
    : typeof value === "number"
    ? encodeNumber(value)
    : typeof value === "bigint"
    ? value.toString() // rule 1: an integer past 2^53, every digit
    : value ? "true" : "false"

// On input from anyone: indentation (spaces or tabs, strict mode judges them later), a list
// marker, and a key that is quoted or free of quotes, brackets, colons and delimiters. The key
// cannot start with a blank, so indentation has one reading and a long line costs linear time.
const markedHeader = /^([ \t]*(?:- )?(?:"(?:[^"\\]|\\.)*"|[^"[\]{}:,|\t ][^"[\]{}:,|\t]*)?)\[#(?=\d+[,|\t]?\](?:\{.*\})?\s*:)/s

/** Rewrites `[#N]` headers of one input line to `[N]`, which 2.3.1 reads; a `[#` not closed is left. */
export const fromKaizenLine = (line: string): string =>
  line.includes("[#") ? line.replace(markedHeader, "$1[") : line
