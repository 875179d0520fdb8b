/**
 * A cache for Kaizen's encode routes, shared in flight, in memory, in files or in Redis; and a
 * rate limit shared by every process of a fleet through Redis.
 *
 * Kaizen's encode routes (`compress`, `optimize`, `optimizeRequest`, `promptsEncode`) are
 * deterministic: the same request gives the same KTOF. The layers here take the provided
 * `KaizenClient` and provide a caching one, so everything that uses the client (`KaizenAi`
 * included) caches without a change. Identical calls in flight share one request; only
 * successes are kept; a call served without a request of its own is counted
 * ({@link hits}, {@link misses}), annotated on its span (`kaizen.cache.hit`) and marked on the
 * response ({@link isCached}). The stores are `effect/persistence`'s (`Persistence`,
 * `KeyValueStore`), and Redis directly over `ioredis`; an outage of a shared store never fails
 * a call. The same names, options, errors and behaviour as the Effect 3 line's
 * `kaizen-effect/cache`.
 *
 * Published as the optional entry point `@kaizen-effect/effect4/cache`, so an application that
 * does not cache loads nothing of it. Redis needs the optional peer `ioredis` 5.
 *
 * @module @kaizen-effect/effect4/cache
 * @since 0.1.0
 */
import type * as Config from "effect/Config"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Metric from "effect/Metric"
import type * as KeyValueStore from "effect/persistence/KeyValueStore"
import * as Persistence from "effect/persistence/Persistence"
import type * as PlatformError from "effect/PlatformError"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as client from "./cache/client.js"
import * as digest from "./cache/digest.js"
import * as files from "./cache/files.js"
import * as fleetLimit from "./cache/fleetLimit.js"
import * as metrics from "./cache/metrics.js"
import type { FleetLimitOptions, RedisConnection } from "./cache/options.js"
import * as redis from "./cache/redis.js"
import * as redisTier from "./cache/redisTier.js"
import * as store from "./cache/store.js"
import { KaizenClient } from "./KaizenClient.js"
import type { RateLimit } from "./KaizenConfig.js"

export type { FleetLimitOptions, RedisConnection } from "./cache/options.js"

/**
 * The cache in this process. Answers are shared between callers, so their nested objects are
 * frozen.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type * as KaizenCache from "@kaizen-effect/effect4/cache"
 * const options: KaizenCache.Options = { capacity: 10_000, timeToLive: "6 hours" }
 */
export interface Options {
  /**
   * Answers kept in this process's memory (default 1000). Past it, or past `maxBytes`, the
   * entry used longest ago is dropped first: a hit makes an entry the most recently used.
   */
  readonly capacity?: number | undefined
  /**
   * Bytes of answers kept in this process's memory (default 64 MiB): each entry counts its
   * answer's JSON length plus 256 bytes. Entries are named by a 64-character digest, never by
   * the request, so a large request costs nothing once answered.
   */
  readonly maxBytes?: number | undefined
  /**
   * How long an answer is used, counted from when it arrived. Encode answers do not go stale,
   * but a Kaizen upgrade may change its KTOF: this bounds how long the old one is served
   * (default 1 hour in memory, 1 day in a shared store).
   */
  readonly timeToLive?: Duration.Input | undefined
  /**
   * One entry for a request whatever credential sends it (default `false`: every entry belongs
   * to the credential that made it: the API key, or the call's `Authorization`, `X-API-Key`,
   * `Proxy-Authorization` or `Cookie` header). Shared, a caller learns from `isCached` (or the
   * time an answer takes) that someone else sent the same request, and a revoked key is still
   * answered from the cache until the entry expires.
   */
  readonly shareAcrossKeys?: boolean | undefined
}

/**
 * A cache in a shared store (files, Redis, any `effect/persistence` `Persistence`), with a
 * copy of recent answers in this process's memory in front of it.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type * as KaizenCache from "@kaizen-effect/effect4/cache"
 * const options: KaizenCache.StoreOptions = { timeToLive: "7 days", inMemoryTimeToLive: "5 minutes" }
 */
export interface StoreOptions extends Options {
  /**
   * How long this process keeps its own copy of an answer in front of the store (default 1
   * minute; zero: every call asks the store, and only calls in flight are shared).
   */
  readonly inMemoryTimeToLive?: Duration.Input | undefined
  /** The longest a store operation may take before the call goes on without it (default 250 ms). */
  readonly timeout?: Duration.Input | undefined
  /** After a store operation got no answer in time, how long calls skip the store (default 5 s). */
  readonly retryAfter?: Duration.Input | undefined
  /**
   * The secret the store's entry names are HMACs under (at least 16 characters; default: the
   * `KAIZEN_CACHE_SECRET` variable, read through `Config`). The same in every process that
   * shares the store, and unknown to whoever can read it: without it, nobody can tell which
   * request an entry answers. A new secret starts an empty cache; the old entries expire.
   */
  readonly secret?: Redacted.Redacted<string> | string | undefined
}

/**
 * A cache in Redis: where to connect and the cache's settings.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type * as KaizenCache from "@kaizen-effect/effect4/cache"
 * const options: KaizenCache.RedisOptions = { redis: { host: "127.0.0.1", port: 6379 }, timeToLive: "1 day" }
 */
export interface RedisOptions extends StoreOptions {
  /**
   * Passed to `new Redis(...)` of `ioredis` (the offline queue off, reconnection every 0.5 s at
   * most); a fleet limit given the same options shares the connection.
   */
  readonly redis: RedisConnection
}

/** The caching client over the provided one: the face of every cache layer. */
const cachingClient = <R>(
  settings: Effect.Effect<client.WrapOptions, Config.ConfigError, R | Scope.Scope>
): Layer.Layer<KaizenClient, Config.ConfigError, KaizenClient | Exclude<R, Scope.Scope>> =>
  Layer.effect(
    KaizenClient,
    Effect.flatMap(Effect.zip(KaizenClient, settings), ([inner, options]) => client.wrap(inner, options))
  )

/**
 * The cache in this process's memory (capacity and time to live): wraps the provided
 * `KaizenClient` and provides a caching one. A bad option fails with a `ConfigError` naming it.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { Effect, Layer } from "effect"
 * import { KaizenClient } from "@kaizen-effect/effect4"
 * import * as KaizenNode from "@kaizen-effect/effect4/node"
 * import * as KaizenCache from "@kaizen-effect/effect4/cache"
 * const live = KaizenCache.layer({ capacity: 5000 }).pipe(Layer.provide(KaizenNode.layerConfig()))
 * const program = Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress({ data: { a: 1 } }))
 * program.pipe(Effect.provide(live))
 */
export const layer = (options: Options = {}): Layer.Layer<KaizenClient, Config.ConfigError, KaizenClient> =>
  cachingClient(Effect.flatMap(KaizenClient, (inner) =>
    Effect.all({
      memory: store.memorySettings(inner, options, { name: "timeToLive", fallback: "1 hour" }),
      // Only this process reads these names: a random secret, nothing to configure.
      hmac: digest.make(digest.randomSecret())
    }).pipe(Effect.map(({ hmac, memory }) => ({ ...memory, hmac, tier: undefined })))))

/**
 * The cache in a provided `effect/persistence` `Persistence` (a `KeyValueStore`, SQL, Redis,
 * memory), shared by every process that uses the same store and the same Kaizen base URL. The
 * building block of {@link layerKeyValueStore}.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { Layer } from "effect"
 * import * as Persistence from "effect/persistence/Persistence"
 * import * as KaizenCache from "@kaizen-effect/effect4/cache"
 * const cache = KaizenCache.layerPersistence().pipe(Layer.provide(Persistence.layerMemory))
 */
export const layerPersistence = (
  options: StoreOptions = {}
): Layer.Layer<KaizenClient, Config.ConfigError, KaizenClient | Persistence.Persistence> =>
  cachingClient(Effect.flatMap(KaizenClient, (inner) => store.settingsFor(inner, options, store.persistenceTier)))

/**
 * The cache in a provided `KeyValueStore` from `effect/persistence` (files, the browser's
 * storage with `KeyValueStore.layerStorage`, SQL, ...).
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { Layer } from "effect"
 * import * as KeyValueStore from "effect/persistence/KeyValueStore"
 * import * as KaizenCache from "@kaizen-effect/effect4/cache"
 * const cache = KaizenCache.layerKeyValueStore().pipe(Layer.provide(KeyValueStore.layerStorage(() => localStorage)))
 */
export const layerKeyValueStore = (
  options: StoreOptions = {}
): Layer.Layer<KaizenClient, Config.ConfigError, KaizenClient | KeyValueStore.KeyValueStore> =>
  layerPersistence(options).pipe(Layer.provide(Persistence.layerKvs))

/**
 * The cache in files under `directory` (created if missing), on Node: shared by the processes
 * of one machine and kept across restarts. Each entry is written whole (a file of its own,
 * renamed into place), so a process never reads half of another's.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { Layer } from "effect"
 * import * as KaizenNode from "@kaizen-effect/effect4/node"
 * import * as KaizenCache from "@kaizen-effect/effect4/cache"
 * const live = KaizenCache.layerFileSystem(".kaizen-cache").pipe(Layer.provide(KaizenNode.layerConfig()))
 */
export const layerFileSystem = (
  directory: string,
  options: StoreOptions = {}
): Layer.Layer<KaizenClient, Config.ConfigError | PlatformError.PlatformError, KaizenClient> =>
  // node:fs is loaded when the layer is built: the memory cache must not pull in Node modules.
  layerKeyValueStore(options).pipe(Layer.provide(files.layerKeyValueStore(directory)))

/**
 * The cache in Redis (over `ioredis` 5, one connection per process), shared by every process
 * of the fleet that uses the same Redis and Kaizen base URL. If Redis is down
 * or slow, calls go to Kaizen uncached (logged once per outage, counted in
 * {@link storeErrors}); they never fail because of it.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { Layer } from "effect"
 * import * as KaizenNode from "@kaizen-effect/effect4/node"
 * import * as KaizenCache from "@kaizen-effect/effect4/cache"
 * const live = KaizenCache.layerRedis({ redis: { host: "127.0.0.1", port: 6379 } }).pipe(
 *   Layer.provide(KaizenNode.layerConfig())
 * )
 */
export const layerRedis = (options: RedisOptions): Layer.Layer<KaizenClient, Config.ConfigError, KaizenClient> =>
  cachingClient(Effect.flatMap(KaizenClient, (inner) =>
    store.settingsFor(inner, options, (common) =>
      Effect.map(
        redis.acquire(options.redis, "the cache is skipped (calls go to Kaizen uncached)"),
        (connection) => redisTier.make(connection, common)
      ))))

/**
 * Makes the fleet's limiter: a `KaizenConfig.RateLimit` for the client's `rateLimiter` option
 * (where the Effect 3 line's is an `effect/RateLimiter`, the same `task => task` shape). Its
 * Redis connection lives as long as the Scope. A bad option fails with a `ConfigError` naming it.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { Effect } from "effect"
 * import { KaizenClient } from "@kaizen-effect/effect4"
 * import * as KaizenCache from "@kaizen-effect/effect4/cache"
 * const kaizen = Effect.flatMap(
 *   KaizenCache.makeFleetLimiter({ redis: { port: 6379 }, key: "kaizen:acme", maxRequestsPerSecond: 50 }),
 *   (rateLimiter) => KaizenClient.make({ rateLimiter })
 * )
 */
export const makeFleetLimiter = (
  options: FleetLimitOptions
): Effect.Effect<RateLimit, Config.ConfigError, Scope.Scope> =>
  fleetLimit.make(options)

/**
 * A `KaizenClient` whose attempts pass the fleet's limit: `client` builds the client layer
 * from the limiter (pass it as the `rateLimiter` option), so any transport and configuration
 * works. Waiting for a permit is interruptible and counts against the call's deadline.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import * as KaizenNode from "@kaizen-effect/effect4/node"
 * import * as KaizenCache from "@kaizen-effect/effect4/cache"
 * const live = KaizenCache.layerFleetLimit(
 *   { redis: { host: "127.0.0.1", port: 6379 }, key: "kaizen:acme", maxRequestsPerSecond: 50 },
 *   (rateLimiter) => KaizenNode.layer({ baseUrl: "http://127.0.0.1:8787", rateLimiter })
 * )
 */
export const layerFleetLimit = <E, R>(
  options: FleetLimitOptions,
  client: (rateLimiter: RateLimit) => Layer.Layer<KaizenClient, E, R>
): Layer.Layer<KaizenClient, Config.ConfigError | E, R> =>
  Layer.unwrap(Effect.map(makeFleetLimiter(options), client))

/**
 * Whether a response was served without a request of its own: from the cache, or by joining
 * an identical call in flight. Such a response's `requestId` is the ID the call would have
 * sent; nothing was sent with it.
 *
 * @since 0.1.0
 * @category observability
 * @example
 * import { Effect } from "effect"
 * import { KaizenClient } from "@kaizen-effect/effect4"
 * import * as KaizenCache from "@kaizen-effect/effect4/cache"
 * const wasCached = Effect.flatMap(KaizenClient, (k) => k.compress({ data: [1] })).pipe(
 *   Effect.map(KaizenCache.isCached)
 * )
 */
export const isCached: (response: object) => boolean = client.isCached

/**
 * Calls answered without a request of their own (`kaizen_cache_hits`).
 *
 * @since 0.1.0
 * @category observability
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenCache from "@kaizen-effect/effect4/cache"
 * const hitCount = Effect.map(Metric.value(KaizenCache.hits), (state) => state.count)
 */
export const hits: Metric.Counter<number> = metrics.hits

/**
 * Cacheable calls that sent a request (`kaizen_cache_misses`).
 *
 * @since 0.1.0
 * @category observability
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenCache from "@kaizen-effect/effect4/cache"
 * const missCount = Effect.map(Metric.value(KaizenCache.misses), (state) => state.count)
 */
export const misses: Metric.Counter<number> = metrics.misses

/**
 * Store operations that could not use the shared store (`kaizen_cache_store_errors`).
 *
 * @since 0.1.0
 * @category observability
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenCache from "@kaizen-effect/effect4/cache"
 * const outages = Effect.map(Metric.value(KaizenCache.storeErrors), (state) => state.count)
 */
export const storeErrors: Metric.Counter<number> = metrics.storeErrors

/**
 * Attempts that took the per-process limit because Redis was unavailable
 * (`kaizen_rate_limit_fallbacks`).
 *
 * @since 0.1.0
 * @category observability
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenCache from "@kaizen-effect/effect4/cache"
 * const fallbacks = Effect.map(Metric.value(KaizenCache.rateLimitFallbacks), (state) => state.count)
 */
export const rateLimitFallbacks: Metric.Counter<number> = metrics.rateLimitFallbacks
