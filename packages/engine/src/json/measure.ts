/**
 * Sizes a request body given as a value exactly as its JSON text would measure, without
 * writing that text.
 *
 * The direct engine layer (`KaizenLocal.layer`) may skip `JSON.stringify` and
 * `JSON.parse` only for a value that the round trip would leave as it is: plain objects and arrays, strings with no lone surrogate,
 * finite numbers, booleans and null, no deeper than the engine accepts. One walk checks that
 * and adds up what the text would have measured: its UTF-8 bytes (the body limit) and, per
 * top-level field, the code points of the field's compact JSON (the `stats` block compares
 * them with the KTOF). Anything else (a `Date`, an `undefined` property, a class instance, a
 * lone surrogate) is `undefined`: the caller then writes the text and the engine reads it as a
 * request over HTTP, so every value is answered exactly as the service would answer it.
 */
import { MAX_DEPTH } from "./limits.js"
import { codePointLength, findLoneSurrogate, utf8Length } from "./text.js"

/** What the JSON text of a body would measure. */
export interface BodyMeasure {
  /** UTF-8 bytes of the whole body's compact JSON. */
  readonly bytes: number
  /** Code points of each top-level field's compact JSON. */
  readonly fields: Readonly<Record<string, number>>
}

// A string whose JSON literal is the string in quotes, one byte and one code point per unit:
// nothing to escape (quote, backslash, control characters) and nothing outside ASCII.
const needsCare = /["\\\u0000-\u001f\u0080-\uffff]/

/** Running totals of one walk; `ok` turns false at the first thing the text route must judge. */
interface Tally {
  ok: boolean
  bytes: number
  points: number
}

const addString = (text: string, tally: Tally): void => {
  if (!needsCare.test(text)) {
    tally.bytes += text.length + 2
    tally.points += text.length + 2
    return
  }
  if (findLoneSurrogate(text) !== undefined) {
    tally.ok = false
    return
  }
  const literal = JSON.stringify(text)
  tally.bytes += utf8Length(literal)
  tally.points += codePointLength(literal)
}

// Keys repeat (every row of a table has the same ones), and so do many numbers (prices,
// scores, flags as 0/1), whose text length otherwise costs writing them. A measure never
// changes, so the caches live as long as the module; each is emptied when full, so a new kind
// of document soon gets its own keys cached. A key that cannot be measured is never cached.
const CACHE_LIMIT = 4096

interface KeyMeasure {
  readonly bytes: number
  readonly points: number
}

const keyCache = new Map<string, KeyMeasure>()
const numberCache = new Map<number, number>()

const addKey = (key: string, tally: Tally): void => {
  const known = keyCache.get(key)
  if (known !== undefined) {
    tally.bytes += known.bytes
    tally.points += known.points
    return
  }
  const bytes = tally.bytes
  const points = tally.points
  addString(key, tally)
  if (!tally.ok) return
  if (keyCache.size >= CACHE_LIMIT) keyCache.clear()
  keyCache.set(key, { bytes: tally.bytes - bytes, points: tally.points - points })
}

// JSON writes a finite number as String does (and -0 as 0, which the codec also writes).
// Integers are cheap to write (V8 caches small ones); other numbers are looked up first.
const numberLength = (value: number): number => {
  if (Number.isInteger(value)) return String(value).length
  const known = numberCache.get(value)
  if (known !== undefined) return known
  const length = String(value).length
  if (numberCache.size >= CACHE_LIMIT) numberCache.clear()
  numberCache.set(value, length)
  return length
}

const addValue = (value: unknown, depth: number, tally: Tally): void => {
  switch (typeof value) {
    case "string":
      return addString(value, tally)
    case "number": {
      if (!Number.isFinite(value)) {
        tally.ok = false
        return
      }
      const length = numberLength(value)
      tally.bytes += length
      tally.points += length
      return
    }
    case "boolean": {
      const length = value ? 4 : 5
      tally.bytes += length
      tally.points += length
      return
    }
    case "object": {
      if (value === null) {
        tally.bytes += 4
        tally.points += 4
        return
      }
      // `[[1]]` is 2 levels: the same count as the guard's.
      if (depth >= MAX_DEPTH) {
        tally.ok = false
        return
      }
      if (Array.isArray(value)) {
        const length = value.length
        const punctuation = length === 0 ? 2 : length + 1
        tally.bytes += punctuation
        tally.points += punctuation
        for (let i = 0; i < length && tally.ok; i++) {
          // A hole reads as undefined, which JSON would turn into null.
          addValue(value[i], depth + 1, tally)
        }
        return
      }
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) {
        tally.ok = false
        return
      }
      // for-in lists own enumerable keys in JSON.stringify's order here: measureBody has
      // checked that Object.prototype adds none, and a null prototype adds nothing.
      let count = 0
      for (const key in value) {
        count++
        addKey(key, tally)
        addValue((value as Record<string, unknown>)[key], depth + 1, tally)
        if (!tally.ok) return
      }
      const punctuation = count === 0 ? 2 : 2 * count + 1
      tally.bytes += punctuation
      tally.points += punctuation
      return
    }
    default:
      // undefined (dropped or nulled by JSON), functions, symbols, BigInts.
      tally.ok = false
  }
}

/**
 * The measures of `body`'s JSON text, or `undefined` when the value is not exactly what that
 * text would parse back to.
 */
export const measureBody = (body: unknown): BodyMeasure | undefined => {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined
  const proto = Object.getPrototypeOf(body)
  if (proto !== Object.prototype && proto !== null) return undefined
  // An enumerable property on Object.prototype (a polluted prototype) would show in for-in.
  for (const _ in Object.prototype) return undefined
  const tally: Tally = { ok: true, bytes: 0, points: 0 }
  const fields: Record<string, number> = {}
  const keys = Object.keys(body)
  for (const key of keys) {
    addString(key, tally)
    const pointsBefore = tally.points
    // Each field's value may nest MAX_DEPTH levels: the body around them does not count.
    addValue((body as Record<string, unknown>)[key], 0, tally)
    if (!tally.ok) return undefined
    fields[key] = tally.points - pointsBefore
  }
  return { bytes: tally.bytes + (keys.length === 0 ? 2 : 2 * keys.length + 1), fields }
}
