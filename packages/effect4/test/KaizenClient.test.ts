import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { KaizenAPIError, KaizenClient, KaizenConfig, KaizenError, KaizenRequestError, KaizenRetry } from "../src/index.js"
import * as KaizenNode from "../src/KaizenNode.js"
import { json, serve } from "./support/server.js"

// One behaviour on every transport: effect/http's fetch client, the Node layer's direct undici
// exchange, and the Node layer's HttpClient (what `transformClient` middleware wraps).
const transports = {
  "HttpClient (FetchHttpClient)": (options: KaizenConfig.Options) =>
    KaizenClient.make(options).pipe(Effect.provide(FetchHttpClient.layer)),
  "KaizenNode (undici)": (options: KaizenConfig.Options) => KaizenNode.make(options),
  "KaizenNode (undici, as an HttpClient)": (options: KaizenConfig.Options) =>
    KaizenNode.make({ ...options, transformClient: (client) => client })
}

const failure = <A>(effect: Effect.Effect<A, KaizenError.KaizenError>) =>
  Effect.flatMap(Effect.flip(effect), (error) => Effect.succeed(error))

const data = { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }] }
const ktof = "users[2]{id,name}:\n  1,Ada\n  2,Grace"

describe.each(Object.entries(transports))("KaizenClient on %s, a real server on 127.0.0.1", (_name, client) => {
  it.live("the eight operations, answered by the engine behind a real socket", () =>
    Effect.gen(function*() {
      const server = yield* serve()
      const kaizen = yield* client({ baseUrl: server.url, apiKey: "sk-test" })
      const compressed = yield* kaizen.compress({ data })
      expect(compressed.result).toBe(ktof)
      const decompressed = yield* kaizen.decompress({ data: compressed.result })
      expect(decompressed.result).toEqual(data)
      expect((yield* kaizen.optimize({ data })).result).toBe(ktof)
      const request = yield* kaizen.optimizeRequest({ prompt: data })
      expect(request.result).toBe(ktof)
      expect((yield* kaizen.optimizeResponse({ ktof })).result).toEqual(data)
      const encoded = yield* kaizen.promptsEncode({ prompt: data, metadata: { trace: "t1" } })
      expect(encoded.result).toBe(ktof)
      const decoded = yield* kaizen.promptsDecode({ ktof: encoded.result, replay_meta: { turn: 3 } })
      expect(decoded.result).toEqual(data)
      const health = yield* kaizen.health()
      expect(health.status).toBe("ok")
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        "POST /v1/compress",
        "POST /v1/decompress",
        "POST /v1/optimize",
        "POST /v1/optimize/request",
        "POST /v1/optimize/response",
        "POST /v1/prompts/encode",
        "POST /v1/prompts/decode",
        "GET /"
      ])
    }).pipe(Effect.scoped))

  it.live("sends the key, the request ID, JSON headers, and gives the request ID back beside the envelope", () =>
    Effect.gen(function*() {
      const server = yield* serve()
      const kaizen = yield* client({ baseUrl: server.url, apiKey: "sk-test", headers: { "X-Team": "search" } })
      const response = yield* kaizen.compress({ data: [1] }, { requestId: "job-1", headers: { "X-Tenant": "acme" } })
      const sent = server.requests[0]!
      expect(sent.headers["x-api-key"]).toBe("sk-test")
      expect(sent.headers["authorization"]).toBe("Bearer sk-test")
      expect(sent.headers["x-request-id"]).toBe("job-1")
      expect(sent.headers["x-team"]).toBe("search")
      expect(sent.headers["x-tenant"]).toBe("acme")
      expect(sent.headers["content-type"]).toBe("application/json")
      expect(sent.headers["user-agent"]).toMatch(/^kaizen-effect\//)
      expect(JSON.parse(sent.body)).toEqual({ data: [1] })
      expect(response.requestId).toBe("job-1")
      expect(Object.keys(response)).not.toContain("requestId")
      // Without one given, each call gets a fresh UUID.
      const fresh = yield* kaizen.health()
      expect(fresh.requestId).toMatch(/^[0-9a-f-]{36}$/)
    }).pipe(Effect.scoped))

  it.live("a decode route decodes result with the caller's Schema", () =>
    Effect.gen(function*() {
      const server = yield* serve()
      const kaizen = yield* client({ baseUrl: server.url })
      const Users = Schema.Struct({ users: Schema.Array(Schema.Struct({ id: Schema.Number, name: Schema.String })) })
      const typed = yield* kaizen.decompress({ data: ktof }, { schema: Users })
      expectTypeOf(typed.result).toEqualTypeOf<{ readonly users: ReadonlyArray<{ readonly id: number; readonly name: string }> }>()
      expect(typed.result.users[1]!.name).toBe("Grace")
      const wrong = yield* failure(kaizen.decompress({ data: "a: 1" }, { schema: Users }))
      expect(wrong._tag).toBe("KaizenAPIError")
      expect(wrong.message).toMatch(/malformed response: result\.users/)
    }).pipe(Effect.scoped))

  it.live("an invalid request is refused before sending, with every problem and its path", () =>
    Effect.gen(function*() {
      const server = yield* serve()
      const kaizen = yield* client({ baseUrl: server.url })
      const indent = yield* failure(kaizen.compress({ data: 1, options: { indent: 0 } }))
      expect(indent).toBeInstanceOf(KaizenRequestError)
      expect(indent._tag === "KaizenRequestError" && indent.reason).toBe("InvalidRequest")
      expect(indent.message).toBe("Invalid compress request (nothing was sent): options.indent: indent must be a whole number >= 1")
      const nan = yield* failure(kaizen.compress({ data: { a: [1, Number.NaN] } }))
      expect(nan.message).toMatch(/data\.a\[1\]: /)
      const typo = yield* failure(kaizen.compress({ data: 1, optons: {} } as never))
      expect(typo.message).toMatch(/optons: is unexpected/)
      const missing = yield* failure(kaizen.decompress({} as never))
      expect(missing.message).toMatch(/data: Field required/)
      const header = yield* failure(kaizen.health({ headers: { "X-Bad": "a\nb" } }))
      expect(header.message).toMatch(/a line break/)
      // Null in an optional field is dropped, as the Python client drops None.
      yield* kaizen.optimizeRequest({ prompt: "hi", metadata: null } as never)
      expect(server.requests.length).toBe(1)
    }).pipe(Effect.scoped))

  it.live("an API error carries status, detail, payload, redacted headers and the request ID", () =>
    Effect.gen(function*() {
      const server = yield* serve((request, response) =>
        json(response, 401, { detail: "Invalid API key", request_id: "srv-1" }, { "set-cookie": "s=1" })
      )
      const kaizen = yield* client({ baseUrl: server.url, apiKey: "sk-wrong" })
      const error = yield* failure(kaizen.compress({ data: 1 }))
      expect(error).toBeInstanceOf(KaizenAPIError)
      if (error._tag !== "KaizenAPIError") return
      expect(error.statusCode).toBe(401)
      expect(error.detail).toBe("Invalid API key")
      expect(error.requestId).toBe("srv-1")
      expect(error.headers["set-cookie"]).toBe("<redacted>")
      expect(error.message).toBe("Kaizen API error 401 on POST /v1/compress: Invalid API key")
      expect(JSON.stringify(error)).not.toContain("sk-wrong")
      expect(KaizenError.isTransient(error)).toBe(false)
      // 401 is not transient: one request only.
      expect(server.requests.length).toBe(1)
    }).pipe(Effect.scoped))

  it.live("the engine's 422 and 400 come back as typed API errors with FastAPI's detail", () =>
    Effect.gen(function*() {
      const server = yield* serve()
      const kaizen = yield* client({ baseUrl: server.url })
      const bad = yield* failure(kaizen.decompress({ data: "items[2]: a" }))
      expect(bad._tag === "KaizenAPIError" && bad.statusCode).toBe(400)
    }).pipe(Effect.scoped))

  it.live("retries a 503 by default and succeeds; the same request ID on every attempt", () =>
    Effect.gen(function*() {
      const server = yield* serve((request, response, index) =>
        index === 0 ? json(response, 503, { detail: "busy" }) : json(response, 200, { status: "ok", result: "a: 1" })
      )
      const kaizen = yield* client({ baseUrl: server.url })
      const response = yield* kaizen.compress({ data: { a: 1 } })
      expect(response.result).toBe("a: 1")
      expect(server.requests.length).toBe(2)
      expect(server.requests[0]!.headers["x-request-id"]).toBe(server.requests[1]!.headers["x-request-id"])
    }).pipe(Effect.scoped))

  it.live("honours Retry-After, and gives back a wait longer than maxRetryAfter at once", () =>
    Effect.gen(function*() {
      const server = yield* serve((request, response, index) =>
        index === 0
          ? json(response, 429, { detail: "slow down" }, { "retry-after-ms": "30" })
          : index === 1
          ? json(response, 200, { result: "a: 1" })
          : json(response, 429, { detail: "come back tomorrow" }, { "retry-after": "86400" })
      )
      const kaizen = yield* client({ baseUrl: server.url, retry: KaizenRetry.policy({ base: "1 millis" }) })
      expect((yield* kaizen.compress({ data: { a: 1 } })).result).toBe("a: 1")
      const later = yield* failure(kaizen.compress({ data: { a: 1 } }))
      expect(later._tag === "KaizenAPIError" && later.statusCode).toBe(429)
      expect(KaizenRetry.retryAfterOf(later)?.toString()).toMatch(/86400/)
      expect(server.requests.length).toBe(3)
    }).pipe(Effect.scoped))

  it.live("gives up after maxRetries on a transient status", () =>
    Effect.gen(function*() {
      const server = yield* serve((request, response) => json(response, 502, { detail: "bad gateway" }))
      const kaizen = yield* client({ baseUrl: server.url, retry: KaizenRetry.policy({ maxRetries: 3, base: "1 millis" }) })
      const error = yield* failure(kaizen.health())
      expect(error._tag === "KaizenAPIError" && error.statusCode).toBe(502)
      expect(server.requests.length).toBe(4)
    }).pipe(Effect.scoped))

  it.live("never follows a redirect (the key would go along)", () =>
    Effect.gen(function*() {
      const server = yield* serve((request, response) => {
        response.writeHead(302, { location: "http://elsewhere.example/v1/compress" })
        response.end()
      })
      const kaizen = yield* client({ baseUrl: server.url, apiKey: "sk-test", retry: false })
      const error = yield* failure(kaizen.compress({ data: 1 }))
      expect(error._tag === "KaizenAPIError" && error.statusCode).toBe(302)
      expect(error.message).toMatch(/redirect to http:\/\/elsewhere\.example/)
      expect(server.requests.length).toBe(1)
    }).pipe(Effect.scoped))

  it.live("a server that never answers times out with reason Timeout", () =>
    Effect.gen(function*() {
      const server = yield* serve(() => {})
      const kaizen = yield* client({ baseUrl: server.url, timeout: "300 millis", retry: false })
      const error = yield* failure(kaizen.compress({ data: 1 }))
      expect(error._tag === "KaizenRequestError" && error.reason).toBe("Timeout")
      expect(KaizenError.isTransient(error)).toBe(true)
    }).pipe(Effect.scoped))

  it.live("a vanished server is a transient Transport error", () =>
    Effect.gen(function*() {
      const url = yield* Effect.scoped(Effect.map(serve(), (server) => server.url))
      const kaizen = yield* client({ baseUrl: url, retry: false })
      const error = yield* failure(kaizen.health())
      expect(error._tag === "KaizenRequestError" && error.reason).toBe("Transport")
      expect(KaizenError.isTransient(error)).toBe(true)
    }).pipe(Effect.scoped))

  it.live("a 200 that is not the envelope is a malformed-response API error", () =>
    Effect.gen(function*() {
      const server = yield* serve((request, response) => {
        response.writeHead(200, { "content-type": "text/html" })
        response.end("<html><title>Gateway</title></html>")
      })
      const kaizen = yield* client({ baseUrl: server.url })
      const error = yield* failure(kaizen.compress({ data: 1 }))
      expect(error._tag === "KaizenAPIError" && error.statusCode).toBe(200)
      expect(error.message).toMatch(/malformed response: the body is not JSON/)
    }).pipe(Effect.scoped))

  it.effect("the error channel is exactly KaizenRequestError | KaizenAPIError, for every operation", () =>
    Effect.sync(() => {
      type Errors<F> = F extends (...args: never) => Effect.Effect<unknown, infer E, infer R> ? [E, R] : never
      type Exact = [KaizenRequestError | KaizenAPIError, never]
      expectTypeOf<Errors<KaizenClient.Service["compress"]>>().toEqualTypeOf<Exact>()
      expectTypeOf<Errors<KaizenClient.Service["optimize"]>>().toEqualTypeOf<Exact>()
      expectTypeOf<Errors<KaizenClient.Service["optimizeRequest"]>>().toEqualTypeOf<Exact>()
      expectTypeOf<Errors<KaizenClient.Service["promptsEncode"]>>().toEqualTypeOf<Exact>()
      expectTypeOf<Errors<KaizenClient.Service["health"]>>().toEqualTypeOf<Exact>()
      type DecodeErrors<F> = F extends { (...args: infer _A): Effect.Effect<unknown, infer E, infer R> } ? [E, R] : never
      expectTypeOf<DecodeErrors<KaizenClient.Service["decompress"]>>().toEqualTypeOf<Exact>()
      expectTypeOf<DecodeErrors<KaizenClient.Service["optimizeResponse"]>>().toEqualTypeOf<Exact>()
      expectTypeOf<DecodeErrors<KaizenClient.Service["promptsDecode"]>>().toEqualTypeOf<Exact>()
      const handled = Effect.flatMap(Effect.service(KaizenClient), (k) => k.compress({ data: 1 })).pipe(
        Effect.catchTags({
          KaizenAPIError: (e) => Effect.succeed(e.statusCode),
          KaizenRequestError: (e) => Effect.succeed(e.reason)
        })
      )
      type Handled = typeof handled
      expectTypeOf<Effect.Error<Handled>>().toEqualTypeOf<never>()
      expectTypeOf<Effect.Services<Handled>>().toEqualTypeOf<KaizenClient>()
    }))

  it.effect("layer and layerConfig build the tag; a bad option fails the layer with a ConfigError naming it", () =>
    Effect.gen(function*() {
      const built = yield* Effect.exit(
        Effect.provide(Effect.service(KaizenClient), KaizenClient.layer({ timeout: -1 }).pipe(Layer.provide(FetchHttpClient.layer)))
      )
      expect(Exit.isFailure(built)).toBe(true)
      expect(String(Exit.isFailure(built) ? built.cause : "")).toMatch(/timeout/)
      const fromConfig = yield* Effect.provide(
        Effect.map(Effect.service(KaizenClient), (k) => k.config.baseUrl),
        KaizenClient.layerConfig(Config.succeed({ baseUrl: "http://127.0.0.1:1/" })).pipe(Layer.provide(FetchHttpClient.layer))
      )
      expect(fromConfig).toBe("http://127.0.0.1:1")
    }))
})
