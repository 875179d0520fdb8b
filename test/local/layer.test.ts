/**
 * `KaizenLocal.layerHttpClient()` as the `HttpClient` under an unchanged `KaizenClient`: every operation,
 * any base URL (and `local`), the client's typed errors for the engine's error answers, and
 * the body kinds a hand-made request can carry.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Stream } from "effect"
import { KaizenClient } from "../../src/KaizenClient.js"
import { LOCAL_BASE_URL } from "../../src/KaizenConfig.js"
import * as KaizenLocal from "../../src/KaizenLocal.js"
import * as EngineHttp from "../../src/local/httpClient.js"
import { engineOverHttp } from "../support/clients.js"

const users = { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }] }

describe("KaizenClient on KaizenLocal.layerHttpClient()", () => {
  it.effect("KaizenClient.layerConfig() works unchanged on the layer", () =>
    Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      const encoded = yield* kaizen.compress({ data: users })
      const decoded = yield* kaizen.decompress({ data: encoded.result })
      expect(decoded.result).toEqual(users)
    }).pipe(Effect.provide(KaizenClient.layerConfig().pipe(Layer.provide(KaizenLocal.layerHttpClient())))))

  for (const baseUrl of [LOCAL_BASE_URL, "https://api.getkaizen.io/", "http://127.0.0.1:1/gateway/kaizen"]) {
    it.effect(`every operation answers with base URL ${baseUrl}`, () =>
      Effect.gen(function*() {
        const kaizen = yield* KaizenClient
        const health = yield* kaizen.health()
        expect(health.status).toBe("ok")
        const compressed = yield* kaizen.compress({ data: users })
        expect((yield* kaizen.decompress({ data: compressed.result })).result).toEqual(users)
        const optimized = yield* kaizen.optimize({ data: users, token_models: ["gpt-4o"] })
        expect(optimized.token_stats).toBeDefined()
        const request = yield* kaizen.optimizeRequest({ prompt: `Users: ${JSON.stringify(users)}`, metadata: { t: 1 } })
        expect(request.meta?.client_metadata).toEqual({ t: 1 })
        expect((yield* kaizen.optimizeResponse({ ktof: compressed.result })).result).toEqual(users)
        const prompt = yield* kaizen.promptsEncode({ prompt: users, schemas: { User: {} } })
        const replay = yield* kaizen.promptsDecode({ ktof: prompt.result, replay_meta: { turn: 1 } })
        expect(replay.result).toEqual(users)
        expect(replay.meta).toEqual({ turn: 1 })
      }).pipe(Effect.provide(engineOverHttp({ baseUrl }))))
  }

  it.effect("the engine's error answers arrive as KaizenAPIError with status and detail", () =>
    Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      const bad = yield* Effect.either(kaizen.decompress({ data: "items[3]: a,b" }))
      expect(Either.isLeft(bad) && bad.left._tag === "KaizenAPIError" && bad.left.statusCode).toBe(400)
      const large = yield* Effect.either(kaizen.compress({ data: { s: "x".repeat(200) } }))
      expect(Either.isLeft(large) && large.left._tag === "KaizenAPIError" && large.left.statusCode).toBe(413)
    }).pipe(Effect.provide(engineOverHttp({}, KaizenLocal.layerHttpClient({ maxBodyBytes: 128 })))))
})

describe("the HttpClient itself", () => {
  const engine = HttpClient.HttpClient.pipe(Effect.provide(KaizenLocal.layerHttpClient()))
  const send = (request: HttpClientRequest.HttpClientRequest) =>
    Effect.flatMap(engine, (client) => client.execute(request))

  it.effect("reads string, byte and streamed bodies alike", () =>
    Effect.gen(function*() {
      const text = "{\"data\":{\"a\":1}}"
      const bytes = new TextEncoder().encode(text)
      const requests = [
        HttpClientRequest.post("/v1/compress").pipe(HttpClientRequest.bodyText(text, "application/json")),
        HttpClientRequest.post("local/v1/compress").pipe(HttpClientRequest.bodyUint8Array(bytes, "application/json")),
        HttpClientRequest.post("http://x/v1/compress").pipe(
          HttpClientRequest.bodyStream(Stream.make(bytes.slice(0, 5), bytes.slice(5)), { contentType: "application/json" })
        )
      ]
      for (const request of requests) {
        const response = yield* send(request)
        expect(response.status).toBe(200)
        expect(response.headers["content-type"]).toBe("application/json")
        expect(((yield* response.json) as { result: string }).result).toBe("a: 1")
      }
    }))

  it.effect("a streamed body over the limit is a 413 without reading all of it", () =>
    Effect.gen(function*() {
      let pulled = 0
      const chunks = Stream.repeatEffect(Effect.sync(() => {
        pulled++
        return new Uint8Array(1024)
      })).pipe(Stream.take(1_000))
      const client = EngineHttp.make({ maxBodyBytes: 4096 })
      const response = yield* client.execute(HttpClientRequest.post("/v1/compress").pipe(HttpClientRequest.bodyStream(chunks)))
      expect(response.status).toBe(413)
      expect(pulled).toBeLessThan(10)
    }))

  it.effect("routes on the path: a base URL's prefix is skipped, unknown routes stay 404", () =>
    Effect.gen(function*() {
      const status = (method: "GET" | "POST", url: string) =>
        Effect.map(send(HttpClientRequest.make(method)(url)), (response) => response.status)
      expect(yield* status("GET", "http://x/gateway/")).toBe(200)
      expect(yield* status("GET", "local")).toBe(200)
      expect(yield* status("POST", "http://x/gateway/v1/unknown")).toBe(404)
      expect(yield* status("POST", "http://x/v2/compress")).toBe(404)
      expect(yield* status("GET", "http://x/gateway/v1/compress")).toBe(405)
    }))

  it.effect("a form-data body is refused as a request error: the engine speaks JSON", () =>
    Effect.gen(function*() {
      const request = HttpClientRequest.post("/v1/compress").pipe(HttpClientRequest.bodyFormData(new FormData()))
      const result = yield* Effect.either(send(request))
      expect(Either.isLeft(result) && result.left._tag).toBe("RequestError")
    }))
})
