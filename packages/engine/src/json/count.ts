/**
 * How many values a JSON text holds, counted on its bytes without parsing it: what a server
 * uses to bound what a body becomes once parsed. A `{}` costs far more memory as a value (and
 * as a line of KTOF) than as the 3 bytes it took on the wire, so bytes alone do not bound
 * memory (BENCHMARKS.md, "serve's memory").
 *
 * For JSON text the count is exact: containers, plus strings that are not keys, plus numbers
 * and literals. On text that is not JSON it is some number the parse will refuse anyway.
 */

const QUOTE = 0x22
const BACKSLASH = 0x5c

// Bytes after which a number or literal starts a value: `[`, `,`, `:` (and the text's start).
const opensValue = new Uint8Array(256)
for (const c of "[,:") opensValue[c.charCodeAt(0)] = 1
// Bytes that start a number or literal.
const startsScalar = new Uint8Array(256)
for (const c of "-0123456789tfn") startsScalar[c.charCodeAt(0)] = 1
const blank = new Uint8Array(256)
for (const c of " \t\n\r") blank[c.charCodeAt(0)] = 1

/** The values in `text` (UTF-8 bytes or a string): `[{},{}]` holds 3, `{"a":[1,"x"]}` 4. */
export const countValues = (text: Uint8Array | string): number => {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text
  let containers = 0
  let strings = 0
  let colons = 0
  let scalars = 0
  let previous = 0x5b // as if after `[`: a scalar at the very start is a value
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    if (b === QUOTE) {
      strings++
      // To the closing quote; escapes skip the byte after the backslash.
      for (i++; i < bytes.length; i++) {
        const c = bytes[i]!
        if (c === BACKSLASH) i++
        else if (c === QUOTE) break
      }
      previous = QUOTE
      continue
    }
    if (blank[b] === 1) continue
    if (b === 0x7b || b === 0x5b) containers++
    else if (b === 0x3a) colons++
    else if (startsScalar[b] === 1 && opensValue[previous] === 1) scalars++
    previous = b
  }
  // Every key is a string followed by a colon.
  return containers + strings - colons + scalars
}
