/**
 * KaizenCache in shared stores: files (`KeyValueStore`) and a real Redis. Each "process" is its
 * own layer (its own memory), so an answer found by the second came from the store; and the
 * Redis tier across two real processes (support/cacheWorker.mjs on the package built for the test).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Metric from "effect/Metric"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import * as TestClock from "effect/testing/TestClock"
import { spawn } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { KaizenClient } from "../../src/index.js"
import * as KaizenCache from "../../src/KaizenCache.js"
import { type Handler, json, serve, type TestServer } from "../support/server.js"
import * as Build from "./support/build.js"
import { client, envelope } from "./support/cached.js"
import * as RedisServer from "./support/redisServer.js"

const answers: Handler = (request, response, index) =>
  request.body.includes("fail") ? json(response, 422, { detail: "refused" }) : envelope(request, response, index)

/**
 * The store's timeout in these tests (default 250 ms): far beyond what a store that answers
 * takes, even on a busy machine, so a slow answer is never taken for an outage. A dead Redis
 * still fails at once: the connection is known to be closed and nothing is sent.
 */
const timeout = "10 seconds"

/** The store's secret (shared stores need one: entry names are HMACs under it). */
const secret = "store-test-secret-0123456789"

const storeErrors = Effect.map(Metric.value(KaizenCache.storeErrors), (s) => s.count)

/** One process's compress call through its own cache layer. */
const compressIn = (server: TestServer, cache: Parameters<typeof client>[1], data: unknown, baseUrl?: string) =>
  Effect.flatMap(
    client(server, cache, baseUrl === undefined ? {} : { baseUrl }),
    (kaizen) => kaizen.compress({ data })
  )

describe("KaizenCache.layerFileSystem", () => {
  it.live("a second process finds the first one's answer in the files; failures are not written; another base URL does not share", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "kaizen-cache-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
      const server = yield* serve(answers)
      const files = () => KaizenCache.layerFileSystem(dir, { timeout, secret })
      const first = yield* compressIn(server, files(), { a: 1 })
      const failed = yield* Effect.exit(compressIn(server, files(), "fail"))
      expect(failed._tag).toBe("Failure")
      expect(readdirSync(dir)).toHaveLength(1)
      const second = yield* compressIn(server, files(), { a: 1 })
      expect(server.requests).toHaveLength(2)
      expect(second).toEqual(first)
      expect(KaizenCache.isCached(second)).toBe(true)
      // Another deployment (base URL) does not share the entry; its answer is an entry of its own.
      const other = yield* serve(answers)
      yield* compressIn(other, files(), { a: 1 })
      expect(other.requests).toHaveLength(1)
      expect(readdirSync(dir)).toHaveLength(2)
      // Only whole entries are ever in the directory (each written beside, then renamed).
      expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([])
    }))

  it.effect("a directory that cannot be made fails the layer with a PlatformError", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "kaizen-cache-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
      writeFileSync(join(dir, "a-file"), "")
      const error = yield* Effect.flip(Layer.build(KaizenCache.layerFileSystem(join(dir, "a-file", "cache"), { secret }).pipe(
        Layer.provide(KaizenClient.layer()),
        Layer.provide(FetchHttpClient.layer)
      )))
      expect(error._tag).toBe("PlatformError")
    }))
})

describe("KaizenCache.layerKeyValueStore", () => {
  it.effect("a store that fails: calls go to Kaizen uncached, the outage logged once and counted; after retryAfter the store is tried again", () => {
    const lines: Array<string> = []
    const logger = Logger.make(({ message }) => {
      lines.push(Array.isArray(message) ? message.join(" ") : String(message))
    })
    return Effect.gen(function*() {
      const entries = new Map<string, string>()
      const disk = { broken: true, reads: 0 }
      const failing = (method: string) => Effect.fail(new KeyValueStore.KeyValueStoreError({ method, message: "disk full" }))
      // Not a literal: effect 4.1 asks for `keys`, which 4.0's options do not know.
      const operations = {
        get: (key: string) =>
          Effect.suspend(() => (disk.reads++, disk.broken ? failing("get") : Effect.succeed(entries.get(key)))),
        set: (key: string, value: string) =>
          Effect.suspend(() => (disk.broken ? failing("set") : Effect.sync(() => void entries.set(key, value)))),
        remove: (key: string) => Effect.sync(() => void entries.delete(key)),
        clear: Effect.sync(() => entries.clear()),
        size: Effect.sync(() => entries.size),
        keys: Effect.sync(() => [...entries.keys()])
      }
      const store = KeyValueStore.makeStringOnly(operations)
      const server = yield* serve(answers)
      const kaizen = yield* client(
        server,
        KaizenCache.layerKeyValueStore({ secret, inMemoryTimeToLive: 0, retryAfter: "1 minute" }).pipe(
          Layer.provide(Layer.succeed(KeyValueStore.KeyValueStore, store))
        )
      )
      const before = yield* storeErrors
      const during = yield* Effect.all([1, 1, 1].map((data) => kaizen.compress({ data })))
      expect(during.map(KaizenCache.isCached)).toEqual([false, false, false])
      expect(server.requests).toHaveLength(3)
      // The first read failed; the rest skipped the store without asking it.
      expect(disk.reads).toBe(1)
      expect((yield* storeErrors) - before).toBe(6)
      // Mended, and a minute on: the store is asked again, and shares again.
      disk.broken = false
      yield* TestClock.adjust("1 minute")
      yield* kaizen.compress({ data: 1 })
      const shared = yield* kaizen.compress({ data: 1 })
      expect(KaizenCache.isCached(shared)).toBe(true)
      expect(server.requests).toHaveLength(4)
      expect(lines.filter((line) => line.includes("is unavailable"))).toHaveLength(1)
      expect(lines.filter((line) => line.endsWith("store answers again")), lines.join("\n")).toHaveLength(1)
    }).pipe(Effect.provide(Logger.layer([logger])))
  })
})

RedisServer.describeRedis("KaizenCache.layerRedis (a real redis-server)", () => {
  it.live("processes share answers through Redis, only successes", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const server = yield* serve(answers)
      const cache = () => KaizenCache.layerRedis({ redis: { host: redis.host, port: redis.port }, inMemoryTimeToLive: 0, timeout, secret })
      const first = yield* compressIn(server, cache(), { n: [1, 2] })
      const failed = yield* Effect.exit(compressIn(server, cache(), "fail"))
      expect(failed._tag).toBe("Failure")
      const kaizen = yield* client(server, cache())
      const second = yield* kaizen.compress({ data: { n: [1, 2] } })
      const again = yield* Effect.exit(kaizen.compress({ data: "fail" }))
      expect(second).toEqual(first)
      expect(KaizenCache.isCached(second)).toBe(true)
      expect(again._tag).toBe("Failure")
      // compress {n}, fail, fail again: the hit sent nothing.
      expect(server.requests).toHaveLength(3)
    }))

  it.live("two real processes: the second finds the first one's answer in Redis", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const server = yield* serve(answers)
      const build = yield* Build.make
      const worker = join(dirname(fileURLToPath(import.meta.url)), "support", "cacheWorker.mjs")
      const run = () =>
        Effect.promise(() =>
          new Promise<{ code: number | null; output: string }>((resolve) => {
            const child = spawn(process.execPath, [worker, build, server.url, String(redis.port), secret, '{"shared":[1,2,3]}'], {
              stdio: ["ignore", "pipe", "pipe"]
            })
            let output = ""
            child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
            child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
            child.once("exit", (code) => resolve({ code, output }))
          })
        )
      const first = yield* run()
      const second = yield* run()
      expect(first.code, first.output).toBe(0)
      expect(second.code, second.output).toBe(0)
      expect(first.output).toContain("cached false")
      expect(second.output).toContain("cached true")
      // The same answer, from one request.
      expect(second.output.replace("cached true", "")).toBe(first.output.replace("cached false", ""))
      expect(server.requests).toHaveLength(1)
    }), 120_000)

  it.live("Redis dying mid-run: calls keep working uncached, the outage logged once and counted", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const server = yield* serve(answers)
      const lines: Array<string> = []
      const logger = Logger.make(({ message }) => {
        lines.push(Array.isArray(message) ? message.join(" ") : String(message))
      })
      const kaizen = yield* client(
        server,
        KaizenCache.layerRedis({ redis: { host: redis.host, port: redis.port }, inMemoryTimeToLive: 0, retryAfter: "1 hour", timeout, secret })
      )
      const result = yield* Effect.gen(function*() {
        yield* kaizen.compress({ data: "before" })
        const hit = yield* kaizen.compress({ data: "before" })
        expect(KaizenCache.isCached(hit)).toBe(true)
        const errorsBefore = yield* storeErrors
        yield* redis.kill()
        const during = yield* Effect.all(Array.from({ length: 5 }, (_, i) => kaizen.compress({ data: `during ${i % 2}` })))
        return { during, errors: (yield* storeErrors) - errorsBefore }
      }).pipe(Effect.provide(Logger.layer([logger])))
      expect(result.during.map((r) => r.result)).toEqual([0, 1, 0, 1, 0].map((i) => `ktof of {"data":"during ${i}"}`))
      // Nothing could be shared: every call during the outage went to Kaizen.
      expect(server.requests).toHaveLength(6)
      expect(result.errors).toBeGreaterThanOrEqual(5)
      expect(lines.filter((line) => line.includes("is unavailable"))).toHaveLength(1)
      expect(lines.join("\n")).not.toMatch(/ioredis|maxRetriesPerRequest|s3cr3t/)
    }))

  it.live("a Redis that is not there at all: calls work, uncached", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      yield* redis.kill()
      const server = yield* serve(answers)
      const kaizen = yield* client(
        server,
        KaizenCache.layerRedis({ redis: { host: redis.host, port: redis.port }, inMemoryTimeToLive: 0, timeout, secret })
      )
      const responses = yield* Effect.all([kaizen.compress({ data: 1 }), kaizen.compress({ data: 1 })])
      expect(responses.map(KaizenCache.isCached)).toEqual([false, false])
      expect(server.requests).toHaveLength(2)
    }))
})
