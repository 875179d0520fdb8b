/**
 * The fleet limiter's own decisions (src/cache/fleetLimit.ts), over the schedule in memory
 * under a TestClock: the pace, a rate below 1/s, the fleet-wide pause on a 429, and what a
 * process does when Redis cannot be reached. fleet.test.ts runs the same limiter across
 * processes on a real redis-server, with the schedule's Lua scripts.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Metric, TestClock } from "effect"
import { makeLimiter } from "../../src/cache/fleetLimit.js"
import { limitSettings } from "../../src/cache/fleetSchedule.js"
import * as KaizenCache from "../../src/KaizenCache.js"
import { KaizenAPIError } from "../../src/index.js"
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

const tooManyRequests = (retryAfter: Duration.DurationInput) =>
  new KaizenAPIError({
    statusCode: 429,
    message: "slow down",
    method: "POST",
    path: "/v1/compress",
    payload: undefined,
    headers: {},
    retryAfter: Duration.decode(retryAfter)
  })

/** Forks `n` calls through the limiter; `started` counts those whose task has begun. */
const fork = (limiter: <A, E, R>(task: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>, n: number) =>
  Effect.gen(function*() {
    const counter = { started: 0 }
    const fiber = yield* Effect.fork(
      Effect.all(Array.from({ length: n }, () => limiter(Effect.sync(() => counter.started++))), { concurrency: "unbounded" })
    )
    return { counter, fiber }
  })

describe("the fleet limiter", () => {
  it.scoped("starts are paced one every interval/limit, and a call counts until its answer plus the interval: no burst, even at first", () =>
    Effect.gen(function*() {
      const { schedule } = memorySchedule()
      // 2/s: slots every 500 ms, and at most 2 calls in flight or answered within 1000 ms.
      const limiter = yield* makeLimiter(limits(2), schedule)
      const counter = { started: 0 }
      // Each call takes 300 ms to be answered.
      const call = limiter(Effect.zipRight(Effect.sync(() => counter.started++), Effect.sleep("300 millis")))
      const fiber = yield* Effect.fork(Effect.all([call, call, call, call], { concurrency: "unbounded" }))
      yield* TestClock.adjust("0 millis")
      expect(counter.started).toBe(1)
      yield* TestClock.adjust("499 millis")
      expect(counter.started).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect(counter.started).toBe(2)
      // The third slot (1000) waits for the first answer (300) to leave the window (1300).
      yield* TestClock.adjust("799 millis")
      expect(counter.started).toBe(2)
      yield* TestClock.adjust("1 millis")
      expect(counter.started).toBe(3)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(fiber)
      expect(counter.started).toBe(4)
    }))

  it.scoped("a rate below 1/s works: 0.5/s is one start every 2 s", () =>
    Effect.gen(function*() {
      const { schedule } = memorySchedule()
      const limiter = yield* makeLimiter(limits(0.5), schedule)
      const { counter, fiber } = yield* fork(limiter, 3)
      yield* TestClock.adjust("0 millis")
      expect(counter.started).toBe(1)
      yield* TestClock.adjust("1999 millis")
      expect(counter.started).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect(counter.started).toBe(2)
      yield* TestClock.adjust("2000 millis")
      yield* Fiber.join(fiber)
      expect(counter.started).toBe(3)
    }))

  it.scoped("a 429 with Retry-After seen by one process pauses the others on the schedule until then", () =>
    Effect.gen(function*() {
      const { schedule } = memorySchedule()
      // 10/s: slots every 100 ms. This process takes 0 and 100 (the one answered 429), the other 200.
      const seeing = yield* makeLimiter(limits(10), schedule)
      const other = yield* makeLimiter(limits(10), schedule)
      yield* seeing(Effect.void)
      const refused = yield* Effect.fork(Effect.flip(seeing(Effect.fail(tooManyRequests("3 seconds")))))
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

  it.scoped("a call in flight holds its place until it is answered, and the interval after that", () =>
    Effect.gen(function*() {
      const { schedule, state } = memorySchedule()
      // 2/s: two calls that hang; the third waits for one of them, however long it takes.
      const limiter = yield* makeLimiter(limits(2), schedule)
      const hanging = yield* Effect.fork(Effect.all([limiter(Effect.never), limiter(Effect.never)], { concurrency: "unbounded" }))
      const { counter, fiber } = yield* fork(limiter, 1)
      yield* TestClock.adjust("5 seconds")
      expect(counter.started).toBe(0)
      expect(state.flying.size).toBe(2)
      // Interrupted at 5 s: both are answered then (told to the schedule), and leave at 6 s.
      yield* Fiber.interrupt(hanging)
      yield* TestClock.adjust("0 millis")
      expect(state.flying.size).toBe(0)
      expect(state.answered).toEqual([5000, 5000])
      yield* TestClock.adjust("999 millis")
      expect(counter.started).toBe(0)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      expect(counter.started).toBe(1)
      expect(state.starts).toEqual([0, 500, 6000])
    }))

  it.scoped("Redis unreachable: each process paces itself at limit / fleetSize, counted, and back on the schedule when Redis is", () =>
    Effect.gen(function*() {
      const { schedule, state } = memorySchedule()
      // 10/s over 2 processes: 5/s each, one start every 200 ms.
      const limiter = yield* makeLimiter(limits(10, 2), schedule)
      yield* limiter(Effect.void)
      const before = yield* fallbacks
      state.down = true
      const { counter, fiber } = yield* fork(limiter, 3)
      // No fresh burst: the fleet's last second is in Redis, out of reach, so nothing starts for
      // one interval (1000 ms); then one start every 200 ms.
      yield* TestClock.adjust("999 millis")
      expect(counter.started).toBe(0)
      yield* TestClock.adjust("1 millis")
      expect(counter.started).toBe(1)
      yield* TestClock.adjust("199 millis")
      expect(counter.started).toBe(1)
      yield* TestClock.adjust("201 millis")
      yield* Fiber.join(fiber)
      expect(counter.started).toBe(3)
      expect((yield* fallbacks) - before).toBe(3)
      // Every fall-back is reported (the connection logs one WARN per outage: fleet.test.ts).
      expect(state.reports).toBeGreaterThanOrEqual(3)
      // Redis back: the next permit comes from the schedule again.
      state.down = false
      const reserved = state.reserved
      const back = yield* Effect.fork(limiter(Effect.void))
      yield* TestClock.adjust("0 millis")
      // First, Redis is told of the three calls made meanwhile (a restarted Redis knows none);
      // then, for one window, the process also keeps to its own pace (its next start: 1600).
      expect(state.handedOver).toEqual([1000, 1200, 1400])
      expect(state.reserved).toBe(reserved)
      yield* TestClock.adjust("200 millis")
      yield* Fiber.join(back)
      expect(state.reserved).toBe(reserved + 1)
      expect((yield* fallbacks) - before).toBe(3)
    }))

  it.scoped("the fleet's size as Redis counts it; a smaller count (a restarted Redis) is believed only a minute later", () =>
    Effect.gen(function*() {
      const { schedule, state } = memorySchedule()
      // 10/s, no fleetSize: the share in an outage follows the processes Redis counted.
      const limiter = yield* makeLimiter(limits(10), schedule)
      state.fleet = 4
      yield* limiter(Effect.void)
      // Redis restarted: it has counted this process only, so far.
      state.fleet = 1
      const second = yield* Effect.fork(limiter(Effect.void))
      yield* TestClock.adjust("100 millis")
      yield* Fiber.join(second)
      state.down = true
      const { counter, fiber } = yield* fork(limiter, 2)
      // The outage's first interval starts nothing (to 1100); then still a quarter of 10/s: the
      // next start 400 ms later (1500), not 100 ms (1200).
      yield* TestClock.adjust("999 millis")
      expect(counter.started).toBe(0)
      yield* TestClock.adjust("1 millis")
      expect(counter.started).toBe(1)
      yield* TestClock.adjust("399 millis")
      expect(counter.started).toBe(1)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      expect(counter.started).toBe(2)
      // A minute on, Redis's count is believed: in the next outage, one start every 100 ms.
      state.down = false
      const back = yield* Effect.fork(limiter(Effect.void))
      yield* TestClock.adjust("61 seconds")
      yield* Fiber.join(back)
      yield* limiter(Effect.void)
      state.down = true
      const later = yield* fork(limiter, 2)
      yield* TestClock.adjust("1000 millis")
      expect(later.counter.started).toBe(1)
      yield* TestClock.adjust("99 millis")
      expect(later.counter.started).toBe(1)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(later.fiber)
      expect(later.counter.started).toBe(2)
    }))

  it.scoped("in an outage a process keeps fewer than limit / fleetSize calls in flight or answered within the interval", () =>
    Effect.gen(function*() {
      const { schedule, state } = memorySchedule()
      // 10/s over 2 processes: 5 per second each, one start every 200 ms; calls take 2 s.
      const limiter = yield* makeLimiter(limits(10, 2), schedule)
      state.down = true
      const counter = { started: 0 }
      const call = limiter(Effect.zipRight(Effect.sync(() => counter.started++), Effect.sleep("2 seconds")))
      const fiber = yield* Effect.fork(Effect.all(Array.from({ length: 6 }, () => call), { concurrency: "unbounded" }))
      yield* TestClock.adjust("800 millis")
      expect(counter.started).toBe(5)
      // The sixth waits for the first answer (2000) to leave the window (3000).
      yield* TestClock.adjust("2199 millis")
      expect(counter.started).toBe(5)
      yield* TestClock.adjust("1 millis")
      expect(counter.started).toBe(6)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(fiber)
    }))
})

describe("the client's own limiter (maxRequestsPerSecond) below 1/s", () => {
  it.effect("0.5/s is one request every 2 s, not none at all", () =>
    Effect.gen(function*() {
      const { json, mockHttp } = yield* Effect.promise(() => import("../support/mockHttp.js"))
      const { KaizenClient } = yield* Effect.promise(() => import("../../src/index.js"))
      const kaizen = mockHttp(() => json({ operation: "compress", status: "success", result: "a: 1" }))
      const client = yield* KaizenClient.make({ maxRequestsPerSecond: 0.5, retry: false }).pipe(Effect.provide(kaizen.layer))
      const calls = yield* Effect.fork(Effect.all([1, 2, 3].map((data) => client.compress({ data })), { concurrency: "unbounded" }))
      yield* TestClock.adjust("0 millis")
      expect(kaizen.requests).toHaveLength(1)
      yield* TestClock.adjust("1999 millis")
      expect(kaizen.requests).toHaveLength(1)
      yield* TestClock.adjust("1 millis")
      expect(kaizen.requests).toHaveLength(2)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(calls)
      expect(kaizen.requests).toHaveLength(3)
    }).pipe(Effect.scoped))
})
