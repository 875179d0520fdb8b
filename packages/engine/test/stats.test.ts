/**
 * `stats` and `token_stats`, checked against values computed here independently: code-point
 * lengths with `[...s].length`, UTF-8 sizes with `TextEncoder`, token counts with
 * `gpt-tokenizer` called directly.
 */
import { describe, expect, it } from "vitest"
import * as FastCheck from "fast-check"
import * as cl100k from "gpt-tokenizer/encoding/cl100k_base"
import * as o200k from "gpt-tokenizer/encoding/o200k_base"
import * as p50k from "gpt-tokenizer/encoding/p50k_base"
import * as r50k from "gpt-tokenizer/encoding/r50k_base"
import { modelToEncodingMap } from "gpt-tokenizer/mapping"
import * as models from "gpt-tokenizer/models"
import { compare } from "../src/stats.js"
import { encodingForModel, RUN_LIMIT } from "../src/tokens.js"
import { post } from "./support.js"

const points = (s: string) => [...s].length
const bytes = (s: string) => new TextEncoder().encode(s).length
const plain = { disallowedSpecial: new Set<string>() }

const expectedStats = (json: string, ktof: string) => {
  const original = points(json)
  const optimized = points(ktof)
  return {
    original_length: original,
    optimized_length: optimized,
    reduction: original - optimized,
    reduction_ratio: original === 0 ? 0 : (original - optimized) / original
  }
}

describe("stats", () => {
  it("encode routes compare the compact JSON of the input with the KTOF, in code points", async () => {
      const samples = FastCheck.sample(FastCheck.jsonValue({ maxDepth: 3, stringUnit: "grapheme" }), { numRuns: 60, seed: 7 })
      for (const value of [...samples, { "名前": "日本語 🚀", list: ["é", "👩🏽‍💻"] }]) {
        const data = JSON.parse(JSON.stringify(value))
        for (const path of ["/v1/compress", "/v1/optimize"]) {
          const answer = await post(path, { data })
          expect(answer.json.stats).toEqual(expectedStats(JSON.stringify(data), answer.json.result))
        }
        const prompt = await post("/v1/optimize/request", { prompt: data, auto_detect_json: false })
        expect(prompt.json.stats).toEqual(expectedStats(JSON.stringify(data), prompt.json.result))
      }
  })

  it("a text prompt's original is its compact JSON too (quotes and escapes included)", async () => {
      const prompt = "Say \"hi\"\nto 世界 🌍"
      const answer = await post("/v1/prompts/encode", { prompt })
      expect(answer.json.stats).toEqual(expectedStats(JSON.stringify(prompt), answer.json.result))
  })

  it("a longer KTOF is reported honestly, as a negative reduction", async () => {
      const answer = await post("/v1/compress", { data: [] })
      expect(answer.json.stats).toEqual(expectedStats("[]", answer.json.result))
      expect(answer.json.stats.reduction).toBeLessThan(0)
  })

  it("decode routes compare the decoded value's compact JSON with the KTOF given", async () => {
      const ktof = "users[2]{id,name}:\n  1,Zoë\n  2,李\nnote: \"ok 🚀\""
      for (const [path, field] of [["/v1/decompress", "data"], ["/v1/optimize/response", "ktof"], ["/v1/prompts/decode", "ktof"]]) {
        const answer = await post(path!, { [field!]: ktof })
        expect(answer.json.stats).toEqual(expectedStats(JSON.stringify(answer.json.result), ktof))
      }
      const empty = await post("/v1/decompress", { data: "" })
      expect(empty.json.result).toEqual({})
      expect(empty.json.stats).toEqual(expectedStats("{}", ""))
  })

  it("the ratio is 0 when the original is empty", () => {
    expect(compare("", "")).toEqual({ original_length: 0, optimized_length: 0, reduction: 0, reduction_ratio: 0 })
  })
})

describe("token_stats", () => {
  const data = { users: [{ id: 1, name: "Ada Lovelace", note: "naïve café 🚀" }, { id: 2, name: "Grace", note: "日本語" }] }
  const expectedCount = (count: (s: string, o: typeof plain) => number, text: string) => ({
    tokens: count(text, plain),
    bytes: bytes(text)
  })

  it("exact counts per model, from the model's own encoding", async () => {
      const table: Array<[string, (s: string, o: typeof plain) => number]> = [
        ["gpt-4o", o200k.countTokens],
        ["gpt-4o-mini-2024-07-18", o200k.countTokens],
        ["gpt-4.1", o200k.countTokens],
        ["o3-mini", o200k.countTokens],
        ["ft:gpt-4o-mini:acme::abc123", o200k.countTokens],
        ["gpt-4", cl100k.countTokens],
        ["gpt-3.5-turbo", cl100k.countTokens],
        ["text-embedding-3-small", cl100k.countTokens],
        ["text-davinci-003", p50k.countTokens],
        ["davinci", r50k.countTokens]
      ]
      const answer = await post("/v1/optimize", { data, token_models: table.map(([model]) => model) })
      const raw = JSON.stringify(data)
      const ktof: string = answer.json.result
      for (const [model, count] of table) {
        expect(answer.json.token_stats.raw[model]).toEqual(expectedCount(count, raw))
        expect(answer.json.token_stats.optimized[model]).toEqual(expectedCount(count, ktof))
      }
  })

  it("a model the table does not know is an o200k_base estimate, labelled so", async () => {
      const answer = await post("/v1/prompts/encode", { prompt: data, token_models: ["claude-3-5-sonnet", "gpt-4o"] })
      const raw = JSON.stringify(data)
      expect(answer.json.token_stats.raw["claude-3-5-sonnet"]).toEqual({
        ...expectedCount(o200k.countTokens, raw),
        estimated: true,
        encoding: "o200k_base"
      })
      expect(answer.json.token_stats.raw["gpt-4o"]).toEqual(expectedCount(o200k.countTokens, raw))
  })

  it("special-token text is counted as plain text, never refused", async () => {
      const prompt = "Ignore <|endoftext|> and <|im_start|>system<|im_end|> and <|fim_prefix|>"
      const answer = await post("/v1/optimize/request", { prompt, token_models: ["gpt-4", "gpt-4o"] })
      expect(answer.status).toBe(200)
      const raw = JSON.stringify(prompt)
      expect(answer.json.token_stats.raw["gpt-4"]).toEqual(expectedCount(cl100k.countTokens, raw))
      expect(answer.json.token_stats.raw["gpt-4o"]).toEqual(expectedCount(o200k.countTokens, raw))
      // gpt-tokenizer's default refuses such text with an exception: the engine opts out of that.
      expect(() => cl100k.countTokens(raw)).toThrow(/special token/i)
  })

  it("no token_models, no token_stats", async () => {
      expect((await post("/v1/optimize", { data })).json.token_stats).toBeUndefined()
  })

  it("a long input without long runs is still counted exactly", async () => {
      const big = Array.from({ length: 3000 }, (_, i) => ({ id: i, email: `user${i}@example.com`, tags: ["a", "b"] }))
      const answer = await post("/v1/optimize", { data: big, token_models: ["gpt-4o"] })
      expect(answer.json.token_stats.raw["gpt-4o"]).toEqual(expectedCount(o200k.countTokens, JSON.stringify(big)))
      expect(answer.json.token_stats.optimized["gpt-4o"]).toEqual(expectedCount(o200k.countTokens, answer.json.result))
  })

  it(`runs longer than ${RUN_LIMIT} characters are counted in slices and flagged approximate`, async () => {
      // One run of letters, one of astral letters (surrogate pairs), one of CJK.
      for (const run of ["a".repeat(50_000), "𝒜".repeat(3_000), "日本語".repeat(2_000)]) {
        const answer = await post("/v1/optimize", { data: { s: run }, token_models: ["gpt-4o"] })
        const raw = JSON.stringify({ s: run })
        const start = raw.indexOf(run)
        // The documented rule: the run in slices of RUN_LIMIT units (never splitting a pair), the rest whole.
        let expected = o200k.countTokens(raw.slice(0, start), plain) + o200k.countTokens(raw.slice(start + run.length), plain)
        for (let i = start; i < start + run.length;) {
          let stop = Math.min(i + RUN_LIMIT, start + run.length)
          if (/[\uD800-\uDBFF]/.test(raw[stop - 1]!)) stop--
          expected += o200k.countTokens(raw.slice(i, stop), plain)
          i = stop
        }
        expect(answer.json.token_stats.raw["gpt-4o"]).toEqual({ tokens: expected, bytes: bytes(raw), approximate: true })
      }
  })
})

describe("the model table", () => {
  it("agrees with gpt-tokenizer's own model list on every model it ships", () => {
    const names = Object.keys(models)
    expect(names.length).toBeGreaterThan(100)
    for (const name of names) {
      const theirs = (modelToEncodingMap as Record<string, string>)[name] ?? "o200k_base"
      expect({ name, encoding: encodingForModel(name).encoding }).toEqual({ name, encoding: theirs })
    }
  })

  it("knows every model gpt-tokenizer maps away from its default, and the current chat models, exactly", () => {
    const chat = ["gpt-4o", "gpt-4o-mini", "gpt-4.1-nano", "gpt-4.5-preview", "gpt-5", "gpt-5-mini", "o1", "o1-pro", "o3", "o4-mini", "chatgpt-4o-latest"]
    for (const name of [...Object.keys(modelToEncodingMap), ...chat]) {
      expect({ name, exact: encodingForModel(name).exact }).toEqual({ name, exact: true })
    }
    expect(encodingForModel("GPT-4O")).toEqual({ encoding: "o200k_base", exact: true })
    expect(encodingForModel("llama-3-70b")).toEqual({ encoding: "o200k_base", exact: false })
  })
})
