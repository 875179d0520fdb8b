/**
 * The fleet limiter's own decisions (src/cache/fleetLimit.ts), over an in-memory store under a
 * TestClock: which bucket is asked first, and what a call does when the store cannot answer.
 * fleet.test.ts shows the same limiter across processes on a real redis-server.
 */
import * as ExperimentalRateLimiter from "@effect/experimental/RateLimiter"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Metric, TestClock } from "effect"
import * as KaizenCache from "../../src/KaizenCache.js"
import { type LimitSettings, makeLimiter } from "../../src/cache/fleetLimit.js"

const settings = (overrides: Partial<LimitSettings> = {}): LimitSettings => ({
  key: "fleet",
  maxRequestsPerSecond: 5,
  maxRequestsPerMinute: undefined,
  timeout: Duration.millis(250),
  retryAfter: Duration.hours(1),
  ...overrides
})

/** The in-memory store, recording the key of every bucket asked, in order. */
const recordingStore = Effect.gen(function*() {
  const store = yield* ExperimentalRateLimiter.RateLimiterStore
  const asked: Array<string> = []
  const recording = ExperimentalRateLimiter.RateLimiterStore.of({
    fixedWindow: (options) => Effect.zipRight(Effect.sync(() => asked.push(options.key)), store.fixedWindow(options)),
    tokenBucket: (options) => Effect.zipRight(Effect.sync(() => asked.push(options.key)), store.tokenBucket(options))
  })
  return { store, recording, asked }
}).pipe(Effect.provide(ExperimentalRateLimiter.layerStoreMemory))

/** A store that is down: every operation fails as a Redis connection error would. */
const downStore = ExperimentalRateLimiter.RateLimiterStore.of({
  fixedWindow: () => Effect.fail(new ExperimentalRateLimiter.RateLimitStoreError({ message: "connection refused" })),
  tokenBucket: () => Effect.fail(new ExperimentalRateLimiter.RateLimitStoreError({ message: "connection refused" }))
})

const fallbacks = Effect.map(Metric.value(KaizenCache.rateLimitFallbacks), (state) => state.count)

describe("the fleet limiter", () => {
  it.scoped("asks for the minute's permit first: a call waiting for the minute holds no second's slot", () =>
    Effect.gen(function*() {
      const { asked, recording, store } = yield* recordingStore
      const limiter = yield* makeLimiter(settings({ maxRequestsPerSecond: 5, maxRequestsPerMinute: 1 })).pipe(
        Effect.provideService(ExperimentalRateLimiter.RateLimiterStore, recording)
      )
      let ran = 0
      const task = Effect.sync(() => ran++)
      yield* limiter(task)
      expect(asked).toEqual(["fleet:minute", "fleet:second"])

      // The minute's only permit is taken: the next call waits a minute for it.
      const waiting = yield* Effect.fork(limiter(task))
      // Less than one refill of the second's bucket (200 ms): it has what the first call left.
      yield* TestClock.adjust("100 millis")
      expect(ran).toBe(1)
      // It asked for the minute alone; the second's bucket still has 4 of its 5 permits.
      expect(asked).toEqual(["fleet:minute", "fleet:second", "fleet:minute"])
      const secondsLeft = yield* store.tokenBucket({
        key: "fleet:second",
        tokens: 0,
        limit: 5,
        refillRate: Duration.millis(200),
        allowOverflow: false
      })
      expect(secondsLeft).toBe(4)

      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(waiting)
      expect(ran).toBe(2)
      expect(asked).toEqual(["fleet:minute", "fleet:second", "fleet:minute", "fleet:second"])
    }))

  it.scoped("with the store down, calls keep to this process's own limit at the same rate", () =>
    Effect.gen(function*() {
      const limiter = yield* makeLimiter(settings({ maxRequestsPerSecond: 2 })).pipe(
        Effect.provideService(ExperimentalRateLimiter.RateLimiterStore, downStore)
      )
      const before = yield* fallbacks
      let ran = 0
      const calls = yield* Effect.fork(
        Effect.all(Array.from({ length: 3 }, () => limiter(Effect.sync(() => ran++))), { concurrency: "unbounded" })
      )
      // A local bucket of 2 refilled every 500 ms: two calls at once, the third waits.
      yield* TestClock.adjust("100 millis")
      expect(ran).toBe(2)
      expect((yield* fallbacks) - before).toBe(3)
      yield* TestClock.adjust("400 millis")
      yield* Fiber.join(calls)
      expect(ran).toBe(3)
    }))

  it.scoped("with the store answering, its permits pace the calls and nothing falls back", () =>
    Effect.gen(function*() {
      const { recording } = yield* recordingStore
      const limiter = yield* makeLimiter(settings({ maxRequestsPerSecond: 2 })).pipe(
        Effect.provideService(ExperimentalRateLimiter.RateLimiterStore, recording)
      )
      const before = yield* fallbacks
      let ran = 0
      const calls = yield* Effect.fork(
        Effect.all(Array.from({ length: 4 }, () => limiter(Effect.sync(() => ran++))), { concurrency: "unbounded" })
      )
      yield* TestClock.adjust("100 millis")
      expect(ran).toBe(2)
      yield* TestClock.adjust("900 millis")
      yield* Fiber.join(calls)
      expect(ran).toBe(4)
      expect((yield* fallbacks) - before).toBe(0)
    }))
})
