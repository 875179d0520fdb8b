/**
 * Tenancy and validation: no call is answered from an entry made under another credential,
 * and no call the client would refuse is answered at all. Over a recording mock server, in
 * memory and in a real Redis (whose keys are looked at directly).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { Redis } from "ioredis"
import * as KaizenCache from "../../src/KaizenCache.js"
import { KaizenClient } from "../../src/index.js"
import type { KaizenConfig } from "../../src/index.js"
import { json, mockHttp } from "../support/mockHttp.js"
import * as RedisServer from "../support/redisServer.js"

const server = () =>
  mockHttp((request) => {
    // A revoked key: the API refuses it.
    if (request.headers["x-api-key"] === "revoked") return json({ detail: "invalid key" }, { status: 401 })
    return json({ operation: "compress", status: "success", result: `ktof of ${request.body}` })
  })

/** One process: its own cache layer over the shared mock, with its own client options. */
const processWith = (
  cache: Layer.Layer<KaizenClient, unknown, KaizenClient>,
  kaizen: ReturnType<typeof mockHttp>,
  options: KaizenConfig.Options = {}
) =>
  cache.pipe(
    Layer.provide(KaizenClient.layer({ retry: false, baseUrl: "http://kaizen.test", ...options })),
    Layer.provide(kaizen.layer),
    Layer.orDie
  )

const compress = (data: unknown, headers?: Record<string, string>) =>
  Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress({ data }, headers === undefined ? undefined : { headers }))

const secret = "tenancy-test-secret-0123456789"

describe("KaizenCache tenancy (memory)", () => {
  it.effect("an entry belongs to the credential that made it: API key, or the call's Authorization header", () => {
    const kaizen = server()
    return Effect.gen(function*() {
      const kaizenA = yield* compress({ a: 1 })
      const again = yield* compress({ a: 1 })
      expect(KaizenCache.isCached(again)).toBe(true)
      // The same request under another credential is another entry: sent, not cached.
      const otherTenant = yield* compress({ a: 1 }, { authorization: "Bearer tenant-b" })
      expect(KaizenCache.isCached(otherTenant)).toBe(false)
      const otherAgain = yield* compress({ a: 1 }, { Authorization: "Bearer tenant-b" })
      expect(KaizenCache.isCached(otherAgain)).toBe(true)
      // Headers that carry no credential still share.
      const team = yield* compress({ a: 1 }, { "x-team": "search" })
      expect(KaizenCache.isCached(team)).toBe(true)
      expect(kaizen.requests.map((r) => r.headers["authorization"])).toEqual(["Bearer key-a", "Bearer tenant-b"])
      expect(kaizenA.result).toBe(otherTenant.result)
    }).pipe(Effect.provide(processWith(KaizenCache.layer(), kaizen, { apiKey: Redacted.make("key-a") })))
  })

  it.effect("a revoked key is never answered from another key's entry: the API is asked and refuses it", () => {
    const kaizen = server()
    return Effect.gen(function*() {
      yield* compress({ secret: "prompt" })
      const revoked = yield* Effect.flip(compress({ secret: "prompt" }, { "x-api-key": "revoked" }))
      expect(revoked._tag).toBe("KaizenAPIError")
      expect(kaizen.requests).toHaveLength(2)
    }).pipe(Effect.provide(processWith(KaizenCache.layer(), kaizen, { apiKey: "key-a" })))
  })

  it.effect("shareAcrossKeys: true shares one entry across credentials, as documented", () => {
    const kaizen = server()
    return Effect.gen(function*() {
      yield* compress({ a: 1 })
      const other = yield* compress({ a: 1 }, { authorization: "Bearer tenant-b" })
      expect(KaizenCache.isCached(other)).toBe(true)
      expect(kaizen.requests).toHaveLength(1)
    }).pipe(Effect.provide(processWith(KaizenCache.layer({ shareAcrossKeys: true }), kaizen, { apiKey: "key-a" })))
  })

  it.effect("a request the client refuses is refused, even when a valid one of the same meaning is cached", () => {
    const kaizen = server()
    return Effect.gen(function*() {
      const kaizenClient = yield* KaizenClient
      yield* kaizenClient.compress({ data: 1, options: { indent: 2 } })
      // An own "__proto__" field: the client refuses it (unknown field); the key would not see it.
      const polluted = { data: 1, options: JSON.parse('{"indent": 2, "__proto__": {"indent": 4}}') }
      const refused = yield* Effect.flip(kaizenClient.compress(polluted))
      expect(refused._tag).toBe("KaizenRequestError")
      // Bad call options are refused too, cached or not.
      const badHeader = yield* Effect.flip(kaizenClient.compress({ data: 1, options: { indent: 2 } }, { headers: { "x-a": "line\nbreak" } }))
      expect(badHeader._tag).toBe("KaizenRequestError")
      expect(kaizen.requests).toHaveLength(1)
    }).pipe(Effect.provide(processWith(KaizenCache.layer(), kaizen)))
  })

  it.effect("a shared store without a secret fails with a ConfigError naming KAIZEN_CACHE_SECRET; a short one names the option", () =>
    Effect.gen(function*() {
      const kaizen = server()
      const missing = yield* Effect.flip(Layer.build(KaizenCache.layerPersistence().pipe(
        Layer.provide(KaizenClient.layer()),
        Layer.provide(kaizen.layer),
        Layer.provide(Layer.succeed(
          (yield* Effect.promise(() => import("@effect/experimental/Persistence"))).ResultPersistence,
          undefined as never
        ))
      )))
      expect(String(missing)).toContain("KAIZEN_CACHE_SECRET")
      const short = yield* Effect.flip(Layer.build(KaizenCache.layerRedis({ redis: {}, secret: "short" }).pipe(
        Layer.provide(KaizenClient.layer()),
        Layer.provide(kaizen.layer)
      )))
      expect(String(short)).toContain("secret must be at least 16 characters")
      expect(String(short)).not.toContain("short\"")
    }).pipe(Effect.scoped))
})

RedisServer.describeRedis("KaizenCache tenancy (a real redis-server)", () => {
  it.live("processes with different keys share nothing through Redis; Redis holds HMAC names, never a request", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const kaizen = server()
      const cache = (s = secret) =>
        KaizenCache.layerRedis({ redis: { host: redis.host, port: redis.port }, inMemoryTimeToLive: 0, timeout: "10 seconds", secret: s })
      const tenantA = yield* compress({ prompt: "confidential plan" }).pipe(
        Effect.provide(processWith(cache(), kaizen, { apiKey: "key-a" }))
      )
      const tenantB = yield* compress({ prompt: "confidential plan" }).pipe(
        Effect.provide(processWith(cache(), kaizen, { apiKey: "key-b" }))
      )
      const tenantAAgain = yield* compress({ prompt: "confidential plan" }).pipe(
        Effect.provide(processWith(cache(), kaizen, { apiKey: "key-a" }))
      )
      // Another secret names entries differently: nothing found.
      const otherSecret = yield* compress({ prompt: "confidential plan" }).pipe(
        Effect.provide(processWith(cache("another-secret-0123456789"), kaizen, { apiKey: "key-a" }))
      )
      expect([tenantA, tenantB, tenantAAgain, otherSecret].map(KaizenCache.isCached)).toEqual([false, false, true, false])
      expect(kaizen.requests).toHaveLength(3)

      const admin = new Redis({ host: redis.host, port: redis.port, lazyConnect: true })
      yield* Effect.addFinalizer(() => Effect.sync(() => admin.disconnect()))
      const keys = yield* Effect.promise(() => admin.connect().then(() => admin.keys("*")))
      expect(keys).toHaveLength(3)
      for (const key of keys) expect(key).toMatch(/^kaizen-effect:cache:v2:[0-9a-f]{64}$/)
      expect(keys.join(" ")).not.toContain("key-a")
    }).pipe(Effect.scoped))
})
