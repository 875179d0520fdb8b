/**
 * The Kaizen dialect of TOON, as line rewrites around `@toon-format/toon` 2.3.1.
 *
 * The service speaks the TOON of the Python `toon_format` package (spec 1.x-3.x). The
 * TypeScript codec differs in two places, both in array headers:
 *
 * - The `#` length marker (`key[#3]:`) was removed in spec 2.0, so 2.3.1 neither writes nor
 *   reads it; the service writes it when asked (`length_marker`) and always reads it.
 * - 2.3.1 writes an empty array as `key: []` (spec 3.1's canonical form), which the Python
 *   decoder reads as the string `"[]"`; the service writes `key[0]:`.
 *
 * Headers are found by their position on a line (indentation, an optional `- ` list marker,
 * an optional key, then `[`), never by searching the text, so a `[#3]` inside a value is left
 * alone. On the encoder's own output this is exact: it quotes every string that contains
 * `[`, `:` or a delimiter, so nothing but a header can have `[` at that position.
 *
 * @internal
 */
import type { Delimiter } from "@toon-format/toon"

// Indentation, list marker, and a key as the encoder writes it: quoted, or an unquoted key.
const encodedHeader = /^( *(?:- )?(?:"(?:[^"\\]|\\.)*"|[A-Za-z_][\w.]*)?)\[(?=\d)/
const encodedEmptyArray = /^( *(?:- )?(?:"(?:[^"\\]|\\.)*"|[A-Za-z_][\w.]*)): \[\]$/

/** The header the service writes for an empty array, for a line prefix (indent and key). */
const emptyHeader = (prefix: string, delimiter: Delimiter, lengthMarker: boolean): string =>
  `${prefix}[${lengthMarker ? "#" : ""}0${delimiter === "," ? "" : delimiter}]:`

/**
 * Rewrites one line of 2.3.1 output into the Kaizen dialect. `root` says whether the line is
 * the whole document (only there is a bare `[]` an empty root array).
 */
export const toKaizenLine = (line: string, delimiter: Delimiter, lengthMarker: boolean, root: boolean): string => {
  if (root && line === "[]") return emptyHeader("", delimiter, lengthMarker)
  // Most lines are neither: two character tests spare them the regex.
  if (line.endsWith("[]")) {
    const empty = encodedEmptyArray.exec(line)
    if (empty !== null) return emptyHeader(empty[1]!, delimiter, lengthMarker)
  }
  return lengthMarker ? line.replace(encodedHeader, "$1[#") : line
}

// On input from anyone: indentation (spaces or tabs, strict mode judges them later), a list
// marker, and a key that is quoted or free of quotes, brackets, colons and delimiters. The key
// cannot start with a blank, so indentation has one reading and a long line costs linear time.
const markedHeader = /^([ \t]*(?:- )?(?:"(?:[^"\\]|\\.)*"|[^"[\]{}:,|\t ][^"[\]{}:,|\t]*)?)\[#(?=\d)/

/** Rewrites `[#N` headers of one input line to `[N`, which 2.3.1 reads. */
export const fromKaizenLine = (line: string): string =>
  line.includes("[#") ? line.replace(markedHeader, "$1[") : line
