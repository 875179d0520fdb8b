/**
 * String measures as the Kaizen service (Python) sees them.
 *
 * Python's `len(s)` counts code points, JavaScript's `s.length` counts UTF-16 units, so an
 * emoji is 1 there and 2 here. Every length and offset the engine reports goes through these
 * functions so that a Kaizen response reads the same whichever side produced it.
 */

const isHigh = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff
const isLow = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff

// Any surrogate at all: most text has none, and a native regex test says so far faster than a
// loop over every UTF-16 unit.
const anySurrogate = /[\uD800-\uDFFF]/

/** Code points in `text[from, to)` (Python's `len`), without allocating. */
export const codePointLength = (text: string, from = 0, to = text.length): number => {
  if (from === 0 && to === text.length && !anySurrogate.test(text)) return text.length
  let count = to - from
  for (let i = from + 1; i < to; i++) {
    if (isLow(text.charCodeAt(i)) && isHigh(text.charCodeAt(i - 1))) count--
  }
  return count
}

/** The first `max` code points of `text`, never splitting a surrogate pair. */
export const codePointPrefix = (text: string, max: number): string => {
  let units = 0
  for (let points = 0; points < max && units < text.length; points++) {
    units += isHigh(text.charCodeAt(units)) && isLow(text.charCodeAt(units + 1)) ? 2 : 1
  }
  return text.slice(0, units)
}

/** The UTF-8 size of a well-formed string, in bytes, without encoding it. */
export const utf8Length = (text: string): number => {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) bytes += 1
    else if (unit < 0x800) bytes += 2
    else if (isHigh(unit) && isLow(text.charCodeAt(i + 1))) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
// Without the `u` flag the regex sees UTF-16 units, which is what a lone surrogate is.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * The first lone surrogate in `text` as `\uXXXX`, or `undefined`. A lone surrogate has no
 * UTF-8 form: the Python service cannot even hold it in a response, so the engine refuses it.
 */
export const findLoneSurrogate = (text: string): string | undefined => {
  const match = loneSurrogate.exec(text)
  return match === null ? undefined : `\\u${match[0].charCodeAt(0).toString(16).toUpperCase()}`
}
