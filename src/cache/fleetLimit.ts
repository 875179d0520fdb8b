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
 * One call (Lua scripts, atomic, on Redis's clock):
 * - `reserve` takes the next paced slot and returns how long to wait for it (and how many
 *   processes took slots in the last minute: the fleet's size for an outage); a slot due now
 *   starts at once if the window has room;
 * - after waiting, `confirm` checks that no 429 paused the fleet meanwhile (else a new slot)
 *   and that the window has room (else the wait until it has);
 * - `finish` moves the call from in flight to answered, after its task ends however it ends
 *   (sent without waiting: a late `finish` only makes the fleet send less). A call whose
 *   process died counts as in flight for `IN_FLIGHT_MAX`, then is dropped.
 * - a 429 with `Retry-After` seen by any process pauses the schedule until then, for all.
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

/**
 * A call started this long ago and never finished counts no more: its process died (a request
 * reaches its server long before this, or not at all).
 */
export const IN_FLIGHT_MAX_MILLIS = 10_000

export interface LimitSettings {
  readonly key: string
  /** Milliseconds between two starts across the fleet. */
  readonly spacingMillis: number
  /** A call starts only while fewer than `windowLimit` are in flight or answered within `windowMillis`. */
  readonly windowLimit: number
  readonly windowMillis: number
  /** The share in an outage is `1 / fleetSize`; undefined: the processes last seen on the schedule. */
  readonly fleetSize: number | undefined
  /** A Redis command with no answer after this: Redis is treated as unreachable. */
  readonly timeout: Duration.Duration
}

/** The shared schedule: Redis (the Lua scripts below), or memory in tests. */
export interface Schedule {
  readonly reserve: (limits: LimitSettings) => Effect.Effect<Slot, Redis.Unavailable>
  readonly confirm: (at: number, limits: LimitSettings) => Effect.Effect<Slot, Redis.Unavailable>
  /**
   * The calls `ids` answered now, and calls made while Redis could not be reached, answered
   * `ages` milliseconds ago (0: still in flight).
   */
  readonly finish: (
    ids: ReadonlyArray<string>,
    ages: ReadonlyArray<number>,
    limits: LimitSettings
  ) => Effect.Effect<void, Redis.Unavailable>
  readonly pause: (millis: number, limits: LimitSettings) => Effect.Effect<void, Redis.Unavailable>
  /** Logs the outage's one WARN. */
  readonly report: (failure: Redis.Unavailable) => Effect.Effect<void>
}

export interface Slot {
  /** How long to wait for it; 0: started. */
  readonly waitMillis: number
  /** The slot, on the schedule's clock. */
  readonly at: number
  /** The started call's name on the schedule (when `waitMillis` is 0). */
  readonly id?: string | undefined
  /** Processes that took a slot in the last minute, when the schedule knows. */
  readonly fleetSize?: number | undefined
}

/** Derives the spacing and the window from the options' limits (per second, per minute). */
export const limitSettings = (options: {
  readonly key: string
  readonly maxRequestsPerSecond: number
  readonly maxRequestsPerMinute: number | undefined
  readonly fleetSize: number | undefined
  readonly timeout: Duration.Duration
}): LimitSettings => {
  const windows = [settings.windowOf(options.maxRequestsPerSecond)]
  if (options.maxRequestsPerMinute !== undefined) {
    const perMinute = settings.windowOf(options.maxRequestsPerMinute / 60)
    windows.push(perMinute)
  }
  return {
    key: options.key,
    spacingMillis: Math.max(...windows.map((w) => w.intervalMillis / w.limit)),
    windowLimit: windows[0]!.limit,
    windowMillis: windows[0]!.intervalMillis,
    fleetSize: options.fleetSize,
    timeout: options.timeout
  }
}

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

// The schedule's scripts. Times in milliseconds on Redis's clock, written with %.3f (Lua's
// tostring keeps 14 digits, too few for epoch milliseconds with a fraction). KEYS[1]: the
// schedule (next slot, pause, last start), KEYS[2]: calls in flight (by start),
// KEYS[3]: calls answered (by answer), KEYS[4]: the processes seen; ARGV[1..4]: spacing, limit,
// window, the longest a call counts as in flight.
const NOW = `
pcall(redis.replicate_commands)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local spacing, limit, window, flying = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local function fmt(x) return string.format('%.3f', x) end
local function keep(key, millis) redis.call('PEXPIRE', key, math.ceil(millis)) end
local function take()
  local nextAt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
  local paused = tonumber(redis.call('HGET', KEYS[1], 'paused') or '0')
  local at = math.max(now, nextAt, paused)
  redis.call('HSET', KEYS[1], 'next', fmt(at + spacing))
  keep(KEYS[1], math.max(at + spacing - now, window) + 60000)
  return at
end
-- { '0', id } and the call in flight (ARGV[6]: its name, unique across Redis restarts) if fewer than the limit are in flight or answered within
-- the window, and the last start is half a spacing ago (late workers do not start together);
-- else { wait }: until the answered call that must leave the window has, or (all in flight) a
-- tenth of the window.
local function start()
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - window)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - flying)
  local answered = redis.call('ZCARD', KEYS[3])
  local over = answered + redis.call('ZCARD', KEYS[2]) - limit
  if over >= 0 then
    if over < answered then
      local leaving = redis.call('ZRANGE', KEYS[3], over, over, 'WITHSCORES')
      return { fmt(math.max(tonumber(leaving[2]) + window - now, 0.001)) }
    end
    return { fmt(math.max(spacing, window / 10)) }
  end
  local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
  if last + spacing / 2 > now then return { fmt(last + spacing / 2 - now) } end
  local id = ARGV[6]
  redis.call('HSET', KEYS[1], 'last', fmt(now))
  if redis.call('PTTL', KEYS[1]) < 0 then keep(KEYS[1], window + 60000) end
  redis.call('ZADD', KEYS[2], now, id)
  keep(KEYS[2], flying + 1000)
  return { '0', id }
end
`

const RESERVE = `${NOW}
local at = take()
redis.call('ZADD', KEYS[4], now, ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - 60000)
keep(KEYS[4], 60000)
local size = redis.call('ZCARD', KEYS[4])
if at > now then return { fmt(at - now), fmt(at), '', size } end
local s = start()
return { s[1], fmt(at), s[2] or '', size }
`

const CONFIRM = `${NOW}
local at = tonumber(ARGV[5])
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused') or '0')
if paused > at and paused > now then
  local again = take()
  return { fmt(again - now), fmt(again), '' }
end
local s = start()
return { s[1], fmt(at), s[2] or '' }
`

// ARGV[5]: how many ids follow (calls answered now: out of flight, whether Redis still has them
// or lost them in a restart); then a name for this hand-over and the ages of the calls made
// while Redis could not be reached.
const FINISH = `${NOW}
local n = tonumber(ARGV[5])
for i = 6, 5 + n do
  redis.call('ZREM', KEYS[2], ARGV[i])
  redis.call('ZADD', KEYS[3], now, ARGV[i])
end
for i = 7 + n, #ARGV do
  redis.call('ZADD', KEYS[3], now - tonumber(ARGV[i]), ARGV[6 + n] .. ':' .. i)
end
if redis.call('PTTL', KEYS[1]) < 0 then keep(KEYS[1], window + 60000) end
keep(KEYS[3], window + 1000)
return 1
`

const PAUSE = `${NOW}
local untilAt = now + tonumber(ARGV[5])
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused') or '0')
if untilAt > paused then redis.call('HSET', KEYS[1], 'paused', fmt(untilAt)) end
local nextAt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
if nextAt < untilAt then redis.call('HSET', KEYS[1], 'next', fmt(untilAt)) end
keep(KEYS[1], math.max(untilAt, nextAt) - now + 60000)
return fmt(untilAt)
`

type Script = (...args: Array<string | number>) => Promise<unknown>

/** The schedule in Redis, on the process's shared connection. */
export const redisSchedule = (connection: Redis.Connection, key: string, timeout: Duration.Duration): Schedule => {
  const client = connection.client
  if (typeof client["kaizenFleetReserve"] !== "function") {
    client.defineCommand("kaizenFleetReserve", { lua: RESERVE, numberOfKeys: 4 })
    client.defineCommand("kaizenFleetConfirm", { lua: CONFIRM, numberOfKeys: 3 })
    client.defineCommand("kaizenFleetFinish", { lua: FINISH, numberOfKeys: 3 })
    client.defineCommand("kaizenFleetPause", { lua: PAUSE, numberOfKeys: 1 })
  }
  const state = `kaizen-effect:rate:${key}`
  const keys = [state, `${state}:flying`, `${state}:answered`] as const
  // Calls are named by this process and a count, not by Redis: a restarted Redis would reuse
  // its numbers while the `finish`es of the calls it forgot are still coming.
  const member = globalThis.crypto.randomUUID()
  let named = 0
  const name = () => `${member}:${++named}`
  const timeoutMillis = Duration.toMillis(timeout)
  const run = (name: string, ...args: Array<string | number>) =>
    connection.send((c) => (c[name] as Script).apply(c, args), timeoutMillis).pipe(
      // No answer at all within the timeout: Redis is treated as unreachable until it answers.
      Effect.tapError((failure) => Effect.sync(() => failure.timedOut && connection.stall()))
    )
  const slotOf = (reply: unknown): Slot => {
    const [wait, at, id, size] = reply as [string, string, string, number | undefined]
    return { waitMillis: Number(wait), at: Number(at), id: id === "" ? undefined : id, fleetSize: size }
  }
  const limitArgs = (limits: LimitSettings) =>
    [
      limits.spacingMillis.toFixed(3),
      limits.windowLimit,
      limits.windowMillis.toFixed(3),
      Math.max(IN_FLIGHT_MAX_MILLIS, limits.windowMillis)
    ] as const
  return {
    reserve: (limits) =>
      Effect.map(run("kaizenFleetReserve", ...keys, `${state}:members`, ...limitArgs(limits), member, name()), slotOf),
    confirm: (at, limits) =>
      Effect.map(run("kaizenFleetConfirm", ...keys, ...limitArgs(limits), at.toFixed(3), name()), slotOf),
    finish: (ids, ages, limits) =>
      Effect.asVoid(
        run(
          "kaizenFleetFinish",
          ...keys,
          ...limitArgs(limits),
          ids.length,
          ...ids,
          name(),
          ...ages.map((age) => age.toFixed(3))
        )
      ),
    pause: (millis, limits) =>
      Effect.asVoid(run("kaizenFleetPause", state, ...limitArgs(limits), Math.max(0, millis).toFixed(3))),
    report: connection.report
  }
}

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
