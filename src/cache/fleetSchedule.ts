/**
 * The fleet limit's shared schedule (fleetLimit.ts is the limiter over it): what a process asks
 * of it, the settings it runs on, and its Redis implementation, a few Lua scripts run atomically
 * on Redis's clock.
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
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
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
-- { '0', id } and the call in flight (ARGV[6]: its name, unique across Redis restarts) if
-- fewer than the limit are in flight or answered within the window, and the last start is half
-- a spacing ago (late workers do not start together); else { wait }: until the answered call
-- that must leave the window has, or (all in flight) a tenth of the window.
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
