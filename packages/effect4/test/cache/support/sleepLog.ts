/**
 * The TestClock, seen through a Clock that notes when each sleep would wake: Effect 4's
 * TestClock does not list its sleepers (the Effect 3 line's `TestClock.sleeps`), and a test
 * against a real Redis must know that a wait on the test's clock has begun before it moves the
 * clock. Everything else is the TestClock's own.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/testing/TestClock"

export interface SleepLog {
  /** Moves the TestClock (use this, not `TestClock.adjust`: the fiber's Clock is the logging one). */
  readonly adjust: (duration: Duration.Input) => Effect.Effect<void>
  /** Waits, letting the platform run (Redis's answers), until some sleep wakes past `at` ms. */
  readonly untilSleepingPast: (at: number) => Effect.Effect<void>
}

const turn = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1)))

export const withSleepLog = <A, E, R>(body: (log: SleepLog) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  TestClock.testClockWith((test) => {
    const wakes: Array<number> = []
    const clock: Clock.Clock = {
      currentTimeMillisUnsafe: () => test.currentTimeMillisUnsafe(),
      currentTimeMillis: test.currentTimeMillis,
      currentTimeNanosUnsafe: () => test.currentTimeNanosUnsafe(),
      currentTimeNanos: test.currentTimeNanos,
      monotonicTimeNanosUnsafe: () => test.monotonicTimeNanosUnsafe(),
      monotonicTimeNanos: test.monotonicTimeNanos,
      sleep: (duration) =>
        Effect.suspend(() => {
          wakes.push(test.currentTimeMillisUnsafe() + Duration.toMillis(duration))
          return test.sleep(duration)
        })
    }
    const log: SleepLog = {
      adjust: (duration) => test.adjust(duration),
      untilSleepingPast: (at) =>
        Effect.gen(function*() {
          while (!wakes.some((wake) => wake > at)) yield* turn
        })
    }
    return Effect.provideService(body(log), Clock.Clock, clock)
  })
