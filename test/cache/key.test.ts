/** The cache key (src/cache/key.ts) and the public types of KaizenCache. */
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import type { ConfigError, Effect, Layer, Metric, RateLimiter, Scope } from "effect"
import { cacheKey } from "../../src/cache/key.js"
import * as KaizenCache from "../../src/KaizenCache.js"
import type { KaizenClient } from "../../src/index.js"

describe("cacheKey", () => {
  it("is the operation and the request's JSON, top-level and options fields sorted", () => {
    expect(cacheKey("compress", { options: { indent: 2, delimiter: "|" }, data: { b: 1, a: [1, "x", null, true] } }))
      .toBe('compress{"data":{"b":1,"a":[1,"x",null,true]},"options":{"delimiter":"|","indent":2}}')
    expect(cacheKey("optimize", { data: 1, token_models: null })).toBe(cacheKey("optimize", { data: 1 }))
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
  it("layers wrap the provided KaizenClient; the fleet limiter is the client's RateLimiter", () => {
    expectTypeOf(KaizenCache.layer()).toEqualTypeOf<
      Layer.Layer<KaizenClient, ConfigError.ConfigError, KaizenClient>
    >()
    expectTypeOf(KaizenCache.layerRedis({ redis: {} })).toEqualTypeOf<
      Layer.Layer<KaizenClient, ConfigError.ConfigError, KaizenClient>
    >()
    expectTypeOf(KaizenCache.makeFleetLimiter).returns.toEqualTypeOf<
      Effect.Effect<RateLimiter.RateLimiter, ConfigError.ConfigError, Scope.Scope>
    >()
    expectTypeOf(KaizenCache.hits).toEqualTypeOf<Metric.Metric.Counter<number>>()
    expectTypeOf(KaizenCache.isCached).toEqualTypeOf<(response: object) => boolean>()
  })
})
