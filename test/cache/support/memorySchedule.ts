/**
 * The fleet limit's schedule in memory, on the Effect Clock (a TestClock in tests): the same
 * decisions as the Lua scripts in src/cache/fleetLimit.ts, so the limiter's own logic can be
 * tested with time under the test's control. `down` makes every operation fail as an
 * unreachable Redis does; `skew` moves the schedule's clock ahead of the limiter's.
 */
import { Clock, Effect } from "effect"
import type { Schedule, Slot } from "../../../src/cache/fleetLimit.js"
import { Unavailable } from "../../../src/cache/redis.js"

export const memorySchedule = () => {
  const state = { next: 0, paused: 0, down: false, skew: 0, reserved: 0, confirmed: 0, reports: 0 }
  const now = Effect.map(Clock.currentTimeMillis, (t) => t + state.skew)
  const take = (at: number, spacing: number) => {
    const slot = Math.max(at, state.next, state.paused)
    state.next = slot + spacing
    return slot
  }
  const guarded = <A>(f: (now: number) => A): Effect.Effect<A, Unavailable> =>
    Effect.flatMap(now, (t) => (state.down ? Effect.fail(new Unavailable("connection refused", false)) : Effect.succeed(f(t))))
  const schedule: Schedule = {
    reserve: (spacing) =>
      guarded((t): Slot => {
        state.reserved++
        const at = take(t, spacing)
        return { waitMillis: at - t, at, fleetSize: undefined }
      }),
    confirm: (at, spacing, late) =>
      guarded((t): Slot => {
        state.confirmed++
        if ((state.paused > at && state.paused > t) || t - at > late) {
          const again = take(t, spacing)
          return { waitMillis: again - t, at: again }
        }
        return { waitMillis: 0, at }
      }),
    pause: (millis) =>
      guarded((t) => {
        state.paused = Math.max(state.paused, t + millis)
        state.next = Math.max(state.next, state.paused)
      }),
    report: () => Effect.sync(() => void state.reports++)
  }
  return { schedule, state }
}
