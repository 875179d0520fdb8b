/**
 * The fleet limit's schedule in memory, on the Effect Clock (a TestClock in tests): the same
 * decisions as the Lua scripts in src/cache/fleetSchedule.ts, so the limiter's own logic can be
 * tested with time under the test's control. `down` makes every operation fail as an
 * unreachable Redis does; `skew` moves the schedule's clock ahead of the limiter's
 * (a worker that wakes late). `flying` and `answered` are the calls in flight (start times, by
 * name) and the answer times within the window; `starts` every start ever made.
 */
import { Clock, Effect } from "effect"
import { IN_FLIGHT_MAX_MILLIS, type LimitSettings, type Schedule, type Slot } from "../../../src/cache/fleetSchedule.js"
import { Unavailable } from "../../../src/cache/redis.js"

export const memorySchedule = () => {
  const state = {
    next: 0,
    paused: 0,
    last: 0,
    seq: 0,
    down: false,
    /** The processes the schedule says it counted (Redis: a minute of reserves). */
    fleet: undefined as number | undefined,
    skew: 0,
    reserved: 0,
    confirmed: 0,
    reports: 0,
    flying: new Map<string, number>(),
    answered: [] as Array<number>,
    starts: [] as Array<number>,
    handedOver: [] as Array<number>
  }
  const now = Effect.map(Clock.currentTimeMillis, (t) => t + state.skew)
  const take = (t: number, limits: LimitSettings) => {
    const slot = Math.max(t, state.next, state.paused)
    state.next = slot + limits.spacingMillis
    return slot
  }
  const start = (t: number, limits: LimitSettings): { readonly wait: number; readonly id?: string } => {
    state.answered = state.answered.filter((at) => at > t - limits.windowMillis).sort((a, b) => a - b)
    const maxFlying = Math.max(IN_FLIGHT_MAX_MILLIS, limits.windowMillis)
    for (const [id, at] of state.flying) if (at <= t - maxFlying) state.flying.delete(id)
    const over = state.answered.length + state.flying.size - limits.windowLimit
    if (over >= 0) {
      return over < state.answered.length
        ? { wait: Math.max(state.answered[over]! + limits.windowMillis - t, 0.001) }
        : { wait: Math.max(limits.spacingMillis, limits.windowMillis / 10) }
    }
    if (state.last + limits.spacingMillis / 2 > t && state.starts.length > 0) {
      return { wait: state.last + limits.spacingMillis / 2 - t }
    }
    const id = String(++state.seq)
    state.last = t
    state.flying.set(id, t)
    state.starts.push(t)
    return { wait: 0, id }
  }
  const guarded = <A>(f: (now: number) => A): Effect.Effect<A, Unavailable> =>
    Effect.flatMap(now, (t) => (state.down ? Effect.fail(new Unavailable("connection refused", false)) : Effect.succeed(f(t))))
  const schedule: Schedule = {
    reserve: (limits) =>
      guarded((t): Slot => {
        state.reserved++
        const at = take(t, limits)
        if (at > t) return { waitMillis: at - t, at, fleetSize: state.fleet }
        const { wait, id } = start(t, limits)
        return { waitMillis: wait, at, id, fleetSize: state.fleet }
      }),
    confirm: (at, limits) =>
      guarded((t): Slot => {
        state.confirmed++
        if (state.paused > at && state.paused > t) {
          const again = take(t, limits)
          return { waitMillis: again - t, at: again }
        }
        const { wait, id } = start(t, limits)
        return { waitMillis: wait, at, id }
      }),
    finish: (ids, ages) =>
      guarded((t) => {
        for (const id of ids) {
          state.flying.delete(id)
          state.answered.push(t)
        }
        for (const age of ages) {
          state.answered.push(t - age)
          state.handedOver.push(t - age)
        }
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
