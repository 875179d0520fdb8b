/**
 * KaizenCache in this process's memory, over a real recording server on 127.0.0.1: what is
 * sent, what is shared (single-flight), what is kept, and how a hit shows.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as TestClock from "effect/testing/TestClock"
import * as Tracer from "effect/Tracer"
import { KaizenClient } from "../../src/index.js"
import * as KaizenCache from "../../src/KaizenCache.js"
import { json } from "../support/server.js"
import { cached, envelope, holding, untilRequests } from "./support/cached.js"

const counts = Effect.all({
  hits: Effect.map(Metric.value(KaizenCache.hits), (s) => s.count),
  misses: Effect.map(Metric.value(KaizenCache.misses), (s) => s.count)
})

describe("KaizenCache.layer (memory)", () => {
  it.effect("a repeated call is answered from memory: one request, marked, counted", () =>
    Effect.gen(function*() {
      const { kaizen, server } = yield* cached()
      const before = yield* counts
      const first = yield* kaizen.compress({ data: { a: 1 } }, { requestId: "first" })
      const second = yield* kaizen.compress({ data: { a: 1 } }, { requestId: "second" })
      const after = yield* counts
      expect(server.requests).toHaveLength(1)
      expect(second).toEqual(first)
      expect(JSON.stringify(second)).toBe(JSON.stringify(first))
      expect([KaizenCache.isCached(first), KaizenCache.isCached(second)]).toEqual([false, true])
      // The ID on the wire for the call that sent; the ID the hit would have sent for the other.
      expect(server.requests[0]!.headers["x-request-id"]).toBe("first")
      expect([first.requestId, second.requestId]).toEqual(["first", "second"])
      expect([after.hits - before.hits, after.misses - before.misses]).toEqual([1, 1])
    }))

  it.effect("the key: operation, data order, options and token_models count; field order, nulls and headers do not", () =>
    Effect.gen(function*() {
      const { kaizen, server } = yield* cached()
      yield* kaizen.optimize({ data: { a: 1, b: 2 }, options: { indent: 2, delimiter: "|" } })
      // Same meaning: top-level and options order, a null optional field, other headers and IDs.
      yield* kaizen.optimize({ options: { delimiter: "|", indent: 2 }, data: { a: 1, b: 2 } }, { headers: { "x-team": "b" } })
      yield* kaizen.optimize({ data: { a: 1, b: 2 }, options: { indent: 2, delimiter: "|" }, token_models: null } as never)
      expect(server.requests).toHaveLength(1)
      // Different meaning: key order inside data, options, token_models, the operation.
      yield* kaizen.optimize({ data: { b: 2, a: 1 }, options: { indent: 2, delimiter: "|" } })
      yield* kaizen.optimize({ data: { a: 1, b: 2 }, options: { indent: 4, delimiter: "|" } })
      yield* kaizen.optimize({ data: { a: 1, b: 2 }, options: { indent: 2, delimiter: "|" }, token_models: ["gpt-4o"] })
      yield* kaizen.compress({ data: { a: 1, b: 2 }, options: { indent: 2, delimiter: "|" } })
      expect(server.requests.map((r) => r.path)).toEqual([
        "/v1/optimize",
        "/v1/optimize",
        "/v1/optimize",
        "/v1/optimize",
        "/v1/compress"
      ])
    }))

  it.effect("concurrent identical calls share one request, also on a miss (single-flight)", () =>
    Effect.gen(function*() {
      // No time to live: an answer is shared only while in flight, so one request means the ten
      // calls were joined to it.
      const held = holding()
      const { kaizen, server } = yield* cached(held.handler, KaizenCache.layer({ timeToLive: 0 }))
      const calls = yield* Effect.forkChild(
        Effect.all(Array.from({ length: 10 }, () => kaizen.promptsEncode({ prompt: "same" })), { concurrency: "unbounded" })
      )
      yield* untilRequests(server, 1)
      held.release()
      const responses = yield* Fiber.join(calls)
      expect(server.requests).toHaveLength(1)
      expect(new Set(responses.map((r) => r.result)).size).toBe(1)
      expect(responses.filter((r) => !KaizenCache.isCached(r))).toHaveLength(1)
    }))

  it.effect("a caller that gives up does not cancel the request the others share", () =>
    Effect.gen(function*() {
      const held = holding()
      const { kaizen, server } = yield* cached(held.handler)
      const leader = yield* Effect.forkChild(kaizen.compress({ data: "x" }))
      yield* untilRequests(server, 1)
      const follower = yield* Effect.forkChild(kaizen.compress({ data: "x" }))
      yield* Effect.yieldNow
      yield* Fiber.interrupt(leader)
      expect(Exit.hasInterrupts(yield* Fiber.await(leader))).toBe(true)
      held.release()
      const joined = yield* Fiber.join(follower)
      const later = yield* kaizen.compress({ data: "x" })
      expect(joined.result).toBe('ktof of {"data":"x"}')
      expect(server.requests).toHaveLength(1)
      expect([KaizenCache.isCached(joined), KaizenCache.isCached(later)]).toEqual([true, true])
    }))

  it.effect("errors are never kept: a failed call is sent again", () =>
    Effect.gen(function*() {
      const { kaizen, server } = yield* cached((request, response, index) =>
        index === 0 ? json(response, 503, { detail: "busy" }) : envelope(request, response, index)
      )
      const first = yield* Effect.exit(kaizen.compress({ data: [1] }))
      expect(Exit.isFailure(first)).toBe(true)
      const second = yield* kaizen.compress({ data: [1] })
      const third = yield* kaizen.compress({ data: [1] })
      expect(server.requests).toHaveLength(2)
      expect([KaizenCache.isCached(second), KaizenCache.isCached(third)]).toEqual([false, true])
    }))

  it.effect("a request that is not plain JSON goes to the client uncached, and the client judges it", () =>
    Effect.gen(function*() {
      const { kaizen, server } = yield* cached()
      const refused = yield* Effect.flip(kaizen.compress({ data: { n: Number.NaN } }))
      expect(refused._tag).toBe("KaizenRequestError")
      const sparse = yield* Effect.flip(kaizen.compress({ data: [1, , 2] }))
      expect(sparse._tag).toBe("KaizenRequestError")
      expect(server.requests).toHaveLength(0)
    }))

  it.effect("decode routes and health pass through", () =>
    Effect.gen(function*() {
      const { kaizen, server } = yield* cached((_request, response) => json(response, 200, { status: "success", result: { a: 1 } }))
      yield* kaizen.decompress({ data: "a: 1" })
      yield* kaizen.decompress({ data: "a: 1" })
      yield* kaizen.health()
      expect(server.requests).toHaveLength(3)
    }))

  it.effect("answers expire after timeToLive and the least recently used go past capacity", () =>
    Effect.gen(function*() {
      const { kaizen, server } = yield* cached(envelope, KaizenCache.layer({ capacity: 2, timeToLive: "1 minute" }), {
        timeout: "1 hour"
      })
      yield* kaizen.compress({ data: 1 })
      yield* kaizen.compress({ data: 1 })
      expect(server.requests).toHaveLength(1)
      yield* TestClock.adjust("61 seconds")
      yield* kaizen.compress({ data: 1 })
      expect(server.requests).toHaveLength(2)
      yield* kaizen.compress({ data: 2 })
      yield* kaizen.compress({ data: 3 })
      // 1 was used longest ago: dropped for 3.
      yield* kaizen.compress({ data: 1 })
      expect(server.requests).toHaveLength(5)
    }))

  it.effect("shared answers cannot be changed by one caller for the next", () =>
    Effect.gen(function*() {
      const { kaizen } = yield* cached((_request, response) =>
        json(response, 200, { status: "success", result: "a: 1", stats: { original_bytes: 10, compressed_bytes: 5 } })
      )
      const first = yield* kaizen.compress({ data: 1 })
      ;(first as { result: string }).result = "changed"
      expect(() => {
        ;(first.stats as { original_bytes: number }).original_bytes = 0
      }).toThrow(TypeError)
      const second = yield* kaizen.compress({ data: 1 })
      expect(second.result).toBe("a: 1")
    }))

  it.effect("a hit shows on its span; the request's own span is the child of the call that sent it", () =>
    Effect.gen(function*() {
      const spans: Array<Tracer.NativeSpan> = []
      const tracer = Tracer.make({
        span(options) {
          const span = new Tracer.NativeSpan(options)
          spans.push(span)
          return span
        }
      })
      const { kaizen } = yield* cached()
      yield* kaizen.compress({ data: "t" }).pipe(Effect.provideService(Tracer.Tracer, tracer))
      yield* kaizen.compress({ data: "t" }).pipe(Effect.provideService(Tracer.Tracer, tracer))
      const cacheSpans = spans.filter((s) => s.name === "KaizenCache.compress")
      expect(cacheSpans.map((s) => [s.attributes.get("kaizen.cache.hit"), s.attributes.get("kaizen.cache.source")]))
        .toEqual([[false, "kaizen"], [true, "memory"]])
      const sent = spans.filter((s) => s.name === "KaizenClient.compress")
      expect(sent).toHaveLength(1)
      expect(sent[0]!.parent._tag === "Some" && (sent[0]!.parent.value as Tracer.Span).name).toBe("KaizenCache.compress")
    }))

  it.effect("a bad option fails the layer with a ConfigError naming it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Layer.build(KaizenCache.layer({ capacity: 0 }).pipe(
        Layer.provide(KaizenClient.layer()),
        Layer.provide(FetchHttpClient.layer)
      )))
      expect(error._tag).toBe("ConfigError")
      expect(String(error)).toContain("capacity must be a whole number >= 1")
      const duration = yield* Effect.flip(Layer.build(KaizenCache.layer({ timeToLive: "soon" as never }).pipe(
        Layer.provide(KaizenClient.layer()),
        Layer.provide(FetchHttpClient.layer)
      )))
      expect(String(duration)).toContain("timeToLive must be a duration")
    }))
})
