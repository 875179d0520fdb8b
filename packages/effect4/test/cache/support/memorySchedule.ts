/**
 * (The Effect 3 line's test/cache/support/memorySchedule.ts, on Effect 4.)
 * The fleet limit's schedule in memory, on the Effect Clock (a TestClock in tests): the same
 * decisions as the Lua scripts in src/cache/fleetLimit.ts, so the limiter's own logic can be
 * tested with time under the test's control. `down` makes every operation fail as an
 * unreachable Redis does; `skew` moves the schedule's clock ahead of the limiter's
 * (a worker that wakes late).
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { LimitSettings, Schedule, Slot } from "../../../src/cache/fleetLimit.js"
import { Unavailable } from "../../../src/cache/redis.js"

export const memorySchedule = () => {
  const state = { next: 0, paused: 0, down: false, skew: 0, reserved: 0, confirmed: 0, reports: 0, log: [] as Array<number> }
  const now = Effect.map(Clock.currentTimeMillis, (t) => t + state.skew)
  const take = (t: number, limits: LimitSettings) => {
    const slot = Math.max(t, state.next, state.paused)
    state.next = slot + limits.spacingMillis
    return slot
  }
  // 0 and the start logged if the log has room, else the wait until it has.
  const start = (t: number, limits: LimitSettings) => {
    state.log = state.log.filter((at) => at > t - limits.windowMillis)
    const n = state.log.length
    if (n >= limits.windowLimit) return Math.max(state.log[n - limits.windowLimit]! + limits.windowMillis - t, 0.001)
    if (n > 0 && state.log[n - 1]! + limits.spacingMillis / 2 > t) return state.log[n - 1]! + limits.spacingMillis / 2 - t
    state.log.push(t)
    return 0
  }
  const guarded = <A>(f: (now: number) => A): Effect.Effect<A, Unavailable> =>
    Effect.flatMap(now, (t) => (state.down ? Effect.fail(new Unavailable("connection refused", false)) : Effect.succeed(f(t))))
  const schedule: Schedule = {
    reserve: (limits) =>
      guarded((t): Slot => {
        state.reserved++
        const at = take(t, limits)
        return at > t ? { waitMillis: at - t, at } : { waitMillis: start(t, limits), at }
      }),
    confirm: (at, limits) =>
      guarded((t): Slot => {
        state.confirmed++
        if (state.paused > at && state.paused > t) {
          const again = take(t, limits)
          return { waitMillis: again - t, at: again }
        }
        return { waitMillis: start(t, limits), at }
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
