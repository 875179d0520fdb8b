/**
 * The Node transport's resources, observed from a real server on loopback: the pool is bounded,
 * closing the layer closes every socket, a timed-out attempt frees its connection, and a refused
 * connection is a typed error.
 */
import { describe, expect, it } from "@effect/vitest"
import { HttpClient } from "@effect/platform"
import type { HttpClientRequest } from "@effect/platform"
import { ConfigProvider, Effect } from "effect"
import { KaizenClient, KaizenRequestError } from "../../src/index.js"
import * as FaultServer from "../support/faultServer.js"
import { withLoopbackClient, withNodeClient } from "../support/clients.js"
import { failOnUnhandledRejections, failureOf } from "../support/realClient.js"
import * as KaizenNode from "../../src/KaizenNode.js"

failOnUnhandledRejections()

describe("Node transport lifecycle", () => {
  it.scopedLive("closing the layer closes every pooled socket", () =>
    Effect.gen(function*() {
      // Slow enough that the calls overlap and the pool opens several connections.
      const server = yield* FaultServer.make({ fallback: FaultServer.slow(20) })
      const calls = 16
      const openWhileLayerLives = yield* withNodeClient({ baseUrl: server.url }, (kaizen) =>
        Effect.gen(function*() {
          const responses = yield* Effect.all(
            Array.from({ length: calls }, (_, i) => kaizen.compress({ data: { i } })),
            { concurrency: "unbounded" }
          )
          expect(responses.map((r) => r.result)).toEqual(Array(calls).fill("a: 1"))
          return server.socketsOpen()
        }))
      // Keep-alive holds the sockets open while the layer lives, so the count dropping to 0 below
      // is the layer's doing, not the server's.
      expect(openWhileLayerLives).toBeGreaterThan(0)
      expect(server.requests).toHaveLength(calls)
      yield* server.awaitNoOpenSockets()
      expect(server.socketsOpen()).toBe(0)
    }))

  it.scopedLive("200 concurrent calls with maxConnections: 4 use at most 4 connections", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({ fallback: FaultServer.slow(2) })
      const calls = 200
      const results = yield* withNodeClient({ baseUrl: server.url, maxConnections: 4 }, (kaizen) =>
        Effect.all(
          Array.from({ length: calls }, (_, i) => kaizen.compress({ data: { i } })),
          { concurrency: "unbounded" }
        ))
      expect(results).toHaveLength(calls)
      expect(server.requests).toHaveLength(calls)
      expect(server.socketsOpened()).toBeGreaterThanOrEqual(1)
      expect(server.socketsOpened()).toBeLessThanOrEqual(4)
      // One request per connection at a time (no pipelining), so in flight is bounded the same way.
      expect(server.maxInFlight()).toBeLessThanOrEqual(4)
      yield* server.awaitNoOpenSockets()
    }))

  it.scopedLive("a per-attempt timeout from KAIZEN_TIMEOUT fails with Timeout and aborts the request", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({ fallback: FaultServer.hang })
      const env = ConfigProvider.fromMap(
        new Map([["KAIZEN_BASE_URL", server.url], ["KAIZEN_TIMEOUT", "0.3"], ["KAIZEN_MAX_RETRIES", "0"]])
      )
      const error = yield* Effect.gen(function*() {
        const kaizen = yield* KaizenClient
        const error = yield* failureOf(kaizen.compress({ data: { a: 1 } }))
        // Still inside the layer: the connection must close because the attempt was aborted,
        // not because the pool was torn down afterwards.
        yield* server.waitUntil("seeing the timed-out request's connection closed", () =>
          server.requests[0]?.clientClosed === true)
        return error
      }).pipe(Effect.provide(KaizenNode.layerConfig()), Effect.withConfigProvider(env))

      expect(error).toBeInstanceOf(KaizenRequestError)
      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "Timeout", operation: "compress" })
      expect(error.message).toContain("timed out after 300")
      expect(server.requests).toHaveLength(1)
      expect(error.requestId).toBe(server.requests[0]!.requestId)
      yield* server.awaitNoOpenSockets()
    }))

  it.scopedLive("with transformClient middleware (sent through the Node HttpClient): it sees each request, and a timeout still ends the attempt and frees its connection", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({ script: [FaultServer.ok], fallback: FaultServer.hang })
      const seen: Array<string> = []
      const options = {
        timeout: "300 millis",
        retry: false,
        transformClient: HttpClient.tapRequest((request: HttpClientRequest.HttpClientRequest) =>
          Effect.sync(() => seen.push(`${new URL(request.url).pathname} ${request.headers["x-request-id"]}`))
        )
      } as const
      const [response, error] = yield* withLoopbackClient(server, options, (kaizen) =>
        Effect.gen(function*() {
          const response = yield* kaizen.compress({ data: { a: 1 } }, { requestId: "first" })
          const error = yield* failureOf(kaizen.compress({ data: { a: 1 } }, { requestId: "second" }))
          yield* server.waitUntil("seeing the timed-out request's connection closed", () =>
            server.requests[1]?.clientClosed === true)
          return [response, error] as const
        }))
      expect(response.result).toBe("a: 1")
      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "Timeout" })
      expect(error.message).toContain("no complete response")
      expect(seen).toEqual(["/v1/compress first", "/v1/compress second"])
      expect(server.requests.map((r) => r.requestId)).toEqual(["first", "second"])
    }))

  it.live("connection refused is a typed Transport error with a readable message", () =>
    Effect.gen(function*() {
      const port = yield* FaultServer.closedPort
      const error = yield* withNodeClient(
        { baseUrl: `http://127.0.0.1:${port}` },
        (kaizen) => failureOf(kaizen.compress({ data: { a: 1 } }))
      )
      expect(error).toBeInstanceOf(KaizenRequestError)
      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "Transport", operation: "compress" })
      expect(error.message).toContain(`POST http://127.0.0.1:${port}/v1/compress`)
      expect(error.message).toContain("ECONNREFUSED")
    }))
})
