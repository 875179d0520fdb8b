/**
 * A rate limit shared by every process that names the same key, shaped as the
 * `KaizenConfig.RateLimit` (`task => task`) that the client's `rateLimiter` option takes.
 *
 * Servers count starts in a sliding window ("at most 50 in the last second"), so that is the
 * guarantee: a log in Redis of the fleet's starts lets at most `limit` start in any window of
 * `interval` plus `HEADROOM` (the headroom absorbs the milliseconds between Redis's clock and
 * the server's), from the first second on (a token bucket allows its burst plus its refill
 * there). Starts are also paced, one every `spacing` (the interval over the limit), and at
 * least half a spacing apart in the log, so they spread evenly instead of arriving together.
 *
 * One start (Lua scripts, atomic, on Redis's clock):
 * - `reserve` takes the next paced slot and returns how long to wait for it (and how many
 *   processes took slots in the last minute: the fleet's size for an outage); a slot due now
 *   starts at once if the log has room;
 * - after waiting, `confirm` checks that no 429 paused the fleet meanwhile (else a new slot)
 *   and that the log has room (else the wait until it has): a worker that woke late still
 *   starts, but never past the limit.
 * - a 429 with `Retry-After` seen by any process pauses the schedule until then, for all.
 *
 * Falling back: only when Redis cannot be reached (refused, closed, authentication; redis.ts
 * knows at once, nothing waits on it) or gives no answer at all within `timeout`, never
 * because an answer is slow. The process then paces itself at `limit / fleetSize`, continuing
 * its own pace (no fresh burst), and returns to the schedule as soon as Redis is ready again.
 * A reservation given up (an interrupted call, a crashed worker) is not returned: the fleet
 * errs on the side of sending less.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import type * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { invalid } from "../internal/config.js"
import type { RateLimit } from "../KaizenConfig.js"
import { increment, rateLimitFallbacks } from "./metrics.js"
import type { FleetLimitOptions } from "./options.js"
import * as Redis from "./redis.js"
import * as settings from "./settings.js"

/** The window's extension, for the jitter between Redis's clock and the server's (BENCHMARKS.md). */
export const HEADROOM = 0.2

export interface LimitSettings {
  readonly key: string
  /** Milliseconds between two starts across the fleet. */
  readonly spacingMillis: number
  /** At most `windowLimit` starts in any `windowMillis` (the interval plus the headroom). */
  readonly windowLimit: number
  readonly windowMillis: number
  /** The window of the 429 pause when the answer has no `Retry-After`. */
  readonly intervalMillis: number
  /** The share in an outage is `1 / fleetSize`; undefined: the processes last seen on the schedule. */
  readonly fleetSize: number | undefined
  /** A Redis command with no answer after this: Redis is treated as unreachable. */
  readonly timeout: Duration.Duration
}

/** The shared schedule: Redis (the Lua scripts below), or memory in tests. */
export interface Schedule {
  readonly reserve: (limits: LimitSettings) => Effect.Effect<Slot, Redis.Unavailable>
  readonly confirm: (at: number, limits: LimitSettings) => Effect.Effect<Slot, Redis.Unavailable>
  readonly pause: (millis: number) => Effect.Effect<void, Redis.Unavailable>
  /** Logs the outage's one WARN. */
  readonly report: (failure: Redis.Unavailable) => Effect.Effect<void>
}

export interface Slot {
  /** How long to wait for it; 0: start now. */
  readonly waitMillis: number
  /** The slot, on the schedule's clock. */
  readonly at: number
  /** Processes that took a slot in the last minute, when the schedule knows. */
  readonly fleetSize?: number | undefined
}

/** Derives the spacing from the options' limits (per second, per minute). */
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
  const spacingMillis = Math.max(...windows.map((w) => w.intervalMillis / w.limit))
  return {
    key: options.key,
    spacingMillis,
    windowLimit: windows[0]!.limit,
    windowMillis: windows[0]!.intervalMillis * (1 + HEADROOM),
    intervalMillis: windows[0]!.intervalMillis,
    fleetSize: options.fleetSize,
    timeout: options.timeout
  }
}

const isTooManyRequests = (error: unknown): error is { readonly retryAfter?: Duration.Duration | undefined } =>
  typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "KaizenAPIError" &&
  (error as { statusCode?: unknown }).statusCode === 429

export const makeLimiter = (limits: LimitSettings, schedule: Schedule): Effect.Effect<RateLimit> =>
  Effect.sync(() => {
    let fleetSeen = 1
    // This process's own pace: used in an outage, and kept up to date meanwhile (no fresh burst).
    let localNext = 0
    let localPausedUntil = 0
    const localSpacing = () => limits.spacingMillis * Math.max(1, limits.fleetSize ?? fleetSeen)

    const started = Effect.map(Clock.currentTimeMillis, (now) => {
      localNext = Math.max(localNext, now + localSpacing())
    })

    const local = Effect.andThen(
      increment(rateLimitFallbacks),
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const at = Math.max(now, localNext, localPausedUntil)
        localNext = at + localSpacing()
        return Effect.sleep(Duration.millis(at - now))
      })
    )

    const fallBack = (failure: Redis.Unavailable) => Effect.andThen(schedule.report(failure), local)

    /** Waits for a slot confirmed on the schedule, or falls back. */
    const waitFor = (slot: Slot): Effect.Effect<void> =>
      slot.waitMillis <= 0
        ? started
        : Effect.andThen(
          Effect.sleep(Duration.millis(slot.waitMillis)),
          Effect.matchEffect(schedule.confirm(slot.at, limits), {
            onFailure: fallBack,
            onSuccess: waitFor
          })
        )

    const permit: Effect.Effect<void> = Effect.matchEffect(schedule.reserve(limits), {
      onFailure: fallBack,
      onSuccess: (slot) => {
        if (slot.fleetSize !== undefined) fleetSeen = slot.fleetSize
        return waitFor(slot)
      }
    })

    // A 429 pauses the fleet (and this process) until its Retry-After, or for one window.
    const paused = (error: { readonly retryAfter?: Duration.Duration | undefined }) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const millis = error.retryAfter === undefined ? limits.intervalMillis : Duration.toMillis(error.retryAfter)
        localPausedUntil = Math.max(localPausedUntil, now + millis)
        return Effect.catch(schedule.pause(millis), schedule.report)
      })

    return <A, E, R>(task: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.andThen(permit, Effect.tapError(task, (error) => (isTooManyRequests(error) ? paused(error) : Effect.void)))
  })

// ---- BEGIN the schedule's Lua scripts: textually identical to the Effect 3 line's
// src/cache/fleetLimit.ts (NOW, RESERVE, CONFIRM, PAUSE); sync them from there, never edit here. ----
// The schedule's scripts. Times in milliseconds on Redis's clock, written with %.3f (Lua's
// tostring keeps 14 digits, too few for epoch milliseconds with a fraction). KEYS[1]: the
// schedule (next slot, pause), KEYS[2]: the log of starts; ARGV[1..3]: spacing, limit, window.
const NOW = `
pcall(redis.replicate_commands)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local spacing, limit, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local function fmt(x) return string.format('%.3f', x) end
local function take()
  local nextAt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
  local paused = tonumber(redis.call('HGET', KEYS[1], 'paused') or '0')
  local at = math.max(now, nextAt, paused)
  redis.call('HSET', KEYS[1], 'next', fmt(at + spacing))
  redis.call('PEXPIRE', KEYS[1], math.ceil(at + spacing - now) + 60000)
  return at
end
-- 0 and the start logged if the log has room now and the last start is half a spacing ago
-- (late workers do not start together), else how long until then.
local function start()
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
  local n = redis.call('ZCARD', KEYS[2])
  if n >= limit then
    local oldest = redis.call('ZRANGE', KEYS[2], n - limit, n - limit, 'WITHSCORES')
    return math.max(tonumber(oldest[2]) + window - now, 0.001)
  end
  if n > 0 then
    local newest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
    local gap = tonumber(newest[2]) + spacing / 2 - now
    if gap > 0 then return gap end
  end
  redis.call('ZADD', KEYS[2], now, fmt(now) .. ':' .. redis.call('HINCRBY', KEYS[1], 'seq', 1))
  redis.call('PEXPIRE', KEYS[2], math.ceil(window) + 1000)
  return 0
end
`

const RESERVE = `${NOW}
local at = take()
redis.call('ZADD', KEYS[3], now, ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 60000)
redis.call('PEXPIRE', KEYS[3], 60000)
local size = redis.call('ZCARD', KEYS[3])
if at > now then return { fmt(at - now), fmt(at), size } end
return { fmt(start()), fmt(at), size }
`

const CONFIRM = `${NOW}
local at = tonumber(ARGV[4])
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused') or '0')
if paused > at and paused > now then
  local again = take()
  return { fmt(again - now), fmt(again) }
end
return { fmt(start()), fmt(at) }
`

const PAUSE = `${NOW}
local untilAt = now + tonumber(ARGV[4])
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused') or '0')
if untilAt > paused then redis.call('HSET', KEYS[1], 'paused', fmt(untilAt)) end
local nextAt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
if nextAt < untilAt then redis.call('HSET', KEYS[1], 'next', fmt(untilAt)) end
redis.call('PEXPIRE', KEYS[1], math.ceil(math.max(untilAt, nextAt) - now) + 60000)
return fmt(untilAt)
`
// ---- END the schedule's Lua scripts ----

type Script = (...args: Array<string | number>) => Promise<unknown>

/** The schedule in Redis, on the process's shared connection. */
export const redisSchedule = (connection: Redis.Connection, key: string, timeout: Duration.Duration): Schedule => {
  const client = connection.client
  if (typeof client["kaizenFleetReserve"] !== "function") {
    client.defineCommand("kaizenFleetReserve", { lua: RESERVE, numberOfKeys: 3 })
    client.defineCommand("kaizenFleetConfirm", { lua: CONFIRM, numberOfKeys: 2 })
    client.defineCommand("kaizenFleetPause", { lua: PAUSE, numberOfKeys: 2 })
  }
  const state = `kaizen-effect:rate:${key}`
  const members = `${state}:members`
  const log = `${state}:starts`
  const member = globalThis.crypto.randomUUID()
  const timeoutMillis = Duration.toMillis(timeout)
  const run = (name: string, ...args: Array<string | number>) =>
    connection.send((c) => (c[name] as Script).apply(c, args), timeoutMillis).pipe(
      // No answer at all within the timeout: Redis is treated as unreachable until it answers.
      Effect.tapError((failure) => Effect.sync(() => failure.timedOut && connection.stall()))
    )
  const slotOf = (reply: unknown): Slot => {
    const [wait, at, size] = reply as [string, string, number | undefined]
    return { waitMillis: Number(wait), at: Number(at), fleetSize: size }
  }
  const limitArgs = (limits: LimitSettings) =>
    [limits.spacingMillis.toFixed(3), limits.windowLimit, limits.windowMillis.toFixed(3)] as const
  let current: LimitSettings | undefined
  return {
    reserve: (limits) => {
      current = limits
      return Effect.map(run("kaizenFleetReserve", state, log, members, ...limitArgs(limits), member), slotOf)
    },
    confirm: (at, limits) => Effect.map(run("kaizenFleetConfirm", state, log, ...limitArgs(limits), at.toFixed(3)), slotOf),
    pause: (millis) =>
      Effect.asVoid(run("kaizenFleetPause", state, log, ...limitArgs(current!), Math.max(0, millis).toFixed(3))),
    report: connection.report
  }
}

/** The options checked, then the limiter over the schedule in Redis (the connection in the Scope). */
export const make = (
  options: FleetLimitOptions
): Effect.Effect<RateLimit, Config.ConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    if (options.key === "") return yield* Effect.fail(invalid("key", "key must not be empty"))
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
