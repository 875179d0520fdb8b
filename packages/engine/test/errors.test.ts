/**
 * The engine's error answers, as the FastAPI service gives them: 422 lists in the contract's
 * words, 400 for KTOF that does not decode, 404, 405, 413.
 */
import { describe, expect, it } from "vitest"
import type { ValidationItem } from "../src/errors.js"
import { makeHandler } from "../src/handlers.js"
import { call, post } from "./support.js"

// The service's error body: `detail` is a string or a list of items with loc, msg and type
// (the library's contract test checks the same answers against openapi.json).
const decodeErrorBody = (json: any): { readonly detail: string | ReadonlyArray<ValidationItem> } => {
  const detail = json?.detail
  const isItem = (item: any) =>
    Array.isArray(item?.loc) && typeof item.msg === "string" && typeof item.type === "string"
  if (typeof detail === "string" || (Array.isArray(detail) && detail.every(isItem))) return { detail }
  throw new Error(`not an error body: ${JSON.stringify(json)}`)
}

describe("422: the request does not fit its model", () => {
  it("a missing field is FastAPI's \"Field required\"", async () => {
      const answer = await post("/v1/optimize/request", { metadata: { a: 1 } })
      expect(answer.status).toBe(422)
      expect(answer.json).toEqual({ detail: [{ loc: ["body", "prompt"], msg: "Field required", type: "missing" }] })
  })

  it("every problem is listed, each with loc, msg and type, in the contract's words", async () => {
      const answer = await post("/v1/prompts/encode", {
        prompt: "x",
        options: { indent: 0, delimiter: ";" },
        auto_detect_json: "yes",
        metadata: "trace-1",
        token_models: "gpt-4o"
      })
      expect(answer.status).toBe(422)
      const body = decodeErrorBody(answer.json)
      const items = body.detail as ReadonlyArray<ValidationItem>
      expect(items.map((item) => item.loc)).toEqual([
        ["body", "options", "indent"],
        ["body", "options", "delimiter"],
        ["body", "auto_detect_json"],
        ["body", "metadata"],
        ["body", "token_models"]
      ])
      expect(items[0]!.msg).toBe("indent must be a whole number >= 1")
      expect(items[3]!.msg).toContain("must be a JSON object")
      for (const item of items) expect(item.type).toMatch(/^[a-z_]+$/)
  })

  it("the 422 list follows the Schema: the engine refuses what the client refuses (unknown fields aside: the service's model ignores them)", async () => {
      const bad = [
        ["/v1/compress", {}],
        ["/v1/compress", { data: 1, options: { indent: 1.5 } }],
        ["/v1/decompress", { data: 5 }],
        ["/v1/optimize", { data: 1, token_models: ["gpt-4o", 7] }],
        ["/v1/optimize/response", { ktof: 7 }],
        ["/v1/prompts/decode", { ktof: "a: 1", replay_meta: [1] }],
        ["/v1/prompts/decode", { ktof: "a: 1", options: { strict: "no" } }]
      ] as const
      for (const [path, body] of bad) {
        const answer = await post(path, body)
        expect({ path, status: answer.status }).toEqual({ path, status: 422 })
        expect(decodeErrorBody(answer.json).detail).not.toHaveLength(0)
      }
      expect((await post("/v1/optimize", { data: 1, token_models: ["gpt-4o", 7] })).json.detail[0].loc)
        .toEqual(["body", "token_models", 1])
  })

  it("unknown fields are ignored and null optional fields accepted, as Pydantic does", async () => {
      const answer = await post("/v1/compress", { data: { a: 1 }, options: { indent: null, delimiter: null }, extra: true, trace: null })
      expect(answer.status).toBe(200)
      expect(answer.json.result).toBe("a: 1")
  })

  it("a body that is missing, not UTF-8, not JSON, or not an object", async () => {
      const empty = await call("POST", "/v1/compress")
      expect(empty.status).toBe(422)
      expect(empty.json.detail[0]).toEqual({ loc: ["body"], msg: "Field required", type: "missing" })

      const invalid = await post("/v1/compress", "{bad")
      expect(invalid.status).toBe(422)
      expect(invalid.json.detail[0]).toMatchObject({ loc: ["body", 1], msg: "JSON decode error", type: "json_invalid" })
      const truncated = await post("/v1/compress", "{\"data\": [1,")
      expect(truncated.json.detail[0]).toMatchObject({ loc: ["body", 12], type: "json_invalid" })

      const raw = await makeHandler()({ method: "POST", path: "/v1/compress", body: new Uint8Array([0x7b, 0xff, 0x7d]) })
      const notUtf8 = { status: raw.status, body: JSON.parse(raw.body) }
      expect(notUtf8.status).toBe(422)
      expect(notUtf8.body.detail[0].type).toBe("json_invalid")

      const array = await post("/v1/compress", [1, 2])
      expect(array.status).toBe(422)
      expect(array.json.detail[0].loc).toEqual(["body"])
  })
})

describe("other errors", () => {
  it("400 with a detail string for KTOF that does not decode", async () => {
      for (const [path, body] of [
        ["/v1/decompress", { data: "items[2]: a" }],
        ["/v1/optimize/response", { ktof: "a: \"unterminated" }],
        ["/v1/prompts/decode", { ktof: "[x]: 1" }]
      ] as const) {
        const answer = await post(path, body)
        expect(answer.status).toBe(400)
        expect(typeof decodeErrorBody(answer.json).detail).toBe("string")
        expect(answer.json.detail).toMatch(/^Invalid KTOF: .+/)
      }
  })

  it("404 for unknown routes, whatever the method", async () => {
      for (const [method, path] of [["POST", "/v1/unknown"], ["GET", "/v2/compress"], ["POST", "/v1/compress/extra"]]) {
        const answer = await call(method!, path!)
        expect(answer.status).toBe(404)
        expect(answer.json).toEqual({ detail: "Not Found" })
      }
  })

  it("405 with Allow for a known route and the wrong method", async () => {
      const get = await call("GET", "/v1/compress")
      expect(get.status).toBe(405)
      expect(get.json).toEqual({ detail: "Method Not Allowed" })
      expect(get.headers.allow).toBe("POST")
      const post = await call("POST", "/")
      expect(post.status).toBe(405)
      expect(post.headers.allow).toBe("GET, HEAD")
  })

  it("413 above the configured body limit, before anything is parsed", async () => {
      const options = { maxBodyBytes: 64 }
      const small = await post("/v1/compress", { data: "x" }, options)
      expect(small.status).toBe(200)
      const large = await post("/v1/compress", { data: "x".repeat(100) }, options)
      expect(large.status).toBe(413)
      expect(large.json.detail).toContain("64 bytes")
      // Over the limit and not JSON either: the size is judged first.
      expect((await post("/v1/compress", "{".repeat(65), options)).status).toBe(413)
  })

  it("the query string is ignored when routing", async () => {
      expect((await post("/v1/compress?debug=1", { data: 1 })).status).toBe(200)
  })
})
