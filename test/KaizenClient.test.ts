import { describe, expect, it } from "@effect/vitest"
import { HttpClient, HttpClientError } from "@effect/platform"
import { Effect, Either, Layer, Schema } from "effect"
import { KaizenClient, KaizenRetry, KaizenSchema } from "../src/index.js"
import type { KaizenAPIError, KaizenRequestError } from "../src/index.js"
import { encodeRequest } from "../src/internal/request.js"
import { clientOver, withMockClient } from "./support/clients.js"
import { json, mockHttp } from "./support/mockHttp.js"
import { Endpoints } from "../src/contract/endpoints.js"


const envelope = (operation: string, result: unknown) => json({ operation, status: "success", result })

// One representative request per operation, with the optional fields the API documents.
const calls = {
  compress: (k: KaizenClient.Service) => k.compress({ data: { users: [{ id: 1 }] }, options: { indent: 2, delimiter: "|" } }),
  decompress: (k: KaizenClient.Service) => k.decompress({ data: "a: 1", options: { strict: false } }),
  optimize: (k: KaizenClient.Service) => k.optimize({ data: [1, 2], token_models: ["gpt-4o"] }),
  optimizeRequest: (k: KaizenClient.Service) =>
    k.optimizeRequest({ prompt: "Summarize {\"a\":1}", metadata: { trace: "t1" }, token_models: ["gpt-4o"] }),
  optimizeResponse: (k: KaizenClient.Service) => k.optimizeResponse({ ktof: "a: 1", options: { indent: 2 } }),
  promptsEncode: (k: KaizenClient.Service) =>
    k.promptsEncode({ prompt: { messages: [{ role: "user", content: "hi" }] }, schemas: { s: {} } }),
  promptsDecode: (k: KaizenClient.Service) => k.promptsDecode({ ktof: "a: 1", replay_meta: { turn: 2 } }),
  health: (k: KaizenClient.Service) => k.health()
} satisfies Record<KaizenSchema.Operation, (k: KaizenClient.Service) => Effect.Effect<unknown, unknown>>

describe("requests", () => {
  for (const [operation, call] of Object.entries(calls) as Array<[KaizenSchema.Operation, typeof calls.compress]>) {
    it.effect(`${operation}: ${Endpoints[operation].method} ${Endpoints[operation].path} with the documented headers`, () =>
      Effect.gen(function*() {
        const response = Endpoints[operation].response === "encode" ? "KTOF" : { a: 1 }
        const { requests } = yield* withMockClient(
          () => operation === "health" ? json({ status: "ok" }) : envelope(operation, response),
          call,
          { apiKey: "sk-test-123", baseUrl: "https://kaizen.example/api/", headers: { "X-Team": "search" } }
        )
        expect(requests).toHaveLength(1)
        const [sent] = requests
        expect(sent!.method).toBe(Endpoints[operation].method)
        // The base URL's own path is kept and the trailing slash does not double up.
        expect(sent!.url).toBe(`https://kaizen.example/api${Endpoints[operation].path}`)
        expect(sent!.headers["x-api-key"]).toBe("sk-test-123")
        expect(sent!.headers["authorization"]).toBe("Bearer sk-test-123")
        expect(sent!.headers["accept"]).toBe("application/json")
        expect(sent!.headers["user-agent"]).toMatch(/^kaizen-effect\/\d+\.\d+\.\d+/)
        expect(sent!.headers["x-team"]).toBe("search")
        expect(sent!.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/)
        if (operation === "health") {
          expect(sent!.body).toBeUndefined()
        } else {
          expect(sent!.headers["content-type"]).toBe("application/json")
          // The body is the request exactly as validated (defaults applied), nothing more.
          const expected = Either.getOrThrow(encodeRequest(operation, requestOf(operation)))
          expect(sent!.body).toBe(expected)
        }
      }))
  }

  it.effect("no key configured: neither auth header is sent", () =>
    Effect.gen(function*() {
      const { requests } = yield* withMockClient(() => envelope("compress", "a: 1"), calls.compress)
      expect(requests[0]!.headers).not.toHaveProperty("x-api-key")
      expect(requests[0]!.headers).not.toHaveProperty("authorization")
    }))

  it.effect("a payload pasted from the docs: auto_detect_json defaults to true, null options dropped, null data kept", () =>
    Effect.gen(function*() {
      // As a Python user would write it: None for the optional fields.
      const pasted = JSON.parse(
        `{"prompt": null, "metadata": null, "options": {"indent": null, "delimiter": "|"}, "token_models": ["gpt-4o-mini"]}`
      )
      const { requests } = yield* withMockClient(() => envelope("prompts.encode", "x"), (k) => k.promptsEncode(pasted))
      expect(JSON.parse(requests[0]!.body!)).toEqual({
        prompt: null,
        options: { delimiter: "|" },
        auto_detect_json: true,
        token_models: ["gpt-4o-mini"]
      })
    }))

  it.effect("a caller's request ID (or the configured one) is sent instead of a fresh UUID", () =>
    Effect.gen(function*() {
      const perCall = yield* withMockClient(() => envelope("compress", "x"), (k) => k.compress({ data: 1 }, { requestId: "job-7" }))
      expect(perCall.requests[0]!.headers["x-request-id"]).toBe("job-7")
      expect(perCall.result.requestId).toBe("job-7")
      const configured = yield* withMockClient(() => envelope("compress", "x"), (k) => k.compress({ data: 1 }), {
        headers: { "X-Request-ID": "fixed-id" }
      })
      expect(configured.requests[0]!.headers["x-request-id"]).toBe("fixed-id")
    }))

  it.effect("two calls get two different request IDs", () =>
    Effect.gen(function*() {
      const { requests } = yield* withMockClient(
        () => envelope("compress", "x"),
        (k) => Effect.zip(k.compress({ data: 1 }), k.compress({ data: 2 }))
      )
      expect(requests[0]!.headers["x-request-id"]).not.toBe(requests[1]!.headers["x-request-id"])
    }))

  it.effect("transformClient middleware sees the finished request", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      yield* withMockClient(() => envelope("compress", "x"), calls.compress, {
        apiKey: "sk-1",
        transformClient: HttpClient.tapRequest((request) =>
          Effect.sync(() => seen.push(request.url, request.headers["x-api-key"] === undefined ? "no key" : "key set"))
        )
      })
      expect(seen).toEqual(["https://api.getkaizen.io/v1/compress", "key set"])
    }))
})

function requestOf(operation: KaizenSchema.BodyOperation): unknown {
  switch (operation) {
    case "compress":
      return { data: { users: [{ id: 1 }] }, options: { indent: 2, delimiter: "|" } }
    case "decompress":
      return { data: "a: 1", options: { strict: false } }
    case "optimize":
      return { data: [1, 2], token_models: ["gpt-4o"] }
    case "optimizeRequest":
      return { prompt: "Summarize {\"a\":1}", metadata: { trace: "t1" }, token_models: ["gpt-4o"] }
    case "optimizeResponse":
      return { ktof: "a: 1", options: { indent: 2 } }
    case "promptsEncode":
      return { prompt: { messages: [{ role: "user", content: "hi" }] }, schemas: { s: {} } }
    case "promptsDecode":
      return { ktof: "a: 1", replay_meta: { turn: 2 } }
  }
}

describe("responses", () => {
  it.effect("unknown fields are kept and both stats spellings decode", () =>
    Effect.gen(function*() {
      const { result } = yield* withMockClient(
        () =>
          json({
            operation: "compress",
            status: "ok",
            result: "a: 1",
            stats: { original_bytes: 10, compressed_bytes: 4, reduction_ratio: 0.6 },
            token_stats: { "gpt-4o": { original: 5, compressed: 3 } },
            brand_new_field: { x: 1 }
          }),
        (k) => k.compress({ data: { a: 1 } })
      )
      expect(result.result).toBe("a: 1")
      expect(result.stats?.compressed_bytes).toBe(4)
      expect(result["brand_new_field"]).toEqual({ x: 1 })
      // requestId is extra information, not part of the server's envelope.
      expect(Object.keys(result)).not.toContain("requestId")
    }))

  it.effect("service-reference token_stats and meta decode", () =>
    Effect.gen(function*() {
      const { result } = yield* withMockClient(
        () =>
          json({
            operation: "prompts.encode",
            status: "success",
            result: "x",
            token_stats: { raw: { "gpt-4o": { tokens: 12, bytes: 40 } }, optimized: { "gpt-4o": { tokens: 7, bytes: 22 } } },
            meta: { auto_detected_json: true, embedded_json_count: 1, replacements: [{ start: 0, end: 4, preview: "{}" }] }
          }),
        (k) => k.promptsEncode({ prompt: "x" })
      )
      expect(result.token_stats).toEqual({
        raw: { "gpt-4o": { tokens: 12, bytes: 40 } },
        optimized: { "gpt-4o": { tokens: 7, bytes: 22 } }
      })
      expect(result.meta?.embedded_json_count).toBe(1)
    }))

  it.effect("decompress accepts the docs' `data` spelling as the result", () =>
    Effect.gen(function*() {
      const { result } = yield* withMockClient(
        () => json({ operation: "decompress", status: "ok", data: { a: [1, 2] } }),
        (k) => k.decompress({ data: "a[2]: 1,2" })
      )
      expect(result.result).toEqual({ a: [1, 2] })
    }))

  it.effect("a caller's Schema decodes the result into their own type", () =>
    Effect.gen(function*() {
      const User = Schema.Struct({ id: Schema.Number, joined: Schema.DateFromString })
      const Users = Schema.Struct({ users: Schema.Array(User) })
      const { result } = yield* withMockClient(
        () => json({ status: "success", result: { users: [{ id: 1, joined: "2024-01-02T00:00:00.000Z" }] } }),
        (k) => k.promptsDecode({ ktof: "users[1]{id,joined}:\n  1,2024-01-02T00:00:00.000Z" }, { schema: Users })
      )
      expect(result.result.users[0]!.joined).toBeInstanceOf(Date)
      expect(result.result.users[0]!.joined.getUTCFullYear()).toBe(2024)
    }))

  it.effect("a result that does not fit the caller's Schema is a KaizenAPIError naming the path", () =>
    Effect.gen(function*() {
      const Users = Schema.Struct({ users: Schema.Array(Schema.Struct({ id: Schema.Number })) })
      const error = yield* withMockClient(
        () => json({ status: "success", result: { users: [{ id: "one" }] } }),
        (k) => k.decompress({ data: "x" }, { schema: Users })
      ).pipe(Effect.flip)
      expect(error._tag).toBe("KaizenAPIError")
      expect(error.message).toContain("result.users[0].id")
    }))

  it.effect("an encode route whose result is missing is a malformed-response KaizenAPIError", () =>
    Effect.gen(function*() {
      const error = yield* withMockClient(() => json({ status: "success" }), (k) => k.compress({ data: 1 })).pipe(
        Effect.flip
      )
      expect(error._tag).toBe("KaizenAPIError")
      expect((error as KaizenAPIError).statusCode).toBe(200)
      expect(error.message).toBe("Kaizen API error 200 on POST /v1/compress: malformed response: result: is missing")
    }))
})

describe("error mapping", () => {
  const failWith = (
    response: () => Response,
    call: (k: KaizenClient.Service) => Effect.Effect<unknown, KaizenAPIError | KaizenRequestError> = calls.promptsEncode
  ) =>
    withMockClient(response, call).pipe(Effect.flip, Effect.map((e) => e as KaizenAPIError | KaizenRequestError))

  it.effect("400 with a string detail", () =>
    Effect.gen(function*() {
      const error = yield* failWith(() => json({ detail: "Invalid KTOF at line 2" }, { status: 400 }), calls.promptsDecode)
      expect(error).toMatchObject({
        _tag: "KaizenAPIError",
        statusCode: 400,
        detail: "Invalid KTOF at line 2",
        message: "Kaizen API error 400 on POST /v1/prompts/decode: Invalid KTOF at line 2"
      })
    }))

  it.effect("401, 404 and 413 keep status, payload and detail", () =>
    Effect.gen(function*() {
      for (const [status, detail] of [[401, "Missing API key"], [404, "Not Found"], [413, "Payload too large"]] as const) {
        const error = (yield* failWith(() => json({ detail, code: "E1" }, { status }))) as KaizenAPIError
        expect(error._tag).toBe("KaizenAPIError")
        expect(error.statusCode).toBe(status)
        expect(error.payload).toEqual({ detail, code: "E1" })
        expect(error.message).toBe(`Kaizen API error ${status} on POST /v1/prompts/encode: ${detail}`)
      }
    }))

  it.effect("422 FastAPI list reads as paths and messages", () =>
    Effect.gen(function*() {
      const error = (yield* failWith(() =>
        json({
          detail: [
            { loc: ["body", "prompt"], msg: "field required", type: "value_error.missing" },
            { loc: ["body", "options", "indent"], msg: "ensure this value is greater than or equal to 1", type: "x" }
          ]
        }, { status: 422 })
      )) as KaizenAPIError
      expect(error.message).toBe(
        "Kaizen API error 422 on POST /v1/prompts/encode: prompt: field required; options.indent: ensure this value is greater than or equal to 1"
      )
      expect(Array.isArray(error.detail)).toBe(true)
    }))

  it.effect("429 carries retryAfter from Retry-After seconds and the request ID", () =>
    Effect.gen(function*() {
      const error = (yield* failWith(() =>
        json({ detail: "Too many requests", request_id: "srv-1" }, { status: 429, headers: { "retry-after": "7" } })
      )) as KaizenAPIError
      expect(error.statusCode).toBe(429)
      expect(error.retryAfter).toBeDefined()
      expect(error.retryAfter!.toJSON()).toEqual({ _id: "Duration", _tag: "Millis", millis: 7000 })
      expect(error.requestId).toBe("srv-1")
    }))

  it.effect("retry-after-ms wins over Retry-After", () =>
    Effect.gen(function*() {
      const error = (yield* failWith(() =>
        json({}, { status: 429, headers: { "retry-after": "7", "retry-after-ms": "250" } })
      )) as KaizenAPIError
      expect(error.retryAfter!.toJSON()).toEqual({ _id: "Duration", _tag: "Millis", millis: 250 })
    }))

  it.effect("500 with JSON", () =>
    Effect.gen(function*() {
      const error = (yield* failWith(() => json({ detail: "boom" }, { status: 500 }))) as KaizenAPIError
      expect(error.statusCode).toBe(500)
      expect(error.message).toBe("Kaizen API error 500 on POST /v1/prompts/encode: boom")
    }))

  it.effect("HTML 502 from a proxy: raw text payload and a readable message", () =>
    Effect.gen(function*() {
      const html = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>nginx</body></html>"
      const error = (yield* failWith(() => new Response(html, { status: 502, headers: { "content-type": "text/html" } }))) as KaizenAPIError
      expect(error.statusCode).toBe(502)
      expect(error.payload).toBe(html)
      expect(error.detail).toBeUndefined()
      expect(error.message).toBe(
        `Kaizen API error 502 on POST /v1/prompts/encode: text/html body (${html.length} bytes): 502 Bad Gateway`
      )
    }))

  it.effect("non-JSON 200 is a KaizenAPIError, not a defect", () =>
    Effect.gen(function*() {
      const error = (yield* failWith(() => new Response("OK", { status: 200, headers: { "content-type": "text/plain" } }))) as KaizenAPIError
      expect(error._tag).toBe("KaizenAPIError")
      expect(error.statusCode).toBe(200)
      expect(error.payload).toBe("OK")
      expect(error.message).toContain("malformed response: the body is not JSON")
    }))

  it.effect("a 200 JSON array or an empty body is a KaizenAPIError", () =>
    Effect.gen(function*() {
      const array = (yield* failWith(() => json([1, 2]))) as KaizenAPIError
      expect(array.message).toContain("expected a JSON object, got an array")
      const empty = (yield* failWith(() => new Response("", { status: 200 }))) as KaizenAPIError
      expect(empty.message).toContain("the body is empty")
    }))

  it.effect("a transport failure is a KaizenRequestError with reason Transport and the cause", () =>
    Effect.gen(function*() {
      const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })
      const failing = Layer.succeed(
        HttpClient.HttpClient,
        HttpClient.make((request) =>
          Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: refused }))
        )
      )
      const error = yield* Effect.flatMap(KaizenClient, calls.compress).pipe(
        Effect.provide(clientOver(failing, { apiKey: "sk-1" })),
        Effect.flip
      )
      expect(error._tag).toBe("KaizenRequestError")
      const requestError = error as KaizenRequestError
      expect(requestError.reason).toBe("Transport")
      expect(requestError.cause).toBe(refused)
      expect(requestError.message).toBe(
        "Kaizen request POST https://api.getkaizen.io/v1/compress failed: connect ECONNREFUSED 127.0.0.1:1"
      )
    }))
})

describe("the package root's KaizenClient", () => {
  it.effect("is the tag itself (yield* KaizenClient) with its constructors declared on it", () =>
    Effect.gen(function*() {
      const { KaizenClient: Root } = yield* Effect.promise(() => import("../src/index.js"))
      const Face = yield* Effect.promise(() => import("../src/KaizenClient.js"))
      expect(Root).toBe(Face.KaizenClient)
      expect(Root.make).toBe(Face.make)
      for (const name of ["layer", "layerConfig", "make"] as const) {
        expect(Object.getOwnPropertyDescriptor(Root, name), name).toBeDefined()
      }
      const mock = mockHttp(() => envelope("compress", "a: 1"))
      const result = yield* Effect.gen(function*() {
        const kaizen = yield* Root
        return yield* kaizen.compress({ data: { a: 1 } })
      }).pipe(Effect.provide(Root.layer({ retry: false }).pipe(Layer.provide(mock.layer))))
      expect(result.result).toBe("a: 1")
    }))
})

describe("a provided rateLimiter", () => {
  it.live("every attempt, each retry too, passes through it instead of the local token bucket", () =>
    Effect.gen(function*() {
      let permits = 0
      const rateLimiter = <A, E, R>(task: Effect.Effect<A, E, R>) =>
        Effect.suspend(() => {
          permits++
          return task
        })
      let answered = 0
      const { requests } = yield* withMockClient(
        () => ++answered === 1 ? json({ detail: "busy" }, { status: 503 }) : envelope("compress", "a: 1"),
        (kaizen) => kaizen.compress({ data: { a: 1 } }),
        { rateLimiter, maxRequestsPerSecond: 1, retry: KaizenRetry.policy({ maxRetries: 2, base: "1 millis" }) }
      )
      expect(requests).toHaveLength(2)
      expect(permits).toBe(2)
    }))
})
