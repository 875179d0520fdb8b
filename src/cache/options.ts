/**
 * The Redis options of the cache and the fleet limit, apart from the layers so that the
 * internal modules name them without importing the face (re-exported by `KaizenCache`).
 */
import type * as Duration from "effect/Duration"

/**
 * Where Redis is: the options of `new Redis(options)` of `ioredis` (host, port, password, db,
 * tls, ...), any of which may be given. Typed here, not imported from `ioredis`, so that this
 * module's types check without `ioredis` installed.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type * as KaizenCache from "kaizen-effect/cache"
 * const redis: KaizenCache.RedisConnection = { host: "127.0.0.1", port: 6379, db: 2 }
 */
export interface RedisConnection {
  readonly host?: string | undefined
  readonly port?: number | undefined
  /** A Unix socket instead of host and port. */
  readonly path?: string | undefined
  readonly username?: string | undefined
  readonly password?: string | undefined
  readonly db?: number | undefined
  readonly tls?: object | undefined
  readonly connectTimeout?: number | undefined
  /** Default 0 here (ioredis's own: 20): a command caught by a dropped connection fails at once. */
  readonly maxRetriesPerRequest?: number | null | undefined
  readonly [option: string]: unknown
}

/**
 * A rate limit shared through Redis by every process that uses the same `key`.
 *
 * What it guarantees, while Redis answers: across the fleet, at most `maxRequestsPerSecond`
 * attempts arrive at the server in any window of one second (any, not per calendar second: how
 * servers count), retries included, from the first second on. An attempt starts only while
 * fewer than the limit are in flight or were answered within the interval (an arrival lies
 * between the two), so no delay between Redis and the server can break it; the fleet achieves
 * `limit × interval / (interval + latency)`. Starts are paced one every `interval / limit`, at
 * least half that apart; with `maxRequestsPerMinute`, also paced to that rate. A rate below 1/s
 * is one start per `1/rate` seconds (0.5: one every 2 s). A 429 with `Retry-After` seen by any
 * process pauses every process on the key until then.
 *
 * If Redis cannot be reached (connection refused or closed, authentication refused) or gives
 * no answer at all within `timeout`, each process starts nothing for one interval (the fleet's
 * last starts are in Redis, out of reach), then keeps to its share, the limit over `fleetSize`
 * (paced, and that many calls in flight or answered within the interval, counting those made
 * before: no fresh burst), and asks Redis again after each wait; back on Redis it
 * hands over the calls made meanwhile and keeps to its share one more interval. Logged once,
 * counted in `KaizenCache.rateLimitFallbacks`. A slow answer is waited for, never taken for an
 * outage.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type * as KaizenCache from "kaizen-effect/cache"
 * const limit: KaizenCache.FleetLimitOptions = {
 *   redis: { host: "127.0.0.1", port: 6379 },
 *   key: "kaizen:acme-account",
 *   maxRequestsPerSecond: 50,
 *   maxRequestsPerMinute: 2000
 * }
 */
export interface FleetLimitOptions {
  /** Passed to `new Redis(...)` of `ioredis`; a cache given the same options shares the connection. */
  readonly redis: RedisConnection
  /** The shared name: every process using this key shares one limit (e.g. one per Kaizen account). */
  readonly key: string
  readonly maxRequestsPerSecond: number
  readonly maxRequestsPerMinute?: number | undefined
  /**
   * How many processes share the limit, for each one's share in an outage (default: the number
   * of processes that took a permit on this key in the last minute, as last seen in Redis; 1 if
   * Redis was never reached).
   */
  readonly fleetSize?: number | undefined
  /** A Redis command with no answer at all after this means Redis is unreachable (default 5 s). */
  readonly timeout?: Duration.DurationInput | undefined
}
