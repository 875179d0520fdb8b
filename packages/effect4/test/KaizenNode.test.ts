import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { MockAgent } from "undici"
import { KaizenClient, KaizenError } from "../src/index.js"
import * as KaizenNode from "../src/KaizenNode.js"
import { json, serve } from "./support/server.js"

describe("KaizenNode: the client on undici", () => {
  it.live("a response over maxResponseBytes fails at once as InvalidResponse, not retried", () =>
    Effect.gen(function*() {
      const server = yield* serve((request, response) => json(response, 200, { result: "x".repeat(5000) }))
      for (const transformClient of [undefined, <A>(c: A) => c]) {
        const kaizen = yield* KaizenNode.make({ baseUrl: server.url, maxResponseBytes: 1000, transformClient })
        const error = yield* Effect.flip(kaizen.compress({ data: 1 }))
        expect(error._tag === "KaizenRequestError" && error.reason).toBe("InvalidResponse")
        expect(error.message).toMatch(/maxResponseBytes/)
        expect(KaizenError.isTransient(error)).toBe(false)
      }
      expect(server.requests.length).toBe(2)
    }).pipe(Effect.scoped))

  it.live("headers then a stalled body: the one per-attempt clock still ends it with Timeout", () =>
    Effect.gen(function*() {
      const server = yield* serve((request, response) => {
        response.writeHead(200, { "content-type": "application/json" })
        response.write("{\"result\":")
      })
      const kaizen = yield* KaizenNode.make({ baseUrl: server.url, timeout: "300 millis", retry: false })
      const error = yield* Effect.flip(kaizen.compress({ data: 1 }))
      expect(error._tag === "KaizenRequestError" && error.reason).toBe("Timeout")
    }).pipe(Effect.scoped))

  it.live("the pool is bounded: 12 calls at once over maxConnections 3 use at most 3 sockets", () =>
    Effect.gen(function*() {
      const server = yield* serve(async (request, response) => {
        await new Promise((resolve) => setTimeout(resolve, 20))
        json(response, 200, { result: "ok" })
      })
      const kaizen = yield* KaizenNode.make({ baseUrl: server.url, maxConnections: 3 })
      expect(kaizen.poolSize).toBe(3)
      yield* Effect.forEach(Array.from({ length: 12 }, (_, i) => i), (i) => kaizen.compress({ data: i }), { concurrency: "unbounded" })
      expect(server.requests.length).toBe(12)
      expect(server.sockets()).toBeLessThanOrEqual(3)
    }).pipe(Effect.scoped))

  it.live("closing the layer's scope closes its sockets: a later call fails, nothing is left open", () =>
    Effect.gen(function*() {
      const server = yield* serve()
      const scope = yield* Scope.make()
      const kaizen = yield* Scope.provide(KaizenNode.make({ baseUrl: server.url, retry: false }), scope)
      yield* kaizen.health()
      expect(server.open()).toBe(1)
      yield* Scope.close(scope, Exit.void)
      const error = yield* Effect.flip(kaizen.health())
      expect(error._tag).toBe("KaizenRequestError")
      // The server saw the socket close.
      yield* Effect.promise(() => server.closed(1))
      expect(server.open()).toBe(0)
    }).pipe(Effect.scoped))

  it.live("baseUrl local runs on the engine; a dispatcher of your own (a MockAgent) is used as given", () =>
    Effect.gen(function*() {
      const local = yield* KaizenNode.make({ baseUrl: "local" })
      expect((yield* local.compress({ data: { a: 1 } })).result).toBe("a: 1")
      const agent = new MockAgent()
      agent.disableNetConnect()
      agent.get("http://kaizen.test").intercept({ path: "/v1/compress", method: "POST" }).reply(200, { result: "mocked" })
      const mocked = yield* KaizenNode.make({ baseUrl: "http://kaizen.test", dispatcher: agent })
      expect((yield* mocked.compress({ data: 1 })).result).toBe("mocked")
      expect(mocked.poolSize).toBeUndefined()
      yield* Effect.promise(() => agent.close())
    }).pipe(Effect.scoped))

  it.live("layerConfig reads the environment: the key from KAIZEN_API_KEY, the pool from KAIZEN_MAX_CONNECTIONS", () =>
    Effect.gen(function*() {
      const server = yield* serve()
      const env = { KAIZEN_BASE_URL: server.url, KAIZEN_API_KEY: "sk-from-env", KAIZEN_MAX_CONNECTIONS: "5" }
      const pool = yield* Effect.flatMap(Effect.service(KaizenClient), (k) => Effect.as(k.health(), k.poolSize)).pipe(
        Effect.provide(KaizenNode.layerConfig()),
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))
      )
      expect(pool).toBe(5)
      expect(server.requests[0]!.headers["x-api-key"]).toBe("sk-from-env")
      const bad = yield* Effect.exit(Effect.service(KaizenClient).pipe(
        Effect.provide(KaizenNode.layerConfig()),
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: { KAIZEN_MAX_CONNECTIONS: "0" } })))
      ))
      expect(Exit.isFailure(bad) && String(bad.cause)).toMatch(/KAIZEN_MAX_CONNECTIONS/)
      const ca = yield* Effect.exit(KaizenNode.make({ caFile: "/nonexistent/ca.pem" }))
      expect(Exit.isFailure(ca) && String(ca.cause)).toMatch(/caFile/)
    }).pipe(Effect.scoped))
})
