/**
 * `countValues` counts a JSON text's values on its bytes, without parsing: what `kaizen serve`
 * bounds memory by (issue 22, item 3). Exact for JSON text, whatever its spacing, escapes and
 * the brackets, quotes and colons inside its strings.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { countValues } from "../src/json/count.js"

/** The values of a parsed JSON value, itself included. */
const valuesOf = (value: unknown): number => {
  if (Array.isArray(value)) return 1 + value.reduce((n: number, item) => n + valuesOf(item), 0)
  if (typeof value === "object" && value !== null) return 1 + Object.values(value).reduce((n: number, item) => n + valuesOf(item), 0)
  return 1
}

describe("countValues", () => {
  it("is the number of values JSON.parse makes, for any JSON text", () => {
    const tricky = fc.constantFrom("[", "]", "{", "}", ":", ",", "\"", "\\", "\\\"", "a\":1,\"", "-1", "true")
    const json = fc.jsonValue({ maxDepth: 4 }).chain((v) => fc.constant(v))
    const value = fc.oneof(json, fc.array(fc.oneof(json, tricky), { maxLength: 5 }), fc.dictionary(fc.oneof(fc.string(), tricky), fc.oneof(json, tricky)))
    fc.assert(
      fc.property(value, fc.constantFrom(undefined, 1, "\t", " \r\n "), (v, space) => {
        const text = JSON.stringify(v, null, space)
        expect(countValues(text)).toBe(valuesOf(JSON.parse(text)))
        expect(countValues(new TextEncoder().encode(text))).toBe(valuesOf(JSON.parse(text)))
      }),
      { numRuns: 1000 }
    )
  })

  it("counts a body of empty objects as what it becomes: 3 bytes on the wire, one object each", () => {
    expect(countValues(`{"data":[${Array(1000).fill("{}").join(",")}]}`)).toBe(1 + 1 + 1000)
    expect(countValues("[[1],[2,[3]],\"]\"]")).toBe(8)
  })
})
