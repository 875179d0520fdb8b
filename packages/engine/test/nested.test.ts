/**
 * Arrays inside arrays against Kaizen's decoder (dialect.ts, rule 8), on the fixtures of
 * `python3 scripts/ktof-fixtures.py nested`: each shape (primitive, empty, object and mixed
 * inner arrays; depth 2-4) in four candidate layouts (the spec's, its items one level deeper,
 * the reference's own, and the spec's with rule 8's blank line), each decoded by both
 * reference snapshots. No Python runs here.
 */
import { describe, expect, it } from "vitest"
import { readFileSync } from "node:fs"
import { isDeepStrictEqual } from "node:util"
import { decode, encode } from "../src/codec.js"
import { post, valueOf } from "./support.js"

interface Reading {
  readonly main: string
  readonly mainExact: boolean
  readonly beta2: string
  readonly beta2Exact: boolean
}

interface Case {
  readonly id: string
  readonly shape: string
  readonly json: string
  readonly options: { readonly indent: number; readonly delimiter: "," | "\t" | "|"; readonly lengthMarker: false | "#" }
  readonly candidates: Readonly<Record<"spec" | "deeper" | "reference" | "loud", string | null>>
  readonly readings: Readonly<Record<"spec" | "deeper" | "reference" | "loud", Reading>>
  readonly works: ReadonlyArray<string>
  readonly arrayInArrayAt: string | null
}

const fixtures: { readonly origin: Record<string, string>; readonly cases: ReadonlyArray<Case> } = JSON.parse(
  readFileSync(new URL("./fixtures/ktof/nested.json", import.meta.url), "utf8")
)
const cases = fixtures.cases
const settings = (c: Case) => ({ ...c.options, lengthMarker: c.options.lengthMarker === "#" })
const readable = cases.filter((c) => c.works.length > 0)
const unreadable = cases.filter((c) => c.works.length === 0)

describe("arrays in arrays that Kaizen's decoder reads back (rule 8)", () => {
  it("the fixtures cover every shape in four layouts, decoded by both snapshots", () => {
    expect(fixtures.origin.generator).toBe("scripts/ktof-fixtures.py nested")
    expect(new Set(cases.map((c) => c.shape))).toEqual(new Set(["primitive", "empty", "object", "mixed", "depth3", "depth4"]))
    expect(readable.length).toBeGreaterThanOrEqual(20)
    expect(unreadable.length).toBeGreaterThanOrEqual(50)
  })

  it("writes the spec's layout where both snapshots read it back exactly, and the engine reads it too", () => {
    for (const c of readable) {
      expect({ id: c.id, works: c.works.includes("spec") }).toEqual({ id: c.id, works: true })
      const text = valueOf(encode(JSON.parse(c.json), settings(c)))
      expect({ id: c.id, text }).toEqual({ id: c.id, text: c.candidates.spec })
      // What the reference decodes the engine's text back to is the value.
      expect(JSON.parse(c.readings.spec.main)).toEqual(JSON.parse(c.json))
      expect(JSON.parse(c.readings.spec.beta2)).toEqual(JSON.parse(c.json))
      expect(valueOf(decode(text, { indent: c.options.indent, strict: true }))).toEqual(JSON.parse(c.json))
    }
  })

  it("writes what both snapshots refuse with an error where no layout reads back, and reads it itself", () => {
    for (const c of unreadable) {
      const text = valueOf(encode(JSON.parse(c.json), settings(c)))
      expect({ id: c.id, text }).toEqual({ id: c.id, text: c.candidates.loud })
      const loud = c.readings.loud
      expect({ id: c.id, main: loud.main, beta2: loud.beta2 }).toEqual({
        id: c.id,
        main: "ToonDecodeError: Blank lines not allowed inside arrays",
        beta2: "ToonDecodeError: Blank lines not allowed inside arrays"
      })
      expect(valueOf(decode(text, { indent: c.options.indent, strict: true }))).toEqual(JSON.parse(c.json))
      // No candidate layout reads back in both snapshots.
      expect(c.works).toEqual([])
    }
    // Why not the spec's layout: both snapshots misread it without an error for most shapes.
    const silent = unreadable.filter((c) => {
      const r = c.readings.spec
      const read = (text: string) => !text.startsWith("ToonDecodeError")
      return read(r.main) && !r.mainExact && read(r.beta2) && !r.beta2Exact
    })
    expect(silent.length).toBeGreaterThan(unreadable.length / 2)
    const sample = silent.find((c) => c.json === "[[[1]]]")!
    expect(JSON.parse(sample.readings.spec.main)).toEqual([{ "[1]": {}, "-": [1] }])
  })

  it("round-trips such values through the routes; the blank line is dropped only before `- [N]:`", async () => {
    const data = { m: [[{ a: 1 }], [{ a: 2 }, { b: 3 }]] }
    const compressed = await post("/v1/compress", { data })
    expect(compressed.status).toBe(200)
    expect(compressed.json.result).toBe("m[2]:\n  \n  - [1]:\n    - a: 1\n  \n  - [2]:\n    - a: 2\n    - b: 3")
    const back = await post("/v1/decompress", { data: compressed.json.result })
    expect(back.json.result).toEqual(data)
    // Anywhere else a blank line inside an array is still refused under strict.
    const elsewhere = await post("/v1/decompress", { data: "m[2]:\n  - a: 1\n  \n  - b: 2" })
    expect(elsewhere.status).toBe(400)
    expect(isDeepStrictEqual(valueOf(decode("[2]:\n  - [1]: 1\n  - [0]:", { indent: 2, strict: true })), [[1], []])).toBe(true)
  })
})
