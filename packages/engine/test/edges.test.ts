/**
 * The contract's edge cases on the engine's routes: the empty KTOF document, numbers that
 * overflow a double anywhere in a request, and `reduction_ratio` when the KTOF is the longer
 * text.
 */
import { describe, expect, it } from "vitest"
import { post } from "./support.js"

describe("the empty KTOF document", () => {
  it("is `{}` on all three decode routes, as the service's model allows (`toon_format.encode({}) == \"\"`)", async () => {
      const answers = [
        await post("/v1/decompress", { data: "" }),
        await post("/v1/optimize/response", { ktof: "" }),
        await post("/v1/prompts/decode", { ktof: "" })
      ]
      for (const answer of answers) {
        expect(answer.status).toBe(200)
        expect(answer.json.result).toEqual({})
        expect(answer.json.stats).toEqual({ original_length: 2, optimized_length: 0, reduction: 2, reduction_ratio: 1 })
      }
      // And it is what `{}` encodes to.
      expect((await post("/v1/compress", { data: {} })).json.result).toBe("")
  })
})

describe("numbers past the double range", () => {
  it("are a 422 naming their path, wherever they are in the request", async () => {
      const cases: Array<[string, string, ReadonlyArray<string | number>]> = [
        ["/v1/compress", "{\"data\": 1e400}", ["body", "data"]],
        ["/v1/compress", "{\"data\": {\"a\": [1, {\"b\": -1e400}]}}", ["body", "data", "a", 1, "b"]],
        ["/v1/optimize", "{\"data\": [2e308]}", ["body", "data", 0]],
        ["/v1/prompts/encode", "{\"prompt\": \"x\", \"schemas\": {\"s\": 1e999}}", ["body", "schemas", "s"]],
        ["/v1/prompts/decode", "{\"ktof\": \"a: 1\", \"replay_meta\": {\"t\": 1e400}}", ["body", "replay_meta", "t"]],
        ["/v1/decompress", "{\"data\": \"a: 1\", \"options\": {\"indent\": 1e400}}", ["body", "options", "indent"]]
      ]
      for (const [path, body, loc] of cases) {
        const answer = await post(path, body)
        expect({ path, status: answer.status }).toEqual({ path, status: 422 })
        expect(answer.json.detail).toEqual([
          { loc, msg: expect.stringContaining("too large for a double"), type: "finite_number" }
        ])
      }
  })

  it("inside a text prompt's embedded JSON, leave that block as prose, word for word", async () => {
      const prompt = "big: {\"n\": 1e400, \"list\": [1, 2, 3, 4, 5, 6, 7, 8]} and more"
      const answer = await post("/v1/optimize/request", { prompt })
      expect(answer.status).toBe(200)
      expect(answer.json.meta.embedded_json_count).toBe(0)
      expect((await post("/v1/optimize/response", { ktof: answer.json.result })).json.result).toBe(prompt)
  })

  it("a literal past the double range inside KTOF is a string, as both decoders read it", async () => {
      const answer = await post("/v1/decompress", { data: "a: 1e400" })
      expect(answer.json.result).toEqual({ a: "1e400" })
  })
})

describe("reduction_ratio", () => {
  it("is negative when the KTOF is longer than the JSON: reduction / original_length, reported as it is", async () => {
      // `[[]]` is 4 characters of JSON and `[1]:\n  - [0]:` in KTOF.
      const answer = await post("/v1/compress", { data: [[]] })
      const { optimized_length, original_length, reduction, reduction_ratio } = answer.json.stats
      expect(optimized_length).toBeGreaterThan(original_length)
      expect(reduction).toBe(original_length - optimized_length)
      expect(reduction_ratio).toBe(reduction / original_length)
      expect(reduction_ratio).toBeLessThan(0)
  })
})
