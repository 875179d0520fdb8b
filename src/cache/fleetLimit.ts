/**
 * A rate limit shared by every process that names the same key, on `@effect/experimental`'s
 * `RateLimiter` with its Redis store, shaped as the `RateLimiter` (`task => task`) that the
 * client's `rateLimiter` option takes.
 *
 * Token buckets in Redis: one per second (capacity and refill `maxRequestsPerSecond`), and
 * optionally one per minute. A permit is reserved in Redis (one Lua call per bucket) and the
 * attempt then sleeps until its slot, so the wait is an ordinary, interruptible `Effect.sleep`
 * inside the call, which the call's deadline bounds. A reservation given up (interrupted) is
 * not returned: the fleet errs on the side of sending less.
 *
 * When Redis is unavailable or slower than `timeout`, each process falls back to its own
 * in-memory token bucket at the same rates (effect's `RateLimiter`), and tries Redis again
 * after `retryAfter` (outage.ts logs the outage once and counts each fallback).
 *
 * @internal
 */
import * as ExperimentalRateLimiter from "@effect/experimental/RateLimiter"
import * as ConfigError from "effect/ConfigError"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as RateLimiter from "effect/RateLimiter"
import type * as Scope from "effect/Scope"
import type { FleetLimitOptions } from "../KaizenCache.js"
import { rateLimitFallbacks } from "./metrics.js"
import { makeGuard } from "./outage.js"
import * as settings from "./settings.js"

export interface LimitSettings {
  readonly key: string
  readonly maxRequestsPerSecond: number
  readonly maxRequestsPerMinute: number | undefined
  readonly timeout: Duration.Duration
  readonly retryAfter: Duration.Duration
}

interface Bucket {
  readonly key: string
  readonly limit: number
  readonly window: Duration.DurationInput
}

export const makeLimiter = (
  settings: LimitSettings
): Effect.Effect<RateLimiter.RateLimiter, never, ExperimentalRateLimiter.RateLimiterStore | Scope.Scope> =>
  Effect.gen(function*() {
    const shared = yield* ExperimentalRateLimiter.make
    const guard = makeGuard({
      name: `Kaizen fleet rate limit: Redis (key "${settings.key}")`,
      fallback: "each process keeps to the limit on its own",
      timeout: settings.timeout,
      retryAfter: settings.retryAfter,
      counter: rateLimitFallbacks
    })
    const buckets: Array<Bucket> = [{ key: `${settings.key}:second`, limit: settings.maxRequestsPerSecond, window: "1 second" }]
    if (settings.maxRequestsPerMinute !== undefined) {
      buckets.unshift({ key: `${settings.key}:minute`, limit: settings.maxRequestsPerMinute, window: "1 minute" })
    }

    const locals: Array<RateLimiter.RateLimiter> = []
    for (const bucket of buckets) {
      locals.push(yield* RateLimiter.make({ limit: bucket.limit, interval: bucket.window, algorithm: "token-bucket" }))
    }
    const local = <A, E, R>(task: Effect.Effect<A, E, R>) => locals.reduceRight((inner, limit) => limit(inner), task)

    // The minute's permit first: no second's slot is held while waiting for the minute.
    const permit = (index: number): Effect.Effect<boolean> => {
      if (index === buckets.length) return Effect.succeed(true)
      const bucket = buckets[index]!
      return Effect.flatMap(
        guard.run(shared.consume({ ...bucket, algorithm: "token-bucket", onExceeded: "delay" })),
        Option.match({
          onNone: () => Effect.succeed(false),
          onSome: (result) => Effect.zipRight(Effect.sleep(result.delay), permit(index + 1))
        })
      )
    }

    return <A, E, R>(task: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.flatMap(permit(0), (granted) => (granted ? task : local(task)))
  })

/** The options checked, then the limiter over the Redis store (its connection in the Scope). */
export const make = (
  options: FleetLimitOptions
): Effect.Effect<RateLimiter.RateLimiter, ConfigError.ConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    if (options.key === "") return yield* Effect.fail(ConfigError.InvalidData(["key"], "key must not be empty"))
    const limits: LimitSettings = {
      key: options.key,
      maxRequestsPerSecond: yield* settings.positiveRate("maxRequestsPerSecond", options.maxRequestsPerSecond),
      maxRequestsPerMinute: options.maxRequestsPerMinute === undefined
        ? undefined
        : yield* settings.positiveRate("maxRequestsPerMinute", options.maxRequestsPerMinute),
      timeout: yield* settings.duration("timeout", options.timeout, "250 millis"),
      retryAfter: yield* settings.duration("retryAfter", options.retryAfter, "5 seconds")
    }
    const redis = yield* settings.optionalPeer("ioredis", () => import("@effect/experimental/RateLimiter/Redis"))
    // ioredis's own option types disagree under exactOptionalPropertyTypes; the value is theirs.
    const connection = { ...settings.redisOptions(options.redis), prefix: "kaizen-effect:rate:" } as Parameters<
      typeof redis.make
    >[0]
    const limiterStore = yield* redis.make(connection)
    return yield* makeLimiter(limits).pipe(
      Effect.provideService(ExperimentalRateLimiter.RateLimiterStore, limiterStore)
    )
  })
