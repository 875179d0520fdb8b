/**
 * A rate limit shared by every process that names the same key, shaped as the `RateLimiter`
 * (`task => task`) that the client's `rateLimiter` option takes.
 *
 * Servers count arrivals in a sliding window ("at most 50 in the last second"), and an arrival
 * happens somewhere between the moment Redis lets a call start and the moment its answer is
 * back. So a start counts from the moment it is let go until its answer plus the interval:
 * Redis lets a call start only while fewer than `limit` calls are in flight or were answered
 * within the last `interval`. Whatever the delays between Redis, the worker and the server (a
 * busy machine, a stalled event loop), no window of `interval` at the server can hold more than
 * `limit` arrivals: of any such window's arrivals, the one started last saw every other either
 * in flight or answered less than `interval` before. A window's worth of slack is spent only on
 * the calls' own latency, not on a guessed margin. Starts are also paced, one every `spacing`
 * (the interval over the limit), and at least half a spacing apart, so they spread evenly.
 *
 * The shared schedule (its calls, in Lua on Redis's clock) is fleetSchedule.ts.
 *
 * Falling back: only when Redis cannot be reached (refused, closed, authentication; redis.ts
 * knows at once, nothing waits on it) or gives no answer at all within `timeout`, never
 * because an answer is slow. The fleet's starts of the last interval are then out of reach, so
 * a process starts nothing for one interval; it keeps the same count of its own calls all
 * along, and goes on at its share (`limit / fleetSize` per interval, paced; no fresh burst).
 * Back on Redis, it first hands over the calls it made meanwhile (answered at their
 * times, or now for those still in flight) and the `finish`es Redis missed, and keeps to its
 * share for one more window (the processes not back yet are not in Redis), so a restarted
 * Redis does not let the fleet start a second window's worth at once.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import * as Metric from "effect/Metric"
import type * as RateLimiter from "effect/RateLimiter"
import type * as Scope from "effect/Scope"
import type { FleetLimitOptions } from "./options.js"
import { rateLimitFallbacks } from "./metrics.js"
import * as Redis from "./redis.js"
import * as settings from "./settings.js"
import { type LimitSettings, limitSettings, redisSchedule, type Schedule, type Slot } from "./fleetSchedule.js"

const isTooManyRequests = (error: unknown): error is { readonly retryAfter?: Duration.Duration | undefined } =>
  typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "KaizenAPIError" &&
  (error as { statusCode?: unknown }).statusCode === 429

/** A call let go: its name on the schedule, or none when it started on this process's share. */
interface Permit {
  readonly id: string | undefined
}

/** How long closing waits for the `finish`es still on their way to Redis. */
const FINISH_ON_CLOSE = Duration.millis(500)

export const makeLimiter = (
  limits: LimitSettings,
  schedule: Schedule
): Effect.Effect<RateLimiter.RateLimiter, never, Scope.Scope> =>
  Effect.gen(function*() {
    // A call that ended just before its process does must not hold a place for IN_FLIGHT_MAX.
    const finishing = yield* FiberSet.make<void>()
    yield* Effect.addFinalizer(() => Effect.ignore(Effect.timeout(FiberSet.awaitEmpty(finishing), FINISH_ON_CLOSE)))
    // The processes on the key, as Redis last counted them (a minute of reserves). A smaller
    // count is believed only a minute after the larger one: a restarted Redis has counted
    // just the processes back so far.
    let fleetSeen = 1
    let fleetSeenAt = 0
    const seen = (size: number, now: number) => {
      if (size >= fleetSeen || now - fleetSeenAt > 60_000) {
        fleetSeen = size
        fleetSeenAt = now
      }
    }
    const share = () => Math.max(1, limits.fleetSize ?? fleetSeen)
    const localSpacing = () => limits.spacingMillis * share()
    // This process's calls, counted all along (on its clock), so that an outage continues from
    // them: in flight, and the answer times within the window (ascending).
    let inFlight = 0
    const answered: Array<number> = []
    let localNext = 0
    let localPausedUntil = 0
    // What Redis has to be told when it answers again: calls started on our own share (in
    // flight, and answered within the window) and the `finish`es it missed.
    const ownInFlight = new Set<Permit>()
    let ownAnswered: Array<number> = []
    let missed: Array<string> = []

    const forget = (times: Array<number>, now: number) => {
      while (times.length > 0 && times[0]! <= now - limits.windowMillis) times.shift()
    }

    const started = (id: string | undefined, now: number): Permit => {
      if (id !== undefined) onSchedule = true
      localNext = Math.max(localNext, now + localSpacing())
      inFlight++
      return { id }
    }

    /** This process's share: paced, and fewer than `limit / fleetSize` in flight or answered in the window. */
    const localWait = (now: number): number => {
      forget(answered, now)
      const byPace = Math.max(localNext, localPausedUntil) - now
      if (byPace > 0) return byPace
      const over = inFlight + answered.length - Math.max(1, Math.floor(limits.windowLimit / share()))
      if (over < 0) return 0
      return over < answered.length ? answered[over]! + limits.windowMillis - now : localSpacing()
    }
    // After a wait, Redis is asked again (at once refused while it is down): a call never
    // starts on its own share once Redis answers, unseen by the others.
    const local: Effect.Effect<Permit> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const wait = localWait(now)
      if (wait > 0) return Effect.zipRight(Effect.sleep(Duration.millis(wait)), Effect.suspend(() => permit))
      const own = started(undefined, now)
      ownInFlight.add(own)
      return Effect.as(Metric.increment(rateLimitFallbacks), own)
    })
    // The fleet's starts of the last interval are in Redis, out of reach now: for the first
    // interval of an outage this process starts nothing, then keeps to its share.
    let onSchedule = false
    const outageBegins = Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.sync(() => {
        if (!onSchedule) return
        onSchedule = false
        localPausedUntil = Math.max(localPausedUntil, now + limits.windowMillis)
      }))
    const fallBack = (failure: Redis.Unavailable) =>
      Effect.zipRight(schedule.report(failure), Effect.zipRight(outageBegins, local))

    /** Before the first slot after an outage: what Redis missed meanwhile. */
    const handOver: Effect.Effect<void, Redis.Unavailable> = Effect.suspend(() => {
      if (missed.length === 0 && ownInFlight.size === 0 && ownAnswered.length === 0) return Effect.void
      return Effect.flatMap(Clock.currentTimeMillis, (now) => {
        forget(ownAnswered, now)
        const ids = missed
        const ages = [...ownAnswered.map((at) => now - at), ...Array.from(ownInFlight, () => 0)]
        return Effect.tap(schedule.finish(ids, ages, limits), () => {
          missed = missed.slice(ids.length)
          ownInFlight.clear()
          ownAnswered = []
          returnedUntil = now + limits.windowMillis
        })
      })
    })

    // Back from an outage, the processes still on their own share are not in Redis yet: for a
    // window this process also keeps to its share, so the fleet stays under the limit meanwhile.
    let returnedUntil = 0
    const returning: Effect.Effect<void> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
      if (now >= returnedUntil) return Effect.void
      const wait = localWait(now)
      return wait > 0 ? Effect.zipRight(Effect.sleep(Duration.millis(wait)), returning) : Effect.void
    })

    /** Waits for a slot that starts on the schedule. */
    const waitFor = (slot: Slot): Effect.Effect<Permit, Redis.Unavailable> =>
      slot.waitMillis <= 0
        ? Effect.map(Clock.currentTimeMillis, (now) => started(slot.id, now))
        : Effect.zipRight(
          Effect.sleep(Duration.millis(slot.waitMillis)),
          Effect.flatMap(schedule.confirm(slot.at, limits), waitFor)
        )

    const permit: Effect.Effect<Permit> = Effect.catchAll(
      Effect.zipRight(
        Effect.zipRight(handOver, returning),
        Effect.flatMap(schedule.reserve(limits), (slot) =>
          Effect.flatMap(Clock.currentTimeMillis, (now) => {
            if (slot.fleetSize !== undefined) seen(slot.fleetSize, now)
            return waitFor(slot)
          }))
      ),
      fallBack
    )

    // Answered however it ended: counted here at once, told to Redis without holding the caller.
    const finish = (permit: Permit): Effect.Effect<void> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        inFlight--
        answered.push(now)
        forget(answered, now)
        if (ownInFlight.delete(permit)) ownAnswered.push(now)
        const id = permit.id
        if (id === undefined) return Effect.void
        return Effect.asVoid(FiberSet.run(
          finishing,
          Effect.catchAll(schedule.finish([id], [], limits), () => Effect.sync(() => void missed.push(id)))
        ))
      })

    // A 429 pauses the fleet (and this process) until its Retry-After, or for one window.
    const paused = (error: { readonly retryAfter?: Duration.Duration | undefined }) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const millis = error.retryAfter === undefined ? limits.windowMillis : Duration.toMillis(error.retryAfter)
        localPausedUntil = Math.max(localPausedUntil, now + millis)
        return Effect.catchAll(schedule.pause(millis, limits), schedule.report)
      })

    return <A, E, R>(task: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(restore(permit), (permit) =>
          Effect.ensuring(
            restore(Effect.tapError(task, (error) => (isTooManyRequests(error) ? paused(error) : Effect.void))),
            finish(permit)
          ))
      )
  })

/** The options checked, then the limiter over the schedule in Redis (the connection in the Scope). */
export const make = (
  options: FleetLimitOptions
): Effect.Effect<RateLimiter.RateLimiter, ConfigError.ConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    if (options.key === "") return yield* Effect.fail(ConfigError.InvalidData(["key"], "key must not be empty"))
    const limits = limitSettings({
      key: options.key,
      maxRequestsPerSecond: yield* settings.positiveRate("maxRequestsPerSecond", options.maxRequestsPerSecond),
      maxRequestsPerMinute: options.maxRequestsPerMinute === undefined
        ? undefined
        : yield* settings.positiveRate("maxRequestsPerMinute", options.maxRequestsPerMinute),
      fleetSize: options.fleetSize === undefined
        ? undefined
        : yield* settings.positiveInteger("fleetSize", options.fleetSize, 1),
      timeout: yield* settings.duration("timeout", options.timeout, "5 seconds")
    })
    const connection = yield* Redis.acquire(
      options.redis,
      `the fleet limit "${options.key}" paces this process at its share (1/${options.fleetSize ?? "the processes last seen"})`
    )
    return yield* makeLimiter(limits, redisSchedule(connection, limits.key, limits.timeout))
  })
