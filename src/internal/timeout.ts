/**
 * The per-attempt timeout: on the live clock one child fiber and a timer instead of `Effect.timeoutFail`'s
 * race (BENCHMARKS.md, "Why the machinery exists"; test/timeout.test.ts); under a `TestClock`, `Effect.timeoutFail`.
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"

const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock)

// setTimeout's limit: a longer delay fires at once. Longer timeouts take Effect.timeoutFail.
const MAX_TIMER_MILLIS = 2 ** 31 - 1

/** Fails with `onTimeout()` unless `self` completes within `millis`; on expiry `self` is interrupted first. */
export const timeoutFail = <A, E, R, E2>(
  self: Effect.Effect<A, E, R>,
  millis: number,
  onTimeout: () => E2
): Effect.Effect<A, E | E2, R> =>
  Effect.clockWith((clock) => {
    if (clock !== liveClock || !(millis <= MAX_TIMER_MILLIS)) {
      return Effect.timeoutFail(self, { duration: millis, onTimeout })
    }
    return Effect.flatMap(Effect.fork(self), (fiber) => {
      let timer: ReturnType<typeof setTimeout> | undefined
      return Effect.uninterruptibleMask((restore) =>
        Effect.catchAllCause(
          restore(Effect.async<A, E | E2>((resume) => {
            let expired = false
            timer = setTimeout(() => {
              expired = true
              fiber.unsafeInterruptAsFork(fiber.id())
            }, millis)
            // After the child's finalizers: an expired attempt's abort has run.
            fiber.addObserver((exit) => {
              clearTimeout(timer)
              resume(expired && Exit.isInterrupted(exit) ? Effect.fail(onTimeout()) : exit)
            })
          })),
          // The attempt failed or the caller interrupted: stop the clock, interrupt the attempt, await it.
          (cause) => {
            clearTimeout(timer)
            return Effect.zipRight(Fiber.interrupt(fiber), Effect.failCause(cause))
          }
        )
      )
    })
  })
