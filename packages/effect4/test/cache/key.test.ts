/** The cache key (src/cache/key.ts) and the public types of KaizenCache, error unions exactly. */
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import type * as Config from "effect/Config"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Metric from "effect/Metric"
import type * as KeyValueStore from "effect/persistence/KeyValueStore"
import type * as Persistence from "effect/persistence/Persistence"
import type * as PlatformError from "effect/PlatformError"
import type * as Scope from "effect/Scope"
import { cacheKey } from "../../src/cache/key.js"
import type { KaizenAPIError, KaizenConfig, KaizenRequestError, KaizenSchema } from "../../src/index.js"
import type { KaizenClient } from "../../src/index.js"
import * as KaizenCache from "../../src/KaizenCache.js"

describe("cacheKey", () => {
  it("is the operation and the request's JSON, top-level and options fields sorted, data's order kept", () => {
    expect(cacheKey("compress", { options: { indent: 2, delimiter: "|" }, data: { b: 1, a: [1, "x", null, true] } }))
      .toBe('compress{"data":{"b":1,"a":[1,"x",null,true]},"options":{"delimiter":"|","indent":2}}')
    expect(cacheKey("optimize", { token_models: ["m"], data: 1 })).toBe('optimize{"data":1,"token_models":["m"]}')
  })

  it("is made only for plain JSON, so that equal keys mean equal requests", () => {
    for (
      const data of [
        { a: undefined },
        [1, , 2],
        new Date(0),
        Number.NaN,
        Infinity,
        10n,
        new Map(),
        new (class Row {
          a = 1
        })(),
        () => 1
      ]
    ) {
      expect(cacheKey("compress", { data })).toBeUndefined()
    }
    // Deeper than the service accepts (1,000 levels): no key; at the limit, a key.
    const nestedObjects = (levels: number) => {
      const deep: { next?: unknown } = {}
      let at = deep
      for (let i = 1; i < levels; i++) at = (at.next = {}) as typeof deep
      return deep
    }
    expect(cacheKey("compress", { data: nestedObjects(1_001) })).toBeUndefined()
    expect(cacheKey("compress", { data: nestedObjects(1_000) })).toBeTypeOf("string")
    const cycle: Record<string, unknown> = {}
    cycle["self"] = cycle
    expect(cacheKey("compress", { data: cycle })).toBeUndefined()
    expect(cacheKey("compress", "not an object")).toBeUndefined()
  })
})

describe("KaizenCache types", () => {
  it("layers wrap the provided KaizenClient and fail only with a ConfigError (files: or a PlatformError)", () => {
    expectTypeOf(KaizenCache.layer()).toEqualTypeOf<Layer.Layer<KaizenClient, Config.ConfigError, KaizenClient>>()
    expectTypeOf(KaizenCache.layerRedis({ redis: {} })).toEqualTypeOf<
      Layer.Layer<KaizenClient, Config.ConfigError, KaizenClient>
    >()
    expectTypeOf(KaizenCache.layerPersistence()).toEqualTypeOf<
      Layer.Layer<KaizenClient, Config.ConfigError, KaizenClient | Persistence.Persistence>
    >()
    expectTypeOf(KaizenCache.layerKeyValueStore()).toEqualTypeOf<
      Layer.Layer<KaizenClient, Config.ConfigError, KaizenClient | KeyValueStore.KeyValueStore>
    >()
    expectTypeOf(KaizenCache.layerFileSystem("dir")).toEqualTypeOf<
      Layer.Layer<KaizenClient, Config.ConfigError | PlatformError.PlatformError, KaizenClient>
    >()
  })

  it("the fleet limiter is the client's rateLimiter; layerFleetLimit adds only a ConfigError to the client's layer", () => {
    expectTypeOf(KaizenCache.makeFleetLimiter).returns.toEqualTypeOf<
      Effect.Effect<KaizenConfig.RateLimit, Config.ConfigError, Scope.Scope>
    >()
    const client = (_: KaizenConfig.RateLimit) => null as unknown as Layer.Layer<KaizenClient, "client error", "client needs">
    expectTypeOf(KaizenCache.layerFleetLimit({ redis: {}, key: "k", maxRequestsPerSecond: 1 }, client)).toEqualTypeOf<
      Layer.Layer<KaizenClient, Config.ConfigError | "client error", "client needs">
    >()
  })

  it("a cached call's error channel is exactly KaizenRequestError | KaizenAPIError", () => {
    type Compress = KaizenClient.Service["compress"]
    expectTypeOf<ReturnType<Compress>>().toEqualTypeOf<
      Effect.Effect<KaizenSchema.EncodeResponse & KaizenClient.ResponseInfo, KaizenRequestError | KaizenAPIError>
    >()
  })

  it("the counters and isCached", () => {
    expectTypeOf(KaizenCache.hits).toEqualTypeOf<Metric.Counter<number>>()
    expectTypeOf(KaizenCache.misses).toEqualTypeOf<Metric.Counter<number>>()
    expectTypeOf(KaizenCache.storeErrors).toEqualTypeOf<Metric.Counter<number>>()
    expectTypeOf(KaizenCache.rateLimitFallbacks).toEqualTypeOf<Metric.Counter<number>>()
    expectTypeOf(KaizenCache.isCached).toEqualTypeOf<(response: object) => boolean>()
  })
})
