/**
 * The per-attempt timeout for a transport that does not enforce one itself (a mock, the
 * platform's clients): one forked fiber and one platform timer, instead of
 * `Effect.timeoutFail`'s race.
 *
 * `Effect.timeoutFail` races the attempt against `Effect.sleep` through `raceFibersWith`: two
 * forked fibers, the race's bookkeeping and a FiberRefs merge, about 45 µs of CPU per call on
 * an in-memory transport, more than the rest of the client together. On the live clock the
 * same semantics need the attempt in one child fiber and a `setTimeout`: on expiry the child
 * is interrupted, its interruption awaited (so its finalizers, e.g. an aborted request, have
 * run), and then the timeout error returned. Measured by `npm run bench:cpu`.
 *
 * Under any other clock (a test's `TestClock`) time is not the platform's: there
 * `Effect.timeoutFail` does the work, so the test's clock decides when the attempt expires.
 *
 * @internal
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
      // As in internal/undiciDispatch.ts: an interruptible wait inside `uninterruptibleMask`
      // whose failure handler cleans up, instead of `Effect.async` with a canceler (an
      // `onInterrupt`, several steps more per call).
      return Effect.uninterruptibleMask((restore) =>
        Effect.catchAllCause(
          restore(Effect.async<A, E | E2>((resume) => {
            let expired = false
            timer = setTimeout(() => {
              expired = true
              fiber.unsafeInterruptAsFork(fiber.id())
            }, millis)
            // Called once the child has ended, after its finalizers: on expiry, once the
            // interruption has finished its work.
            fiber.addObserver((exit) => {
              clearTimeout(timer)
              resume(expired && Exit.isInterrupted(exit) ? Effect.fail(onTimeout()) : exit)
            })
          })),
          // The attempt's own failure, or the caller interrupted: then stop the clock and the
          // attempt, and wait for it to end (for an attempt already over, this returns at once).
          (cause) => {
            clearTimeout(timer)
            return Effect.zipRight(Fiber.interrupt(fiber), Effect.failCause(cause))
          }
        )
      )
    })
  })
