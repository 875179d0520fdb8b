/**
 * Event-driven waiting for the loopback servers: a condition is re-checked whenever the server
 * signals that something happened (a request, a socket opening or closing), so tests wait exactly
 * as long as needed instead of sleeping a fixed time.
 */
import { Duration, Effect } from "effect"

export interface Signals {
  /** Call on every event that may change a condition. */
  readonly notify: () => void
  /**
   * Resumes as soon as `condition` holds. Dies (failing the test with `what` and `state()`) if it
   * does not hold within `within`: a bound on a hang, not a timing assertion.
   */
  readonly waitUntil: (what: string, condition: () => boolean, within?: Duration.DurationInput) => Effect.Effect<void>
}

export const make = (name: string, state: () => string): Signals => {
  const waiters = new Set<() => void>()
  const notify = () => {
    for (const waiter of [...waiters]) waiter()
  }
  const waitUntil = (what: string, condition: () => boolean, within: Duration.DurationInput = "5 seconds") =>
    Effect.async<void>((resume) => {
      if (condition()) return resume(Effect.void)
      const check = () => {
        if (!condition()) return
        cleanup()
        resume(Effect.void)
      }
      const timer = setTimeout(() => {
        cleanup()
        resume(Effect.dieMessage(`${name}: not ${what} within ${Duration.format(within)} (${state()})`))
      }, Duration.toMillis(within))
      const cleanup = () => {
        clearTimeout(timer)
        waiters.delete(check)
      }
      waiters.add(check)
      return Effect.sync(cleanup)
    })
  return { notify, waitUntil }
}
