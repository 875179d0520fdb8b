/**
 * KaizenCache in this process's memory, over a recording mock HttpClient: what is sent, what
 * is shared, what is kept, and how a hit shows.
 */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Layer, Metric, TestClock } from "effect"
import * as KaizenCache from "../../src/KaizenCache.js"
import { KaizenClient } from "../../src/index.js"
import type { KaizenConfig } from "../../src/index.js"
import { json, mockHttp, type Recorded } from "../support/mockHttp.js"
import { recordingTracer } from "../support/recordingTracer.js"

const envelope = (body: string | undefined) =>
  json({ operation: "compress", status: "success", result: `ktof of ${body}` })

/** The caching client over a mock; `requests` is what reached the "server". */
const cached = (
  handler: (request: Recorded) => Response | Promise<Response> = (request) => envelope(request.body),
  cache: Layer.Layer<KaizenClient, unknown, KaizenClient> = KaizenCache.layer(),
  options: KaizenConfig.Options = {}
) => {
  const mock = mockHttp(handler)
  const layer = cache.pipe(
    Layer.provide(KaizenClient.layer({ retry: false, baseUrl: "http://kaizen.test", ...options })),
    Layer.provide(mock.layer),
    Layer.orDie
  )
  return { requests: mock.requests, layer }
}

/** A caching client whose server holds every request until `released` is completed. */
const held = (cache?: Layer.Layer<KaizenClient, unknown, KaizenClient>) => {
  const released = Effect.runSync(Deferred.make<void>())
  const client = cached(async (request) => {
    await Effect.runPromise(Deferred.await(released))
    return envelope(request.body)
  }, cache)
  return { ...client, released }
}

const counts = Effect.all({
  hits: Effect.map(Metric.value(KaizenCache.hits), (s) => s.count),
  misses: Effect.map(Metric.value(KaizenCache.misses), (s) => s.count)
})

describe("KaizenCache.layer (memory)", () => {
  it.effect("a repeated call is answered from memory: one request, marked, counted", () => {
    const { layer, requests } = cached()
    return Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      const before = yield* counts
      const first = yield* kaizen.compress({ data: { a: 1 } }, { requestId: "first" })
      const second = yield* kaizen.compress({ data: { a: 1 } }, { requestId: "second" })
      const after = yield* counts
      expect(requests).toHaveLength(1)
      expect(second).toEqual(first)
      expect(JSON.stringify(second)).toBe(JSON.stringify(first))
      expect([KaizenCache.isCached(first), KaizenCache.isCached(second)]).toEqual([false, true])
      // The ID on the wire for the call that sent; the ID the hit would have sent for the other.
      expect(requests[0]!.headers["x-request-id"]).toBe("first")
      expect([first.requestId, second.requestId]).toEqual(["first", "second"])
      expect([after.hits - before.hits, after.misses - before.misses]).toEqual([1, 1])
    }).pipe(Effect.provide(layer))
  })

  it.effect("the key: operation, data order, options and token_models count; field order, nulls and headers do not", () => {
    const { layer, requests } = cached()
    return Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      yield* kaizen.optimize({ data: { a: 1, b: 2 }, options: { indent: 2, delimiter: "|" } })
      // Same meaning: top-level and options order, a null optional field, other headers and IDs.
      yield* kaizen.optimize({ options: { delimiter: "|", indent: 2 }, data: { a: 1, b: 2 } }, { headers: { "x-team": "b" } })
      yield* kaizen.optimize({ data: { a: 1, b: 2 }, options: { indent: 2, delimiter: "|" }, token_models: null } as never)
      expect(requests).toHaveLength(1)
      // Different meaning: key order inside data, options, token_models, the operation.
      yield* kaizen.optimize({ data: { b: 2, a: 1 }, options: { indent: 2, delimiter: "|" } })
      yield* kaizen.optimize({ data: { a: 1, b: 2 }, options: { indent: 4, delimiter: "|" } })
      yield* kaizen.optimize({ data: { a: 1, b: 2 }, options: { indent: 2, delimiter: "|" }, token_models: ["gpt-4o"] })
      yield* kaizen.compress({ data: { a: 1, b: 2 }, options: { indent: 2, delimiter: "|" } })
      expect(requests).toHaveLength(5)
      expect(requests.map((r) => new URL(r.url).pathname)).toEqual([
        "/v1/optimize",
        "/v1/optimize",
        "/v1/optimize",
        "/v1/optimize",
        "/v1/compress"
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("concurrent identical calls share one request, also on a miss", () => {
    // No time to live: an answer is shared only while in flight, so one request means the ten
    // calls were joined to it.
    const { layer, requests, released } = held(KaizenCache.layer({ timeToLive: 0 }))
    return Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      const calls = yield* Effect.fork(
        Effect.all(Array.from({ length: 10 }, () => kaizen.promptsEncode({ prompt: "same" })), { concurrency: "unbounded" })
      )
      // All ten are waiting on the one request before it is answered.
      yield* Effect.yieldNow()
      while (requests.length === 0) yield* Effect.yieldNow()
      yield* Deferred.succeed(released, undefined)
      const responses = yield* Fiber.join(calls)
      expect(requests).toHaveLength(1)
      expect(new Set(responses.map((r) => r.result)).size).toBe(1)
      expect(responses.filter((r) => !KaizenCache.isCached(r))).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a caller that gives up does not cancel the request the others share", () => {
    const { layer, requests, released } = held()
    return Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      const leader = yield* Effect.fork(kaizen.compress({ data: "x" }))
      while (requests.length === 0) yield* Effect.yieldNow()
      const follower = yield* Effect.fork(kaizen.compress({ data: "x" }))
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(leader)
      yield* Deferred.succeed(released, undefined)
      const response = yield* Fiber.join(follower)
      expect(response.result).toBe('ktof of {"data":"x"}')
      expect(requests).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("an interrupted caller leaves the request it shared in the cache: later callers join it, then hit its answer", () => {
    const { layer, requests, released } = held()
    return Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      const leader = yield* Effect.fork(kaizen.compress({ data: "x" }))
      while (requests.length === 0) yield* Effect.yieldNow()
      // The leader gives up while its request is in flight: the request stays the shared one.
      expect(Exit.isInterrupted(yield* Fiber.interrupt(leader))).toBe(true)
      const follower = yield* Effect.fork(kaizen.compress({ data: "x" }))
      yield* Effect.yieldNow()
      yield* Deferred.succeed(released, undefined)
      const joined = yield* Fiber.join(follower)
      const later = yield* kaizen.compress({ data: "x" })
      expect(requests).toHaveLength(1)
      expect([joined.result, later.result]).toEqual(['ktof of {"data":"x"}', 'ktof of {"data":"x"}'])
      expect([KaizenCache.isCached(joined), KaizenCache.isCached(later)]).toEqual([true, true])
    }).pipe(Effect.provide(layer))
  })

  it.effect("errors are never kept: a failed call is sent again", () => {
    let answered = 0
    const { layer, requests } = cached((request) =>
      ++answered === 1 ? json({ detail: "busy" }, { status: 503 }) : envelope(request.body)
    )
    return Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      const first = yield* Effect.exit(kaizen.compress({ data: [1] }))
      expect(Exit.isFailure(first)).toBe(true)
      const second = yield* kaizen.compress({ data: [1] })
      const third = yield* kaizen.compress({ data: [1] })
      expect(requests).toHaveLength(2)
      expect([KaizenCache.isCached(second), KaizenCache.isCached(third)]).toEqual([false, true])
    }).pipe(Effect.provide(layer))
  })

  it.effect("a request that is not plain JSON is sent uncached, and the client judges it", () => {
    const { layer, requests } = cached()
    return Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      const when = new Date(0)
      yield* kaizen.compress({ data: { when } })
      yield* kaizen.compress({ data: { when } })
      const refused = yield* Effect.flip(kaizen.compress({ data: { n: Number.NaN } }))
      expect(refused._tag).toBe("KaizenRequestError")
      expect(requests).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("decode routes and health pass through", () => {
    const { layer, requests } = cached(() => json({ status: "success", result: { a: 1 } }))
    return Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      yield* kaizen.decompress({ data: "a: 1" })
      yield* kaizen.decompress({ data: "a: 1" })
      yield* kaizen.health()
      expect(requests).toHaveLength(3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("answers expire after timeToLive and the least recently used go past capacity", () => {
    const { layer, requests } = cached(undefined, KaizenCache.layer({ capacity: 2, timeToLive: "1 minute" }))
    return Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      yield* kaizen.compress({ data: 1 })
      yield* kaizen.compress({ data: 1 })
      expect(requests).toHaveLength(1)
      yield* TestClock.adjust("61 seconds")
      yield* kaizen.compress({ data: 1 })
      expect(requests).toHaveLength(2)
      yield* kaizen.compress({ data: 2 })
      yield* kaizen.compress({ data: 3 })
      yield* kaizen.compress({ data: 1 })
      expect(requests).toHaveLength(5)
    }).pipe(Effect.provide(layer))
  })

  it.effect("shared answers cannot be changed by one caller for the next", () => {
    const { layer } = cached(() =>
      json({ status: "success", result: "a: 1", stats: { original_bytes: 10, compressed_bytes: 5 } })
    )
    return Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      const first = yield* kaizen.compress({ data: 1 })
      ;(first as { result: string }).result = "changed"
      expect(() => {
        ;(first.stats as { original_bytes: number }).original_bytes = 0
      }).toThrow(TypeError)
      const second = yield* kaizen.compress({ data: 1 })
      expect(second.result).toBe("a: 1")
    }).pipe(Effect.provide(layer))
  })

  it.effect("a hit shows on its span", () => {
    const { layer } = cached()
    const { tracer, spans } = recordingTracer()
    return Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      yield* kaizen.compress({ data: "t" })
      yield* kaizen.compress({ data: "t" })
      const cacheSpans = spans.filter((s) => s.name === "KaizenCache.compress")
      expect(cacheSpans.map((s) => [s.attributes.get("kaizen.cache.hit"), s.attributes.get("kaizen.cache.source")]))
        .toEqual([[false, "kaizen"], [true, "memory"]])
      // The request's own span is a child of the cache's, as the call that sent it.
      expect(spans.filter((s) => s.name === "KaizenClient.compress")).toHaveLength(1)
    }).pipe(Effect.provide(layer), Effect.withTracer(tracer))
  })

  it.effect("a bad option fails the layer with a ConfigError naming it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Layer.build(KaizenCache.layer({ capacity: 0 }).pipe(
        Layer.provide(KaizenClient.layer()),
        Layer.provide(mockHttp(() => json({})).layer)
      )))
      expect(String(error)).toContain("capacity must be a whole number >= 1")
    }).pipe(Effect.scoped))
})
