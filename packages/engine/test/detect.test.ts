/**
 * JSON auto-detection on `optimize/request` and `prompts/encode`, and the metadata echoes of
 * the prompt routes. Expected texts are built here from the engine's own `compress` (indent 1)
 * and code-point arithmetic on the prompt.
 */
import { describe, expect, it } from "vitest"
import { findBlocks, PREVIEW_LENGTH } from "../src/detect.js"
import { MAX_DEPTH } from "../src/guard.js"
import { post } from "./support.js"

const points = (s: string) => [...s].length

/** What the engine should answer for `prompt` with the given JSON texts substituted. */
const expectedDetection = async (prompt: string, jsonTexts: ReadonlyArray<string>) => {
    let result = prompt
    let searchFrom = 0
    const replacements = []
    for (const text of jsonTexts) {
      const at = prompt.indexOf(text, searchFrom)
      searchFrom = at + text.length
      const ktof: string = (await post("/v1/compress", { data: JSON.parse(text), options: { indent: 1 } })).json.result
      const start = points(prompt.slice(0, at))
      replacements.push({
        start,
        end: start + points(text),
        original_length: points(text),
        ktof_length: points(ktof),
        preview: [...text].slice(0, PREVIEW_LENGTH).join("")
      })
      result = result.replace(text, ktof)
    }
    return { result, replacements }
}

describe("auto-detection", () => {
  it("finds embedded JSON, substitutes indent-1 KTOF, and reports code-point offsets", async () => {
      const users = JSON.stringify({
        users: Array.from({ length: 6 }, (_, i) => ({ id: i + 1, name: `user-${i + 1}`, active: i % 2 === 0 }))
      })
      const scores = JSON.stringify([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
      const prompt = `🚀 Summarise these users: ${users}\nand these scores (${scores}). Thanks!`
      const expected = await expectedDetection(prompt, [users, scores])
      for (const path of ["/v1/optimize/request", "/v1/prompts/encode"]) {
        const answer = await post(path, { prompt })
        expect(answer.json.result).toBe(expected.result)
        expect(answer.json.meta).toEqual({
          auto_detected_json: true,
          embedded_json_count: 2,
          auto_detection_applied: true,
          segments_schema: "text_with_ktof",
          replacements: expected.replacements
        })
        expect(answer.json.meta.replacements[0].preview).toHaveLength(PREVIEW_LENGTH)
      }
  })

  it("prose without JSON is encoded as one string", async () => {
      const prompt = "Write a haiku about the sea."
      const answer = await post("/v1/optimize/request", { prompt })
      expect(answer.json.result).toBe((await post("/v1/compress", { data: prompt })).json.result)
      expect(answer.json.meta).toEqual({ auto_detected_json: false, embedded_json_count: 0, auto_detection_applied: false })
  })

  it("when the segmented text is not shorter, the plain encoding wins and the replacement metadata goes", async () => {
      const prompt = "As shown in [1], it works."
      const plain: string = (await post("/v1/compress", { data: prompt })).json.result
      const segmented = (await expectedDetection(prompt, ["[1]"])).result
      expect(points(segmented)).toBeGreaterThanOrEqual(points(plain))
      const answer = await post("/v1/optimize/request", { prompt })
      expect(answer.json.result).toBe(plain)
      expect(answer.json.meta).toEqual({ auto_detected_json: true, embedded_json_count: 1, auto_detection_applied: false })
  })

  it("auto_detect_json: false, or a prompt that is not text, skips detection", async () => {
      const prompt = "Data: {\"a\": [1, 2, 3], \"b\": {\"c\": \"long enough to matter here\"}}"
      const off = await post("/v1/optimize/request", { prompt, auto_detect_json: false })
      expect(off.json.result).toBe((await post("/v1/compress", { data: prompt })).json.result)
      expect(off.json.meta.auto_detected_json).toBe(false)
      const object = await post("/v1/optimize/request", { prompt: { text: prompt } })
      expect(object.json.meta.auto_detected_json).toBe(false)
  })

  it("braces in prose, invalid JSON and JSON glued to words are not blocks", () => {
    const cases = [
      "Use {name} as a placeholder",
      "Python dict {'a': 1} is not JSON",
      "Trailing comma {\"a\": 1,} is not JSON",
      "Unquoted {a: 1} neither",
      "Indexing arr[0] and x[1]",
      "glued{\"a\":1} and {\"a\":1}glued",
      "Empty {} and [] carry nothing",
      "Unclosed {\"a\": [1, 2"
    ]
    for (const text of cases) expect({ text, blocks: findBlocks(text) }).toEqual({ text, blocks: [] })
  })

  it("is string-aware: brackets inside JSON strings do not end a block", () => {
    const json = "{\"text\": \"a } and ] and \\\" and { inside\", \"n\": [1, {\"m\": \"]\"}]}"
    const text = `Parse "${json}" please, not {this}.`
    const blocks = findBlocks(text)
    expect(blocks).toHaveLength(1)
    expect(text.slice(blocks[0]!.start, blocks[0]!.end)).toBe(json)
    expect(blocks[0]!.value).toEqual(JSON.parse(json))
  })

  it("keeps the outermost block and finds JSON nested inside non-JSON brackets", () => {
    const inner = "{\"a\": {\"b\": [1, 2]}}"
    expect(findBlocks(`x ${inner} y`).map((b) => b.value)).toEqual([JSON.parse(inner)])
    expect(findBlocks(`{ see ${inner} }`).map((b) => b.value)).toEqual([JSON.parse(inner)])
    expect(findBlocks(`[1, ${inner}, oops]`).map((b) => b.value)).toEqual([JSON.parse(inner)])
  })

  it(`a block nested deeper than ${MAX_DEPTH} levels is not one; its inner values within the limit are`, () => {
    const inner = `${"[".repeat(MAX_DEPTH)}1${"]".repeat(MAX_DEPTH)}`
    const text = `see [${inner}] here`
    expect(findBlocks(text).map((b) => text.slice(b.start, b.end))).toEqual([inner])
  })

  it("20,000 unclosed braces or brackets are read once, and the JSON after them is found", () => {
    const json = "{\"a\": [1, 2, 3], \"b\": \"x\"}"
    for (const noise of ["{".repeat(20_000), "[".repeat(20_000), "{\"a\":".repeat(20_000), "\"{".repeat(20_000)]) {
      // A newline ends any string a stray quote opened: JSON strings cannot hold one.
      const text = `${noise}\n${json} tail`
      const blocks = findBlocks(text)
      expect(blocks.map((b) => text.slice(b.start, b.end))).toEqual([json])
    }
  })

  it("the 20,000-brace prompt through the route", async () => {
      const json = JSON.stringify({ rows: Array.from({ length: 20 }, (_, i) => ({ id: i, label: `row ${i}` })) })
      const prompt = `${"{".repeat(20_000)} ${json}`
      const expected = await expectedDetection(prompt, [json])
      const answer = await post("/v1/optimize/request", { prompt })
      expect(answer.json.result).toBe(expected.result)
      expect(answer.json.meta.replacements).toEqual(expected.replacements)
  })
})

describe("metadata echoes", () => {
  it("metadata is echoed as meta.client_metadata and schemas as meta.schemas", async () => {
      const metadata = { trace_id: "t-1", nested: { n: 1 } }
      const schemas = { User: { type: "object" } }
      const encoded = await post("/v1/prompts/encode", { prompt: { a: 1 }, metadata, schemas })
      expect(encoded.json.operation).toBe("prompts.encode")
      expect(encoded.json.status).toBe("success")
      expect(encoded.json.meta.client_metadata).toEqual(metadata)
      expect(encoded.json.meta.schemas).toEqual(schemas)
      const request = await post("/v1/optimize/request", { prompt: { a: 1 }, metadata })
      expect(request.json.operation).toBe("optimize.request")
      expect(request.json.meta.client_metadata).toEqual(metadata)
  })

  it("prompts/decode merges replay_meta into meta, and client_metadata wins a clash", async () => {
      const body = "{\"ktof\":\"a: 1\",\"replay_meta\":{\"turn\":3,\"client_metadata\":\"from replay\"},\"metadata\":{\"trace_id\":\"t-2\"}}"
      const answer = await post("/v1/prompts/decode", body)
      expect(answer.json.operation).toBe("prompts.decode")
      expect(answer.json.result).toEqual({ a: 1 })
      expect(answer.json.meta).toEqual({ turn: 3, client_metadata: { trace_id: "t-2" } })
      const noClash = await post("/v1/prompts/decode", { ktof: "a: 1", replay_meta: { client_metadata: "kept" } })
      expect(noClash.json.meta).toEqual({ client_metadata: "kept" })
  })

  it("operation names follow the service", async () => {
      const names: Array<[string, unknown, string]> = [
        ["/v1/compress", { data: 1 }, "compress"],
        ["/v1/decompress", { data: "1" }, "decompress"],
        ["/v1/optimize", { data: 1 }, "optimize"],
        ["/v1/optimize/request", { prompt: 1 }, "optimize.request"],
        ["/v1/optimize/response", { ktof: "1" }, "optimize.response"],
        ["/v1/prompts/encode", { prompt: 1 }, "prompts.encode"],
        ["/v1/prompts/decode", { ktof: "1" }, "prompts.decode"]
      ]
      for (const [path, body, operation] of names) {
        const answer = await post(path, body)
        expect(answer.json).toMatchObject({ operation, status: "success" })
      }
  })
})
