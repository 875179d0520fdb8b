/**
 * `measureBody` (src/json/measure.ts) decides whether a value is exactly what its JSON text
 * would parse back to, and measures that text without writing it. Both are checked against
 * the text itself, computed here.
 */
import { describe, expect, it } from "vitest"
import { MAX_DEPTH } from "../src/json/limits.js"
import { measureBody } from "../src/json/measure.js"
import { codePointLength, utf8Length } from "../src/json/text.js"

const fromText = (body: Record<string, unknown>) => ({
  bytes: utf8Length(JSON.stringify(body)),
  fields: Object.fromEntries(Object.entries(body).map(([key, value]) => [key, codePointLength(JSON.stringify(value))]))
})

const deep = (levels: number): unknown => {
  let value: unknown = "leaf"
  for (let i = 0; i < levels; i++) value = [value]
  return value
}

const table = { rows: Array.from({ length: 50 }, (_, i) => ({ id: i, name: `user-${i}`, score: i / 7, ok: i % 2 === 0 })) }

describe("measureBody", () => {
  it("equals what the JSON text measures, for values JSON carries exactly", () => {
    const values = [
      table,
      { text: "naïve café ☕ 🎉 \"quoted\" \\ back\nline\ttab\u0001", "clé ✓": ["ü", "😀"] },
      [1e21, 1.5e-7, -0, 2 ** 53, -123.456, 0.1 + 0.2],
      { a: {}, b: [], c: null, d: [[], {}], e: "" },
      "just text",
      42,
      deep(MAX_DEPTH)
    ]
    for (const data of values) {
      const body = { data, options: { indent: 4, delimiter: "\t" }, "ключ": ["😀", 1.25] }
      expect(measureBody(body)).toEqual(fromText(body))
    }
    // Keys and numbers are cached between walks; the second walk must agree with the first.
    expect(measureBody({ data: table })).toEqual(fromText({ data: table }))
    expect(measureBody({ data: table })).toEqual(fromText({ data: table }))
  })

  it("is undefined for anything whose JSON text would read back differently", () => {
    const sparse = [1, , 3] // eslint-disable-line no-sparse-arrays
    for (const data of [new Date(0), { a: undefined }, [undefined], sparse, Number.NaN, Infinity, 10n, () => 1, Symbol("s")]) {
      expect(measureBody({ data })).toBeUndefined()
    }
    expect(measureBody({ data: new Map() })).toBeUndefined()
    // A null-prototype object is what its text says (nothing inherited): it measures as that text.
    expect(measureBody({ data: Object.create(null) })).toEqual(fromText({ data: {} }))
    expect(measureBody({ data: "\uDBFF" })).toBeUndefined()
    expect(measureBody({ data: deep(MAX_DEPTH + 1) })).toBeUndefined()
    expect(measureBody({ data: deep(MAX_DEPTH) })).toEqual(fromText({ data: deep(MAX_DEPTH) }))
    expect(measureBody([1])).toBeUndefined()
  })

  it("is undefined when Object.prototype has been given an enumerable property", () => {
    const proto = Object.prototype as Record<string, unknown>
    proto.polluted = 1
    try {
      expect(measureBody({ data: { a: 1 } })).toBeUndefined()
    } finally {
      delete proto.polluted
    }
    expect(measureBody({ data: { a: 1 } })).toEqual(fromText({ data: { a: 1 } }))
  })
})
