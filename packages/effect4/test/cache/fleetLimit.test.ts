/**
 * The fleet limiter's own decisions (src/cache/fleetLimit.ts), over the schedule in memory
 * under a TestClock: the pace, a rate below 1/s, the fleet-wide pause on a 429, and what a
 * process does when Redis cannot be reached. fleet.test.ts runs the same limiter across
 * processes on a real redis-server, with the schedule's Lua scripts.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Metric from "effect/Metric"
import * as TestClock from "effect/testing/TestClock"
import { limitSettings, makeLimiter } from "../../src/cache/fleetLimit.js"
import { KaizenAPIError, type KaizenConfig } from "../../src/index.js"
import * as KaizenCache from "../../src/KaizenCache.js"
import { memorySchedule } from "./support/memorySchedule.js"

const limits = (maxRequestsPerSecond: number, fleetSize?: number) =>
  limitSettings({
    key: "fleet",
    maxRequestsPerSecond,
    maxRequestsPerMinute: undefined,
    fleetSize,
    timeout: Duration.seconds(5)
  })

const fallbacks = Effect.map(Metric.value(KaizenCache.rateLimitFallbacks), (state) => state.count)

const tooManyRequests = (retryAfter: Duration.Input) =>
  new KaizenAPIError({
    statusCode: 429,
    message: "slow down",
    method: "POST",
    path: "/v1/compress",
    payload: undefined,
    headers: {},
    retryAfter: Duration.fromInputUnsafe(retryAfter)
  })

/** Forks `n` calls through the limiter; `started` counts those whose task has begun. */
const fork = (limiter: KaizenConfig.RateLimit, n: number) =>
  Effect.gen(function*() {
    const counter = { started: 0 }
    const fiber = yield* Effect.forkChild(
      Effect.all(Array.from({ length: n }, () => limiter(Effect.sync(() => counter.started++))), { concurrency: "unbounded" })
    )
    return { counter, fiber }
  })

describe("the fleet limiter", () => {
  it.effect("starts are paced one every interval/limit, and at most the limit start in any window plus the headroom: no burst, even at first", () =>
    Effect.gen(function*() {
      const { schedule } = memorySchedule()
      // 2/s: one start every 500 ms, and at most 2 in any 1200 ms.
      const limiter = yield* makeLimiter(limits(2), schedule)
      const { counter, fiber } = yield* fork(limiter, 4)
      yield* TestClock.adjust("0 millis")
      expect(counter.started).toBe(1)
      yield* TestClock.adjust("499 millis")
      expect(counter.started).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect(counter.started).toBe(2)
      // The third slot (1000) waits for the first start to leave the window (1200).
      yield* TestClock.adjust("699 millis")
      expect(counter.started).toBe(2)
      yield* TestClock.adjust("1 millis")
      expect(counter.started).toBe(3)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect(counter.started).toBe(4)
    }))

  it.effect("a rate below 1/s works: 0.5/s is one start every 2 s (2.4 s with the headroom)", () =>
    Effect.gen(function*() {
      const { schedule } = memorySchedule()
      const limiter = yield* makeLimiter(limits(0.5), schedule)
      const { counter, fiber } = yield* fork(limiter, 3)
      yield* TestClock.adjust("0 millis")
      expect(counter.started).toBe(1)
      yield* TestClock.adjust("2399 millis")
      expect(counter.started).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect(counter.started).toBe(2)
      yield* TestClock.adjust("2400 millis")
      yield* Fiber.join(fiber)
      expect(counter.started).toBe(3)
    }))

  it.effect("a 429 with Retry-After seen by one process pauses the others on the schedule until then", () =>
    Effect.gen(function*() {
      const { schedule } = memorySchedule()
      // 10/s: slots every 100 ms. This process takes 0 and 100 (the one answered 429), the other 200.
      const seeing = yield* makeLimiter(limits(10), schedule)
      const other = yield* makeLimiter(limits(10), schedule)
      yield* seeing(Effect.void)
      const refused = yield* Effect.forkChild(Effect.flip(seeing(Effect.fail(tooManyRequests("3 seconds")))))
      yield* TestClock.adjust("0 millis")
      const { counter, fiber } = yield* fork(other, 1)
      yield* TestClock.adjust("100 millis")
      yield* Fiber.join(refused)
      // Paused until 100 + 3000: the other's slot at 200 is not used.
      yield* TestClock.adjust("2999 millis")
      expect(counter.started).toBe(0)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      expect(counter.started).toBe(1)
    }))

  it.effect("every start is logged on the schedule, and none makes more than the limit in any window", () =>
    Effect.gen(function*() {
      const { schedule, state } = memorySchedule()
      // 2/s: at most 2 starts in any 1200 ms, paced 500 ms apart.
      const limiter = yield* makeLimiter(limits(2), schedule)
      yield* limiter(Effect.void)
      const { counter, fiber } = yield* fork(limiter, 2)
      yield* TestClock.adjust("0 millis")
      // The log holds the starts at 0 and 500; the third may start only once 0 has left the window.
      yield* TestClock.adjust("1199 millis")
      expect(counter.started).toBe(1)
      expect(state.log).toEqual([0, 500])
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      expect(counter.started).toBe(2)
      expect(state.log).toEqual([500, 1200])
    }))

  it.effect("Redis unreachable: each process paces itself at limit / fleetSize, counted, and back on the schedule when Redis is", () =>
    Effect.gen(function*() {
      const { schedule, state } = memorySchedule()
      // 10/s over 2 processes: 5/s each, one start every 200 ms.
      const limiter = yield* makeLimiter(limits(10, 2), schedule)
      yield* limiter(Effect.void)
      const before = yield* fallbacks
      state.down = true
      const { counter, fiber } = yield* fork(limiter, 3)
      // No fresh burst: the first start on its own waits for this process's pace (200 ms).
      yield* TestClock.adjust("199 millis")
      expect(counter.started).toBe(0)
      yield* TestClock.adjust("1 millis")
      expect(counter.started).toBe(1)
      yield* TestClock.adjust("400 millis")
      yield* Fiber.join(fiber)
      expect(counter.started).toBe(3)
      expect((yield* fallbacks) - before).toBe(3)
      expect(state.reports).toBe(3)
      // Redis back: the next permit comes from the schedule again.
      state.down = false
      const reserved = state.reserved
      yield* limiter(Effect.void)
      expect(state.reserved).toBe(reserved + 1)
      expect((yield* fallbacks) - before).toBe(3)
    }))
})
