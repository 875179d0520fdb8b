/**
 * Integers exact (issue 22, item 2): an integer literal past 2^53 in a request's text reaches
 * the KTOF digit for digit, as the service's codec (Python) writes it, and is echoed exactly
 * where a request's JSON comes back (`meta`); nothing rounds. The reader behind it
 * (json/parse.ts) is `JSON.parse` for every other text and every error.
 */
import * as fc from "fast-check"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { parseJson, stringifyJson } from "../src/json/parse.js"
import { makeHandler } from "../src/handlers.js"

interface Case {
  readonly id: string
  readonly json: string
  readonly options: { readonly indent: number; readonly delimiter: "," | "\t" | "|"; readonly lengthMarker: false | "#" }
  readonly ktof?: string
}

const cases: ReadonlyArray<Case> = JSON.parse(
  readFileSync(new URL("./fixtures/ktof/reference.json", import.meta.url), "utf8")
).cases

const handle = makeHandler()
const compress = async (body: string) => {
  const answer = await handle({ method: "POST", path: "/v1/compress", body })
  return { status: answer.status, json: JSON.parse(answer.body) }
}

const thrown = (run: () => unknown): string => {
  try {
    run()
    return "no error"
  } catch (error) {
    return String(error)
  }
}

// Rule 1's other half: Python writes a float that is whole as `1000.0`, the engine as `1000`.
// Integers are compared digit for digit.
const longNumbers = (ktof: string) => ktof.replace(/(\d)\.0(?!\d)/g, "$1").match(/-?\d{16,}(?:\.\d+)?/g)

describe("integers past 2^53", () => {
  it("are written as the reference writes them, for every such value of the reference fixtures", async () => {
    const big = cases.filter((c) => /(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/.test(c.json) && c.ktof !== undefined)
    expect(big.length).toBeGreaterThan(10)
    const differ: Array<string> = []
    for (const c of big) {
      const options = { indent: c.options.indent, delimiter: c.options.delimiter, length_marker: c.options.lengthMarker }
      const answer = await compress(`{"data":${c.json},"options":${JSON.stringify(options)}}`)
      // Other rules of dialect.ts may change the layout: the long numbers must be the same.
      if (JSON.stringify(longNumbers(answer.json.result)) !== JSON.stringify(longNumbers(c.ktof!))) differ.push(c.id)
    }
    expect(differ).toEqual([])
  })

  it("keep every digit in the KTOF, the stats and the echoed metadata", async () => {
    const answer = await compress(`{"data":{"a":9007199254740993,"b":[-123456789012345678901234567890,12345678901234567890.0]}}`)
    expect(answer.json.result).toBe("a: 9007199254740993\nb[2]: -123456789012345678901234567890,12345678901234567000")
    // The compact JSON of `data` as the service measures it: the digits as sent.
    expect(answer.json.stats.original_length).toBe(`{"a":9007199254740993,"b":[-123456789012345678901234567890,12345678901234567000]}`.length)
    const echoed = await handle({
      method: "POST",
      path: "/v1/prompts/encode",
      body: `{"prompt":"x","metadata":{"id":18446744073709551617}}`
    })
    expect(echoed.body).toContain(`"client_metadata":{"id":18446744073709551617}`)
    // In a prompt's embedded JSON too.
    const embedded = await handle({ method: "POST", path: "/v1/optimize/request", body: `{"prompt":"see {\\"id\\": 9007199254740993} here"}` })
    expect(JSON.parse(embedded.body).result).toContain("id: 9007199254740993")
  })

  it("refuse to be an indent, naming the value as sent", async () => {
    const answer = await compress(`{"data":1,"options":{"indent":9007199254740993}}`)
    expect(answer.status).toBe(422)
    expect(answer.json.detail).toEqual([
      { loc: ["body", "options", "indent"], msg: "Expected an integer, actual 9007199254740993", type: "value_error" }
    ])
  })
})

describe("the exact reader", () => {
  // Long digit runs (in numbers and in strings) send a text to the reader, not to JSON.parse.
  // Doubles that JSON.stringify writes as integer literals past 2^53 are read as bigints: left out.
  const double = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d) || Number.isSafeInteger(d))
  const long = fc.oneof(fc.constantFrom(1234567890123456, -9007199254740991, 1e300, 0.1234567890123456789), double)
  const value = fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
      { depthSize: "small" },
      fc.oneof(long, fc.string(), fc.constant("12345678901234567"), fc.boolean(), fc.constant(null), fc.constantFrom("__proto__", "a\\\"b", "\u00e9\ud83d\ude00")),
      fc.array(tie("v"), { maxLength: 4 }),
      fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("__proto__", "12345678901234567", "1")), tie("v"), { maxKeys: 4 })
    )
  })).v

  it("reads what JSON.parse reads where no integer passes 2^53, whatever the spacing", () => {
    fc.assert(
      fc.property(value, fc.constantFrom(undefined, 2, "\t"), (v, space) => {
        const text = JSON.stringify(v, null, space) + "\n"
        expect(parseJson(text)).toStrictEqual(JSON.parse(text))
      }),
      { numRuns: 500 }
    )
  })

  it("fails as JSON.parse fails, with its message", () => {
    fc.assert(
      fc.property(value, fc.nat(), fc.constantFrom("", "x", ",", "]", "}", "\"", "1234567890123456789", "\u0001", "-", "01"), (v, at, junk) => {
        const text = JSON.stringify(v)
        const broken = `[9007199254740993,${text.slice(0, at % (text.length + 1))}${junk}${text.slice(at % (text.length + 1))}]`
        expect(thrown(() => parseJson(broken))).toBe(thrown(() => JSON.parse(broken)))
      }),
      { numRuns: 500 }
    )
  })

  it("gives bigints for integers past 2^53 only, and writes them back digit for digit", () => {
    const text = `{"a":[9007199254740991,9007199254740992,-9007199254740993,1e400,1.5e300,100000000000000000000],"__proto__":{"b":123456789012345678901234567890}}`
    const read = parseJson(text) as Record<string, unknown>
    expect(read.a).toEqual([9007199254740991, 9007199254740992n, -9007199254740993n, Infinity, 1.5e300, 100000000000000000000n])
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype)
    expect(Object.keys(read)).toEqual(["a", "__proto__"])
    const back = { ...read, a: (read.a as Array<unknown>).filter((n) => n !== Infinity) }
    expect(stringifyJson(back)).toBe(`{"a":[9007199254740991,9007199254740992,-9007199254740993,1.5e+300,100000000000000000000],"__proto__":{"b":123456789012345678901234567890}}`)
  })
})
