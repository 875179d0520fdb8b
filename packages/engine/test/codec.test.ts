/**
 * Fixed cases of the KTOF codec through the engine's routes: quoting, Unicode, numbers,
 * empty containers, nested arrays, the `#` length marker, strict and non-strict decoding, and
 * the inputs that must be refused cleanly (deep nesting, lone surrogates, runaway output).
 */
import { describe, expect, it } from "vitest"
import { MAX_KTOF_CHARS } from "../src/codec.js"
import { fromKaizenLine } from "../src/dialect.js"
import { MAX_DEPTH } from "../src/guard.js"
import { call, post } from "./support.js"

const delimiters = [",", "\t", "|"] as const

/** Encodes then decodes through the routes; returns the KTOF and what came back. */
const roundTrip = async (data: unknown, options: Record<string, unknown> = {}) => {
    const encoded = await post("/v1/compress", { data, options })
    expect(encoded.status).toBe(200)
    const ktof: string = encoded.json.result
    const indent = options.indent
    const decoded = await post("/v1/decompress", { data: ktof, options: indent === undefined ? {} : { indent } })
    expect(decoded.status).toBe(200)
    return { ktof, back: decoded.json.result }
}

const nested = (depth: number, leaf: unknown, wrap: (inner: unknown) => unknown): unknown => {
  let value = leaf
  for (let i = 0; i < depth; i++) value = wrap(value)
  return value
}

describe("quoting", () => {
  const tricky = [
    "",
    " padded ",
    "true",
    "null",
    "42",
    "-7",
    "1e5",
    "05",
    "a:b",
    "a,b",
    "a|b",
    "a\tb",
    "- item",
    "[3]: x",
    "{x}",
    "say \"hi\"",
    "back\\slash",
    "line\nbreak",
    "carriage\rreturn",
    "\u0001control",
    "#comment"
  ]

  it("strings that look like syntax survive, as values and as keys, with every delimiter", async () => {
      for (const delimiter of delimiters) {
        const data = {
          values: tricky,
          rows: tricky.map((s, i) => ({ id: i, s })),
          keys: Object.fromEntries(tricky.map((s, i) => [s, i]))
        }
        const { back } = await roundTrip(data, { delimiter })
        expect(back).toEqual(data)
      }
  })

  it("literal-like strings are quoted, literals are not", async () => {
      const { ktof } = await roundTrip({ s: "true", b: true, n: 42, t: "42", z: null })
      expect(ktof.split("\n")).toEqual(["s: \"true\"", "b: true", "n: 42", "t: \"42\"", "z: null"])
  })
})

describe("Unicode", () => {
  it("non-ASCII text, astral characters and combining marks round-trip unescaped", async () => {
      const data = { "名前": "日本語のテキスト", emoji: "👩🏽‍💻 🚀", combining: "e\u0301", math: "𝒜𝒷𝒸", rtl: "مرحبا" }
      const { ktof, back } = await roundTrip(data)
      expect(back).toEqual(data)
      expect(ktof).toContain("日本語のテキスト")
      expect(ktof).toContain("👩🏽‍💻")
  })
})

describe("numbers", () => {
  it("exponents, fractions and integers keep their values", async () => {
      const data = [1e21, 1.5e300, 0.1, 1e-7, 5e-324, -3.25, 0, 123456789, Number.MAX_SAFE_INTEGER]
      const { back } = await roundTrip(data)
      expect(back).toEqual(data)
  })

  it("integers beyond 2^53 come back as JSON.parse reads them (the engine runs on JS numbers)", async () => {
      const body = "{\"data\":[12345678901234567890,9007199254740993]}"
      const encoded = await post("/v1/compress", body)
      const decoded = await post("/v1/decompress", { data: encoded.json.result })
      expect(decoded.json.result).toEqual(JSON.parse(body).data)
  })

  it("-0 comes back as 0: TOON, like JSON.stringify, writes it as 0", async () => {
      const encoded = await post("/v1/compress", "{\"data\":{\"z\":-0}}")
      expect(encoded.json.result).toBe("z: 0")
      const decoded = await post("/v1/decompress", { data: encoded.json.result })
      expect(Object.is(decoded.json.result.z, 0)).toBe(true)
  })
})

describe("containers", () => {
  it("empty containers round-trip, and empty arrays use the service's [0] header", async () => {
      for (const delimiter of delimiters) {
        for (const data of [{}, [], { a: {} }, { a: [] }, [[]], [{}], [[], {}], { a: [{ b: [] }] }, ""]) {
          const { ktof, back } = await roundTrip(data, { delimiter })
          expect(back).toEqual(data)
          expect(ktof).not.toMatch(/: \[\]$/m)
        }
      }
  })

  it("an empty array is written [0] with the delimiter and length marker in the header", async () => {
      const plain = await post("/v1/compress", { data: { tags: [] } })
      expect(plain.json.result).toBe("tags[0]:")
      const piped = await post("/v1/compress", { data: { tags: [] }, options: { delimiter: "|", length_marker: true } })
      expect(piped.json.result).toBe("tags[#0|]:")
      const root = await post("/v1/compress", { data: [] })
      expect(root.json.result).toBe("[0]:")
  })

  it("nested and mixed arrays round-trip with every delimiter and indent", async () => {
      const data = {
        matrix: [[1, 2], [3], []],
        deep: [[[1, [2, [3]]]]],
        mixed: [1, "two", { three: 3 }, [4, 5], null, { six: [6, { seven: 7 }] }],
        table: [{ id: 1, name: "a" }, { id: 2, name: "b" }],
        ragged: [{ id: 1 }, { id: 2, extra: true }]
      }
      for (const delimiter of delimiters) {
        for (const indent of [1, 2, 4]) {
          const { back } = await roundTrip(data, { delimiter, indent })
          expect(back).toEqual(data)
        }
      }
  })
})

describe("length marker", () => {
  const data = {
    tags: ["a", "b"],
    rows: [{ id: 1, v: "x" }, { id: 2, v: "y" }],
    list: [{ a: 1 }, { b: [1, 2] }],
    grid: [[1, 2], [3]],
    empty: [],
    text: "a[#2]: b",
    "k[2]": [1]
  }

  it("true and \"#\" write every array header as [#N]; false and \"\" do not", async () => {
      const plain = (await post("/v1/compress", { data })).json.result as string
      const headers = plain.split("\n").filter((line) => /\[\d/.test(line) && !line.startsWith("text:"))
      for (const marker of [true, "#"]) {
        const marked = (await post("/v1/compress", { data, options: { length_marker: marker } })).json.result as string
        // The same text, with a # after the [ of each header and nowhere else.
        const unmarked = marked.split("\n").map((line) => line.startsWith("text:") ? line : line.replace(/\[#(\d)/g, "[$1"))
        expect(unmarked.join("\n")).toBe(plain)
        expect(unmarked.filter((line, i) => line !== marked.split("\n")[i])).toHaveLength(headers.length)
        expect(marked).toContain("text: \"a[#2]: b\"")
      }
      for (const marker of [false, ""]) {
        expect((await post("/v1/compress", { data, options: { length_marker: marker } })).json.result).toBe(plain)
      }
  })

  it("[#N] headers are read back on every route and with every delimiter", async () => {
      for (const delimiter of delimiters) {
        const encoded = await post("/v1/compress", { data, options: { length_marker: "#", delimiter } })
        for (const [path, field] of [["/v1/decompress", "data"], ["/v1/optimize/response", "ktof"], ["/v1/prompts/decode", "ktof"]]) {
          const decoded = await post(path!, { [field!]: encoded.json.result })
          expect(decoded.json.result).toEqual(data)
        }
      }
  })

  it("[#N] written by hand, including list items and root arrays, decodes", async () => {
      const cases: Array<[string, unknown]> = [
        ["[#3]: 1,2,3", [1, 2, 3]],
        ["items[#2]:\n  - [#1]: x\n  - k[#0]:", { items: [["x"], { k: [] }] }],
        ["\"a b\"[#2|]{x|y}:\n  1|2\n  3|4", { "a b": [{ x: 1, y: 2 }, { x: 3, y: 4 }] }],
        ["note: see [#3] below", { note: "see [#3] below" }]
      ]
      for (const [ktof, expected] of cases) {
        expect((await post("/v1/decompress", { data: ktof })).json.result).toEqual(expected)
      }
  })

  it("the [#N] rewrite touches only header positions, and reads long lines in one pass", () => {
    expect(fromKaizenLine("  - key[#2]: a,b")).toBe("  - key[2]: a,b")
    expect(fromKaizenLine("my key[#2|]{a|b}:")).toBe("my key[2|]{a|b}:")
    expect(fromKaizenLine("\"k[#1]\"[#1]: x")).toBe("\"k[#1]\"[1]: x")
    for (const line of ["a: [#1]", "a,b[#2]", "  \"x\",y[#3]: z", `${" \t".repeat(100_000)}a: [#1]`]) {
      expect(fromKaizenLine(line)).toBe(line)
    }
  })

  it("any other string is refused with a 422 on length_marker", async () => {
      const answer = await post("/v1/compress", { data: [1], options: { length_marker: "yes" } })
      expect(answer.status).toBe(422)
      expect(answer.json.detail[0].loc).toEqual(["body", "options", "length_marker"])
  })
})

describe("strict decoding", () => {
  const cases = [
    ["tags[3]: a,b", { tags: ["a", "b"] }],
    ["a:\n   b: 1", { a: { b: 1 } }],
    ["rows[2]{x}:\n  1\n\n  2", { rows: [{ x: 1 }, { x: 2 }] }]
  ] as const

  it("is the default, and refuses wrong counts, odd indentation and blank lines with a 400", async () => {
      for (const [ktof] of cases) {
        for (const options of [{}, { strict: true }]) {
          const answer = await post("/v1/decompress", { data: ktof, options })
          expect(answer.status).toBe(400)
          expect(answer.json.detail).toMatch(/^Invalid KTOF: /)
        }
      }
  })

  it("strict: false reads them leniently", async () => {
      for (const [ktof, expected] of cases) {
        const answer = await post("/v1/decompress", { data: ktof, options: { strict: false } })
        expect(answer.status).toBe(200)
        expect(answer.json.result).toEqual(expected)
      }
  })

  it("the indent option must match the encoder's", async () => {
      const encoded = await post("/v1/compress", { data: { a: { b: { c: 1 } } }, options: { indent: 4 } })
      expect((await post("/v1/decompress", { data: encoded.json.result, options: { indent: 4 } })).json.result)
        .toEqual({ a: { b: { c: 1 } } })
      expect((await post("/v1/decompress", { data: encoded.json.result, options: { indent: 3 } })).status).toBe(400)
  })
})

describe("limits", () => {
  const shapes: Array<[string, (inner: unknown) => unknown]> = [
    ["objects", (inner) => ({ a: inner })],
    ["arrays", (inner) => [inner, 1]],
    ["lists of objects", (inner) => [{ x: inner, y: 1 }]]
  ]

  it(`values nested ${MAX_DEPTH} levels deep round-trip`, async () => {
      for (const [, wrap] of shapes) {
        // "lists of objects" adds two levels per wrap.
        const data = nested(wrap === shapes[2]![1] ? MAX_DEPTH / 2 : MAX_DEPTH, 1, wrap)
        const { back } = await roundTrip(data)
        expect(back).toEqual(data)
      }
  })

  it(`a value nested deeper than ${MAX_DEPTH} levels is a 422 naming the place, never a crash`, async () => {
      for (const depth of [MAX_DEPTH + 1, 100_000]) {
        // Built as text: JSON.stringify itself cannot write 100,000 levels.
        const body = `{"data":${"[".repeat(depth)}1${"]".repeat(depth)}}`
        const answer = await post("/v1/compress", body)
        expect(answer.status).toBe(422)
        const [item] = answer.json.detail
        expect(item.msg).toContain(`nested more than ${MAX_DEPTH} levels deep`)
        expect(item.loc.slice(0, 3)).toEqual(["body", "data", 0])
        expect(item.loc).toHaveLength(2 + MAX_DEPTH)
      }
  })

  it("KTOF indented, or decoding to a value nested, deeper than the limit is a 400", async () => {
      const lines = Array.from({ length: MAX_DEPTH + 2 }, (_, i) => `${"  ".repeat(i)}k:`)
      const indented = await post("/v1/decompress", { data: lines.join("\n") })
      expect(indented.status).toBe(400)
      expect(indented.json.detail).toContain(`more than ${MAX_DEPTH} levels`)
      // Line depth within the limit, value depth one past it: the decoded value is refused.
      const single = (await post("/v1/compress", { data: nested(MAX_DEPTH, 1, (inner) => [inner]) })).json.result
      // The root array's header `[1]:` becomes the field `a[1]:`: one level more.
      const wrapped = `a${single as string}`
      const deep = await post("/v1/decompress", { data: wrapped })
      expect(deep.status).toBe(400)
      expect(deep.json.detail).toContain(`nested more than ${MAX_DEPTH} levels deep`)
  })

  it("lone surrogates in values, keys or KTOF are refused with a clear message", async () => {
      const cases: Array<[string, string, unknown]> = [
        ["/v1/compress", "{\"data\":{\"s\":\"a\\ud800b\"}}", ["body", "data", "s"]],
        ["/v1/compress", "{\"data\":{\"\\udc00\":1}}", ["body", "data"]],
        ["/v1/optimize/request", "{\"prompt\":\"\\ud83d\"}", ["body", "prompt"]],
        ["/v1/decompress", "{\"data\":\"s: \\udfff\"}", ["body", "data"]]
      ]
      for (const [path, body, loc] of cases) {
        const answer = await post(path, body)
        expect(answer.status).toBe(422)
        expect(answer.json.detail[0].loc).toEqual(loc)
        expect(answer.json.detail[0].msg).toContain("lone surrogate")
      }
      // A well-formed pair is fine.
      expect((await post("/v1/compress", "{\"data\":\"\\ud83d\\ude80\"}")).json.result).toBe("🚀")
      // Escaped in the KTOF itself: the codec refuses it as invalid KTOF.
      const escaped = await post("/v1/decompress", { data: "s: \"\\ud800\"" })
      expect(escaped.status).toBe(400)
  })

  it("an indent that would blow the output up is refused on options.indent", async () => {
      const data = nested(40, 1, (inner) => ({ a: inner }))
      const indent = Math.ceil(MAX_KTOF_CHARS / 40)
      const answer = await post("/v1/compress", { data, options: { indent } })
      expect(answer.status).toBe(422)
      expect(answer.json.detail[0].loc).toEqual(["body", "options", "indent"])
  })

  it("HEAD / answers like GET, without a body", async () => {
      const answer = await call("HEAD", "/")
      expect(answer.status).toBe(200)
      expect(answer.json).toBeUndefined()
  })
})
