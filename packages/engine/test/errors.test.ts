/**
 * The engine's error answers, as the FastAPI service gives them: 422 lists derived from the
 * contract's Schemas, 400 for KTOF that does not decode, 404, 405, 413.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as KaizenSchema from "../../src/KaizenSchema.js"
import { makeHandler } from "../../src/local/handlers.js"
import { call, post } from "./support.js"

const decodeErrorBody = Schema.decodeUnknownSync(KaizenSchema.ErrorBody)

describe("422: the request does not fit its model", () => {
  it.effect("a missing field is FastAPI's \"Field required\"", () =>
    Effect.gen(function*() {
      const answer = yield* post("/v1/optimize/request", { metadata: { a: 1 } })
      expect(answer.status).toBe(422)
      expect(answer.json).toEqual({ detail: [{ loc: ["body", "prompt"], msg: "Field required", type: "missing" }] })
    }))

  it.effect("every problem is listed, each with loc, msg and type, in the contract's words", () =>
    Effect.gen(function*() {
      const answer = yield* post("/v1/prompts/encode", {
        prompt: "x",
        options: { indent: 0, delimiter: ";" },
        auto_detect_json: "yes",
        metadata: "trace-1",
        token_models: "gpt-4o"
      })
      expect(answer.status).toBe(422)
      const body = decodeErrorBody(answer.json)
      const items = body.detail as ReadonlyArray<typeof KaizenSchema.ValidationErrorItem.Type>
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
    }))

  it.effect("the 422 list follows the Schema: the engine refuses what the client refuses (unknown fields aside: the service's model ignores them)", () =>
    Effect.gen(function*() {
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
        const answer = yield* post(path, body)
        expect({ path, status: answer.status }).toEqual({ path, status: 422 })
        expect(decodeErrorBody(answer.json).detail).not.toHaveLength(0)
      }
      expect((yield* post("/v1/optimize", { data: 1, token_models: ["gpt-4o", 7] })).json.detail[0].loc)
        .toEqual(["body", "token_models", 1])
    }))

  it.effect("unknown fields are ignored and null optional fields accepted, as Pydantic does", () =>
    Effect.gen(function*() {
      const answer = yield* post("/v1/compress", { data: { a: 1 }, options: { indent: null, delimiter: null }, extra: true, trace: null })
      expect(answer.status).toBe(200)
      expect(answer.json.result).toBe("a: 1")
    }))

  it.effect("a body that is missing, not UTF-8, not JSON, or not an object", () =>
    Effect.gen(function*() {
      const empty = yield* call("POST", "/v1/compress")
      expect(empty.status).toBe(422)
      expect(empty.json.detail[0]).toEqual({ loc: ["body"], msg: "Field required", type: "missing" })

      const invalid = yield* post("/v1/compress", "{bad")
      expect(invalid.status).toBe(422)
      expect(invalid.json.detail[0]).toMatchObject({ loc: ["body", 1], msg: "JSON decode error", type: "json_invalid" })
      const truncated = yield* post("/v1/compress", "{\"data\": [1,")
      expect(truncated.json.detail[0]).toMatchObject({ loc: ["body", 12], type: "json_invalid" })

      const notUtf8 = yield* Effect.map(
        makeHandler()({ method: "POST", path: "/v1/compress", body: new Uint8Array([0x7b, 0xff, 0x7d]) }),
        (answer) => ({ status: answer.status, body: JSON.parse(answer.body) })
      )
      expect(notUtf8.status).toBe(422)
      expect(notUtf8.body.detail[0].type).toBe("json_invalid")

      const array = yield* post("/v1/compress", [1, 2])
      expect(array.status).toBe(422)
      expect(array.json.detail[0].loc).toEqual(["body"])
    }))
})

describe("other errors", () => {
  it.effect("400 with a detail string for KTOF that does not decode", () =>
    Effect.gen(function*() {
      for (const [path, body] of [
        ["/v1/decompress", { data: "items[2]: a" }],
        ["/v1/optimize/response", { ktof: "a: \"unterminated" }],
        ["/v1/prompts/decode", { ktof: "[x]: 1" }]
      ] as const) {
        const answer = yield* post(path, body)
        expect(answer.status).toBe(400)
        expect(typeof decodeErrorBody(answer.json).detail).toBe("string")
        expect(answer.json.detail).toMatch(/^Invalid KTOF: .+/)
      }
    }))

  it.effect("404 for unknown routes, whatever the method", () =>
    Effect.gen(function*() {
      for (const [method, path] of [["POST", "/v1/unknown"], ["GET", "/v2/compress"], ["POST", "/v1/compress/extra"]]) {
        const answer = yield* call(method!, path!)
        expect(answer.status).toBe(404)
        expect(answer.json).toEqual({ detail: "Not Found" })
      }
    }))

  it.effect("405 with Allow for a known route and the wrong method", () =>
    Effect.gen(function*() {
      const get = yield* call("GET", "/v1/compress")
      expect(get.status).toBe(405)
      expect(get.json).toEqual({ detail: "Method Not Allowed" })
      expect(get.headers.allow).toBe("POST")
      const post = yield* call("POST", "/")
      expect(post.status).toBe(405)
      expect(post.headers.allow).toBe("GET, HEAD")
    }))

  it.effect("413 above the configured body limit, before anything is parsed", () =>
    Effect.gen(function*() {
      const options = { maxBodyBytes: 64 }
      const small = yield* post("/v1/compress", { data: "x" }, options)
      expect(small.status).toBe(200)
      const large = yield* post("/v1/compress", { data: "x".repeat(100) }, options)
      expect(large.status).toBe(413)
      expect(large.json.detail).toContain("64 bytes")
      // Over the limit and not JSON either: the size is judged first.
      expect((yield* post("/v1/compress", "{".repeat(65), options)).status).toBe(413)
    }))

  it.effect("the query string is ignored when routing", () =>
    Effect.gen(function*() {
      expect((yield* post("/v1/compress?debug=1", { data: 1 })).status).toBe(200)
    }))
})
