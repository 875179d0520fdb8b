/**
 * The engine against the Kaizen service's codec (the official Python `toon_format`), on the
 * golden fixtures in test/fixtures/ktof/ (written by scripts/ktof-fixtures.py; see the README
 * there). No Python runs here: the fixtures hold the reference's KTOF for each corpus value,
 * its own reading of that text, and its reading of the engine's KTOF for the same value.
 *
 * "The reference round-trips a value" means its `main` snapshot decodes its own KTOF back to
 * the value, or (the bare `-` list item, which `main` reads as `{}`) its 0.9.0-beta.2 snapshot
 * does.
 */
import * as Toon from "@toon-format/toon"
import { describe, expect, it } from "vitest"
import { readFileSync } from "node:fs"
import { isDeepStrictEqual } from "node:util"
import { encode } from "../src/codec.js"
import { fromKaizenLine } from "../src/dialect.js"
import { post, valueOf as successOf } from "./support.js"

interface Case {
  readonly id: string
  readonly json: string
  readonly options: { readonly indent: number; readonly delimiter: "," | "\t" | "|"; readonly lengthMarker: false | "#" }
  readonly ktof?: string
  readonly decoded?: string
  readonly roundTrips: boolean
  readonly roundTripsBeta2?: boolean
  readonly engineKtof?: string
  readonly engineRoundTrips: boolean
  readonly engineDecoded?: string
}

const fixtures: { readonly origin: Record<string, string>; readonly cases: ReadonlyArray<Case> } = JSON.parse(
  readFileSync(new URL("./fixtures/ktof/reference.json", import.meta.url), "utf8")
)
const cases = fixtures.cases
const selfRoundTrips = cases.filter((c) => c.roundTrips || c.roundTripsBeta2 === true)

// JSON's equality: -0 is 0, as both codecs write it; key order aside (JavaScript puts
// integer-like keys first).
const normal = (value: unknown): unknown => JSON.parse(JSON.stringify(value))
const same = (a: unknown, b: unknown): boolean => isDeepStrictEqual(normal(a), normal(b))
const valueOf = (c: Case): unknown => normal(JSON.parse(c.json))
const engineText = (c: Case): string =>
  successOf(encode(JSON.parse(c.json), { ...c.options, lengthMarker: c.options.lengthMarker === "#" }))

// The documented rules of src/dialect.ts, as rewrites of both texts that remove the
// difference each rule allows (rule 1: number spelling; rule 2: quotes around U+FEFF), or as
// the reference layouts rules 6 and 7 replace (a bare `-` item; a list item's first field
// that is a table or list, its lines one level below the hyphen).
const numberToken = /(?<![\w."\\])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w."])/g
const rule1 = (text: string) => text.replace(numberToken, (n) => String(Number(n)))
const rule2 = (text: string) => text.replace(/"(\ufeff[^"\\\n]*|[^"\\\n]*\ufeff)"/g, "$1")
const layoutRules = (reference: string) => /^ *-$/m.test(reference) || /^ *- [^\n]*\]( ?\{[^\n]*\})?:$/m.test(reference)

// Rule 10: JavaScript objects hold integer-like keys ("123") first, whatever the JSON said.
const rule10 = (text: string) => text.split("\n").sort().join("\n")

const explained = (engine: string, reference: string): boolean =>
  engine === reference || rule1(rule2(engine)) === rule1(rule2(reference)) || layoutRules(reference) ||
  rule10(engine) === rule10(reference)

describe(`the engine against the service's codec (${fixtures.origin.reference})`, () => {
  it("the fixtures come from the reference: over 400 values, every delimiter, indent and length marker", () => {
    expect(fixtures.origin.generator).toBe("scripts/ktof-fixtures.py reference")
    expect(fixtures.origin.reference).toContain("toon-python main")
    expect(cases.length).toBeGreaterThanOrEqual(400)
    const options = new Set(cases.map((c) => JSON.stringify(c.options)))
    expect(options.size).toBe(3 * 3 * 2)
    for (const group of ["string", "key", "number", "structure", "random", "file:"]) {
      expect(cases.some((c) => c.id.startsWith(group))).toBe(true)
    }
  })

  it("every fixture's engine text is the one the fixtures recorded (rerun the fixture script when it changes)", () => {
    const stale = cases.filter((c) => engineText(c) !== c.engineKtof).map((c) => c.id)
    expect(stale).toEqual([])
  })

  it("writes what Kaizen reads: the reference decodes the engine's KTOF exactly, for every value it round-trips itself", () => {
    const misread = selfRoundTrips.filter((c) => !c.engineRoundTrips).map((c) => c.id)
    expect(misread).toEqual([])
    // Everywhere else the reference refuses the engine's text with an error (rule 8), never
    // reads it as something else.
    const silent = cases.filter((c) => !c.engineRoundTrips && !c.engineDecoded!.startsWith("ToonDecodeError"))
    expect(silent.map((c) => c.id)).toEqual([])
    expect(selfRoundTrips.length).toBeGreaterThan(1400)
  })

  it("byte-identical to the reference's KTOF unless a rule in src/dialect.ts says otherwise", () => {
    const unexplained = selfRoundTrips.filter((c) => !explained(c.engineKtof!, c.ktof!)).map((c) => c.id)
    expect(unexplained).toEqual([])
    const identical = selfRoundTrips.filter((c) => c.engineKtof === c.ktof).length
    expect(identical / selfRoundTrips.length).toBeGreaterThan(0.9)
  })

  it("the layouts written where the decoders disagree are read identically by both: 2.3.1 reads every engine text as the value", () => {
    const wrong = cases.filter((c) => {
      try {
        const text = engineText(c)
        // Rule 8's blank line is refused in strict mode (as the reference does); read leniently.
        const strict = !/\n *\n/.test(text)
        const read = Toon.decodeFromLines(text.split("\n").map(fromKaizenLine), { indent: c.options.indent, strict })
        return !same(read, valueOf(c))
      } catch {
        return true
      }
    }).map((c) => c.id)
    expect(wrong).toEqual([])
  })

  it("reads what Kaizen writes: every reference text the reference reads correctly, on all three decode routes", async () => {
      const wrong: Array<string> = []
      for (const c of selfRoundTrips) {
        const options = { indent: c.options.indent }
        const routes = [
          post("/v1/decompress", { data: c.ktof, options }),
          post("/v1/optimize/response", { ktof: c.ktof, options }),
          post("/v1/prompts/decode", { ktof: c.ktof, options })
        ]
        for (const route of routes) {
          const answer = await route
          if (answer.status !== 200 || !same(answer.json.result, valueOf(c))) wrong.push(`${c.id}: ${answer.status}`)
        }
      }
      expect(wrong).toEqual([])
  })

  it("both layouts of a list item whose first field is an array, and the bare `-` item, are read", async () => {
      const layouts = [
        { value: [{ rows: [{ a: 1 }, { a: 2 }], id: 1 }], reference: "[1]:\n  - rows[2]{a}:\n    1\n    2\n    id: 1" },
        { value: [{ items: [{ a: 1 }, { b: 2 }], id: 1 }], reference: "[1]:\n  - items[2]:\n    - a: 1\n    - b: 2\n    id: 1" },
        { value: [{ meta: { k: "v" }, id: 1 }], reference: "[1]:\n  -\n    meta:\n      k: v\n    id: 1" }
      ]
      for (const { reference, value } of layouts) {
        // The reference's own text (as the fixtures recorded it)...
        expect(cases.some((c) => c.ktof === reference)).toBe(true)
        expect((await post("/v1/decompress", { data: reference })).json.result).toEqual(value)
        // ...and the engine's, which 2.3.1 reads as well.
        const engine = (await post("/v1/compress", { data: value })).json.result as string
        expect(engine).not.toBe(reference)
        expect((await post("/v1/decompress", { data: engine })).json.result).toEqual(value)
        expect(Toon.decode(engine)).toEqual(value)
      }
  })
})
