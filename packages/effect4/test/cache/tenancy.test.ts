/**
 * Tenancy and validation: no call is answered from an entry made under another credential,
 * and no call the client would refuse is answered at all. Over a real recording server on
 * 127.0.0.1, in memory and in a real Redis (whose keys are looked at directly).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Persistence from "effect/persistence/Persistence"
import { KaizenClient } from "../../src/index.js"
import * as KaizenCache from "../../src/KaizenCache.js"
import { type Handler, json, serve } from "../support/server.js"
import { client, envelope } from "./support/cached.js"
import * as RedisServer from "./support/redisServer.js"

// A revoked key: the API refuses it.
const kaizenApi: Handler = (request, response, index) =>
  request.headers["x-api-key"] === "revoked"
    ? json(response, 401, { detail: "invalid key" })
    : envelope(request, response, index)

const secret = "tenancy-test-secret-0123456789"

describe("KaizenCache tenancy (memory)", () => {
  it.effect("an entry belongs to the credential that made it: API key, or the call's Authorization header", () =>
    Effect.gen(function*() {
      const server = yield* serve(kaizenApi)
      const kaizen = yield* client(server, KaizenCache.layer(), { apiKey: Redacted.make("key-a") })
      const tenantA = yield* kaizen.compress({ data: { a: 1 } })
      const again = yield* kaizen.compress({ data: { a: 1 } })
      expect(KaizenCache.isCached(again)).toBe(true)
      // The same request under another credential is another entry: sent, not cached.
      const otherTenant = yield* kaizen.compress({ data: { a: 1 } }, { headers: { authorization: "Bearer tenant-b" } })
      expect(KaizenCache.isCached(otherTenant)).toBe(false)
      const otherAgain = yield* kaizen.compress({ data: { a: 1 } }, { headers: { Authorization: "Bearer tenant-b" } })
      expect(KaizenCache.isCached(otherAgain)).toBe(true)
      // Headers that carry no credential still share.
      const team = yield* kaizen.compress({ data: { a: 1 } }, { headers: { "x-team": "search" } })
      expect(KaizenCache.isCached(team)).toBe(true)
      expect(server.requests.map((r) => r.headers["authorization"])).toEqual(["Bearer key-a", "Bearer tenant-b"])
      expect(tenantA.result).toBe(otherTenant.result)
    }))

  it.effect("a revoked key is never answered from another key's entry: the API is asked and refuses it", () =>
    Effect.gen(function*() {
      const server = yield* serve(kaizenApi)
      const kaizen = yield* client(server, KaizenCache.layer(), { apiKey: "key-a" })
      yield* kaizen.compress({ data: { secret: "prompt" } })
      for (const header of ["x-api-key", "X-Api-Key"]) {
        const revoked = yield* Effect.flip(kaizen.compress({ data: { secret: "prompt" } }, { headers: { [header]: "revoked" } }))
        expect(revoked._tag === "KaizenAPIError" && revoked.statusCode).toBe(401)
      }
      // Another process whose own key is revoked: its cache has nothing of key-a's either.
      const revokedProcess = yield* client(server, KaizenCache.layer(), { apiKey: "revoked" })
      const refused = yield* Effect.flip(revokedProcess.compress({ data: { secret: "prompt" } }))
      expect(refused._tag).toBe("KaizenAPIError")
      expect(server.requests).toHaveLength(4)
    }))

  it.effect("shareAcrossKeys: true shares one entry across credentials, as documented", () =>
    Effect.gen(function*() {
      const server = yield* serve(kaizenApi)
      const kaizen = yield* client(server, KaizenCache.layer({ shareAcrossKeys: true }), { apiKey: "key-a" })
      yield* kaizen.compress({ data: { a: 1 } })
      const other = yield* kaizen.compress({ data: { a: 1 } }, { headers: { authorization: "Bearer tenant-b" } })
      expect(KaizenCache.isCached(other)).toBe(true)
      expect(server.requests).toHaveLength(1)
    }))

  it.effect("validation comes first: a request the client refuses is refused, even when a valid one of the same meaning is cached", () =>
    Effect.gen(function*() {
      const server = yield* serve(kaizenApi)
      const kaizen = yield* client(server)
      yield* kaizen.compress({ data: 1, options: { indent: 2 } })
      // An own "__proto__" field: the client refuses it (unknown field); the key would not see it.
      const polluted = { data: 1, options: JSON.parse('{"indent": 2, "__proto__": {"indent": 4}}') }
      const refused = yield* Effect.flip(kaizen.compress(polluted))
      expect(refused._tag === "KaizenRequestError" && refused.reason).toBe("InvalidRequest")
      // An unknown field, a bad option value, bad call options: refused too, cached or not.
      const unknownField = yield* Effect.flip(kaizen.compress({ data: 1, options: { indent: 2 }, extra: true } as never))
      expect(unknownField._tag).toBe("KaizenRequestError")
      const badHeader = yield* Effect.flip(kaizen.compress({ data: 1, options: { indent: 2 } }, { headers: { "x-a": "line\nbreak" } }))
      expect(badHeader._tag).toBe("KaizenRequestError")
      const badId = yield* Effect.flip(kaizen.compress({ data: 1, options: { indent: 2 } }, { requestId: "a\u0000b" }))
      expect(badId._tag).toBe("KaizenRequestError")
      expect(server.requests).toHaveLength(1)
    }))

  it.effect("a shared store without a secret fails with a ConfigError naming KAIZEN_CACHE_SECRET; a short one names the option, not its value", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(Layer.build(KaizenCache.layerPersistence().pipe(
        Layer.provide(KaizenClient.layer()),
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(Persistence.layerMemory)
      )))
      expect(missing._tag).toBe("ConfigError")
      expect(String(missing)).toContain("KAIZEN_CACHE_SECRET")
      const short = yield* Effect.flip(Layer.build(KaizenCache.layerRedis({ redis: {}, secret: "short-s3cr3t" }).pipe(
        Layer.provide(KaizenClient.layer()),
        Layer.provide(FetchHttpClient.layer)
      )))
      expect(short._tag).toBe("ConfigError")
      expect(String(short)).toContain("secret must be at least 16 characters")
      expect(String(short)).not.toContain("s3cr3t")
    }))
})

RedisServer.describeRedis("KaizenCache tenancy (a real redis-server)", () => {
  it.live("processes with different keys share nothing through Redis; Redis holds HMAC names, never a request", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const server = yield* serve(kaizenApi)
      const cache = (s = secret) =>
        KaizenCache.layerRedis({ redis: { host: redis.host, port: redis.port }, inMemoryTimeToLive: 0, timeout: "10 seconds", secret: s })
      const compress = (apiKey: string, s?: string) =>
        Effect.flatMap(client(server, cache(s), { apiKey }), (kaizen) => kaizen.compress({ data: { prompt: "confidential plan" } }))
      const tenantA = yield* compress("key-a")
      const tenantB = yield* compress("key-b")
      const tenantAAgain = yield* compress("key-a")
      // A revoked key is asked of the API, never answered from key-a's entry.
      const revoked = yield* Effect.flip(compress("revoked"))
      expect(revoked._tag).toBe("KaizenAPIError")
      // Another secret names entries differently: nothing found.
      const otherSecret = yield* compress("key-a", "another-secret-0123456789")
      expect([tenantA, tenantB, tenantAAgain, otherSecret].map(KaizenCache.isCached)).toEqual([false, false, true, false])
      expect(server.requests).toHaveLength(4)

      const admin = yield* RedisServer.admin(redis.port)
      const keys = yield* Effect.promise(() => admin.keys("*"))
      expect(keys).toHaveLength(3)
      for (const key of keys) expect(key).toMatch(/^kaizen-effect:cache:v2:[0-9a-f]{64}$/)
      const values = yield* Effect.promise(() => Promise.all(keys.map((key) => admin.get(key))))
      // The values are the answers (this server echoes the request); no credential anywhere.
      expect(keys.join(" ")).not.toMatch(/key-a|key-b|confidential/)
      expect(values.join(" ")).not.toMatch(/key-a|key-b/)
    }))
})
