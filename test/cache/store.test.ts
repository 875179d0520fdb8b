/**
 * KaizenCache in shared stores: files (`KeyValueStore`) and a real Redis. Each "process" is
 * its own layer (its own memory), so an answer found by the second came from the store.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, Metric } from "effect"
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as KaizenCache from "../../src/KaizenCache.js"
import { KaizenClient } from "../../src/index.js"
import { json, mockHttp } from "../support/mockHttp.js"
import * as RedisServer from "../support/redisServer.js"

/** One process's client: its own cache layer over a shared mock server. */
const processWith = (
  cache: Layer.Layer<KaizenClient, unknown, KaizenClient>,
  server: ReturnType<typeof mockHttp>,
  baseUrl = "http://kaizen.test"
) =>
  cache.pipe(
    Layer.provide(KaizenClient.layer({ retry: false, baseUrl })),
    Layer.provide(server.layer),
    Layer.orDie
  )

const compress = (data: unknown) => Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress({ data }))

const server = () =>
  mockHttp((request) =>
    request.body?.includes("fail")
      ? json({ detail: "refused" }, { status: 422 })
      : json({ status: "success", result: `ktof of ${request.body}` })
  )

const storeErrors = Effect.map(Metric.value(KaizenCache.storeErrors), (s) => s.count)

/**
 * The store's timeout in these tests (default 250 ms): far beyond what a store that answers
 * takes, even on a busy machine, so a slow answer is never taken for an outage. A dead Redis
 * still fails fast: ioredis gives up on a command after its second reconnection attempt
 * (maxRetriesPerRequest: 1), long before this timeout.
 */
const timeout = "10 seconds"

/** The store's secret (shared stores need one: entry names are HMACs under it). */
const secret = "store-test-secret-0123456789"

/** The log lines written while `effect` runs. */
const logged = <A, E, R>(effect: Effect.Effect<A, E, R>) => {
  const lines: Array<string> = []
  const logger = Logger.make(({ message }) => lines.push(String(Array.isArray(message) ? message.join(" ") : message)))
  return Effect.map(Effect.provide(effect, Logger.replace(Logger.defaultLogger, logger)), (result) => ({ result, lines }))
}

describe("KaizenCache.layerFileSystem", () => {
  it.live("a second process finds the first one's answer in the files; failures are not written", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "kaizen-cache-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
      const kaizen = server()
      const first = yield* compress({ a: 1 }).pipe(Effect.provide(processWith(KaizenCache.layerFileSystem(dir, { timeout, secret }), kaizen)))
      yield* Effect.exit(compress("fail").pipe(Effect.provide(processWith(KaizenCache.layerFileSystem(dir, { timeout, secret }), kaizen))))
      expect(readdirSync(dir)).toHaveLength(1)
      const second = yield* compress({ a: 1 }).pipe(Effect.provide(processWith(KaizenCache.layerFileSystem(dir, { timeout, secret }), kaizen)))
      expect(kaizen.requests).toHaveLength(2)
      expect(second).toEqual(first)
      expect(KaizenCache.isCached(second)).toBe(true)
      // Another deployment (base URL) does not share the entry.
      yield* compress({ a: 1 }).pipe(
        Effect.provide(processWith(KaizenCache.layerFileSystem(dir, { timeout, secret }), kaizen, "http://other.test"))
      )
      expect(kaizen.requests).toHaveLength(3)
    }).pipe(Effect.scoped))
})

RedisServer.describeRedis("KaizenCache.layerRedis (a real redis-server)", () => {
  it.live("processes share answers through Redis, only successes", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const cache = () => KaizenCache.layerRedis({ redis: { host: redis.host, port: redis.port }, inMemoryTimeToLive: 0, timeout, secret })
      const kaizen = server()
      const first = yield* compress({ n: [1, 2] }).pipe(Effect.provide(processWith(cache(), kaizen)))
      const failed = yield* Effect.exit(compress("fail").pipe(Effect.provide(processWith(cache(), kaizen))))
      expect(failed._tag).toBe("Failure")
      const [second, again] = yield* Effect.all([compress({ n: [1, 2] }), compress("fail").pipe(Effect.exit)]).pipe(
        Effect.provide(processWith(cache(), kaizen))
      )
      expect(second).toEqual(first)
      expect(KaizenCache.isCached(second)).toBe(true)
      expect(again._tag).toBe("Failure")
      // compress {n}, fail, fail again: the hit sent nothing.
      expect(kaizen.requests).toHaveLength(3)
    }).pipe(Effect.scoped))

  it.live("Redis dying mid-run: calls keep working uncached, the outage logged once and counted", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const kaizen = server()
      const layer = processWith(
        KaizenCache.layerRedis({ redis: { host: redis.host, port: redis.port }, inMemoryTimeToLive: 0, retryAfter: "1 hour", timeout, secret }),
        kaizen
      )
      const { lines, result } = yield* logged(Effect.gen(function*() {
        yield* compress("before")
        const hit = yield* compress("before")
        expect(KaizenCache.isCached(hit)).toBe(true)
        const errorsBefore = yield* storeErrors
        yield* redis.kill()
        const during = yield* Effect.all(Array.from({ length: 5 }, (_, i) => compress(`during ${i % 2}`)))
        return { during, errors: (yield* storeErrors) - errorsBefore }
      }).pipe(Effect.provide(layer)))
      expect(result.during.map((r) => r.result)).toEqual([0, 1, 0, 1, 0].map((i) => `ktof of {"data":"during ${i}"}`))
      // Nothing could be shared: every call during the outage went to Kaizen.
      expect(kaizen.requests).toHaveLength(6)
      expect(result.errors).toBeGreaterThanOrEqual(5)
      expect(lines.filter((line) => line.includes("is unavailable"))).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.live("a Redis that is not there at all: calls work, uncached", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      yield* redis.kill()
      const kaizen = server()
      const layer = processWith(KaizenCache.layerRedis({ redis: { host: redis.host, port: redis.port }, inMemoryTimeToLive: 0, timeout, secret }), kaizen)
      const responses = yield* Effect.all([compress(1), compress(1)]).pipe(Effect.provide(layer))
      expect(responses.map(KaizenCache.isCached)).toEqual([false, false])
      expect(kaizen.requests).toHaveLength(2)
    }).pipe(Effect.scoped))
})
