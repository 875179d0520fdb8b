/**
 * One ioredis connection per process for each set of Redis options, shared by the cache and the
 * fleet limit, and everything that makes Redis safe to depend on:
 *
 * - Up means ioredis says `ready` and the last command that waited out its timeout has been
 *   answered since. While down, commands are not sent (the offline queue is off): the cache
 *   skips the store and the limit runs on its own share at once, nobody waits on a reconnect.
 * - A command's timeout is decided after the event loop has read its sockets (`setImmediate`
 *   after the timer), so a worker whose loop stalled does not take an answer sitting in its
 *   socket for a dead Redis.
 * - Errors are ours: a reason in a few words (refused, closed, authentication), never ioredis's
 *   error, whose `command.args` hold the AUTH password or the command's arguments. ioredis's
 *   own "Unhandled error event" lines are silenced by our listener.
 * - One WARN per outage, whoever sees it first, naming what each user falls back to; one INFO
 *   when Redis answers again.
 * - Closing is bounded: `quit` for a short while (CLOSE_MILLIS), then `disconnect`, whatever
 *   Redis does (frozen, gone, refusing our password), so a scope always closes.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { RedisConnection } from "./options.js"
import * as settings from "./settings.js"

/** The part of an ioredis client used here, typed without ioredis (an optional peer). */
export interface Client {
  readonly status: string
  on(event: "error" | "ready" | "close" | "end", listener: (error?: unknown) => void): unknown
  get(key: string): Promise<string | null>
  set(key: string, value: string, px: "PX", millis: number): Promise<unknown>
  defineCommand(name: string, definition: { readonly lua: string; readonly numberOfKeys: number }): void
  quit(): Promise<unknown>
  disconnect(reconnect?: boolean): void
  readonly [command: string]: unknown
}

/** Why a command was not answered, in our words. */
export class Unavailable {
  readonly _tag = "RedisUnavailable"
  constructor(readonly reason: string, readonly timedOut: boolean) {}
}

export interface Connection {
  readonly client: Client
  /** Where, for messages: host and port (or socket path), never credentials. */
  readonly where: string
  readonly isUp: () => boolean
  /** The command's answer, or `Unavailable` at once when down, or after `timeoutMillis`. */
  readonly send: <A>(command: (client: Client) => Promise<A>, timeoutMillis: number) => Effect.Effect<A, Unavailable>
  /** Logs the outage's one WARN (if nobody has yet) for a failure a user saw. */
  readonly report: (failure: Unavailable) => Effect.Effect<void>
  /** Marks Redis down until it answers again (a command that got no answer at all). */
  readonly stall: () => void
}

/** ioredis's errors in a few words; the error itself never leaves this function. */
export const reasonOf = (error: unknown): string => {
  const e = error as { code?: unknown; name?: unknown; message?: unknown } | undefined
  const message = typeof e?.message === "string" ? e.message : ""
  if (e?.code === "ECONNREFUSED") return "connection refused"
  if (e?.code === "ETIMEDOUT" || /connect ETIMEDOUT/.test(message)) return "connection timed out"
  if (e?.code === "ENOTFOUND" || e?.code === "EAI_AGAIN") return "host not found"
  if (e?.code === "ECONNRESET" || e?.code === "EPIPE") return "connection reset"
  if (/WRONGPASS|NOAUTH|NOPERM|invalid password|invalid username|AUTH/i.test(message)) return "authentication refused"
  if (e?.name === "MaxRetriesPerRequestError" || /Connection is closed|maxRetriesPerRequest/.test(message)) return "connection closed"
  if (/enableOfflineQueue|Stream isn't writeable/.test(message)) return "not connected"
  if (/LOADING/.test(message)) return "Redis is loading its data"
  return "Redis refused the command"
}

interface Shared {
  readonly connection: Connection
  readonly fallbacks: Map<symbol, string>
  readonly ready: Promise<void>
  refs: number
}

// Per process, by options: the cache and the limit given the same options share one connection.
const registry = new Map<string, Shared>()

const canonical = (options: Readonly<Record<string, unknown>>): string =>
  JSON.stringify(options, (_key, value: unknown) =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value)

const whereOf = (options: RedisConnection): string =>
  typeof options.path === "string" ? options.path : `${options.host ?? "127.0.0.1"}:${options.port ?? 6379}`

/** After the timer, let the loop read its sockets once before deciding that nothing came. */
const afterIo = (f: () => void) => () => setImmediate(f)

const open = (
  RedisClass: new(options: Record<string, unknown>) => Client,
  options: RedisConnection,
  fallbacks: Map<symbol, string>
): { readonly connection: Connection; readonly ready: Promise<void> } => {
  const where = whereOf(options)
  const client = new RedisClass({
    ...settings.redisOptions(options),
    // Never queue while down (callers fall back at once) and reconnect within half a second.
    enableOfflineQueue: false,
    retryStrategy: (times: number) => Math.min(50 * times, 500),
    lazyConnect: false
  })
  let lastReason = "not connected yet"
  let stalled = false
  // The outage's WARN was logged; reset (with one INFO) when Redis answers again.
  let warned = false
  let recoveredUnlogged = false
  const answered = () => {
    stalled = false
    if (warned) {
      warned = false
      recoveredUnlogged = true
    }
  }
  client.on("error", (error) => {
    lastReason = reasonOf(error)
  })
  client.on("ready", answered)
  const ready = new Promise<void>((resolve) => {
    let settled = false
    const done = () => {
      if (!settled) {
        settled = true
        clearTimeout(timer)
        resolve()
      }
    }
    const timer = setTimeout(done, 1000)
    client.on("ready", done)
    client.on("error", done)
    client.on("end", done)
  })
  const isUp = () => client.status === "ready" && !stalled

  const describeFallbacks = () => [...fallbacks.values()].join("; ")
  const report = (failure: Unavailable): Effect.Effect<void> =>
    Effect.suspend(() => {
      if (warned) return Effect.void
      warned = true
      recoveredUnlogged = false
      return Effect.logWarning(
        `Kaizen: Redis at ${where} is unavailable (${failure.reason}); ${describeFallbacks()}, until it answers again`
      )
    })
  const logRecovery = Effect.suspend(() => {
    if (!recoveredUnlogged) return Effect.void
    recoveredUnlogged = false
    return Effect.logInfo(`Kaizen: Redis at ${where} answers again`)
  })

  const send = <A>(command: (client: Client) => Promise<A>, timeoutMillis: number): Effect.Effect<A, Unavailable> =>
    Effect.suspend(() => {
      if (!isUp()) return Effect.fail(new Unavailable(stalled ? "no answer" : lastReason, false))
      return Effect.callback<A, Unavailable>((resume) => {
        let settled = false
        const timer = setTimeout(
          afterIo(() => {
            if (settled) return
            settled = true
            resume(Effect.fail(new Unavailable(`no answer within ${timeoutMillis} ms`, true)))
          }),
          timeoutMillis
        )
        let pending: Promise<A>
        try {
          pending = command(client)
        } catch (error) {
          settled = true
          clearTimeout(timer)
          resume(Effect.fail(new Unavailable(reasonOf(error), false)))
          return
        }
        pending.then(
          (value) => {
            answered()
            if (settled) return
            settled = true
            clearTimeout(timer)
            resume(Effect.succeed(value))
          },
          (error: unknown) => {
            const reason = reasonOf(error)
            // A reply, even an error reply, is Redis answering; a dropped connection is not.
            if (reason === "Redis refused the command") answered()
            else lastReason = reason
            if (settled) return
            settled = true
            clearTimeout(timer)
            resume(Effect.fail(new Unavailable(reason, false)))
          }
        )
        return Effect.sync(() => {
          settled = true
          clearTimeout(timer)
        })
      }).pipe(Effect.tap(() => logRecovery))
    })

  return {
    connection: { client, where, isUp, send, report, stall: () => (stalled = true) },
    ready
  }
}

/** How long `quit` may wait for the replies in flight before the connection is dropped. */
const CLOSE_MILLIS = 500

/** Quit for at most CLOSE_MILLIS (the replies in flight), then disconnect: never waits on Redis. */
const close = (client: Client): Promise<void> =>
  new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer)
      try {
        client.disconnect(false)
      } catch {
        // Already closed.
      }
      resolve()
    }
    const timer = setTimeout(finish, client.status === "ready" ? CLOSE_MILLIS : 0)
    if (client.status === "ready") client.quit().then(finish, finish)
  })

// A specifier in a variable: the package type-checks and loads where ioredis is not installed.
const IOREDIS: string = "ioredis"

/**
 * The process's connection for `options` (opened on first use, closed with its last user's
 * scope). `fallback` says what this user does while Redis is down, for the outage's WARN.
 */
export const acquire = (options: RedisConnection, fallback: string): Effect.Effect<Connection, never, Scope.Scope> =>
  Effect.flatMap(
    settings.optionalPeer("ioredis", () => import(IOREDIS) as Promise<unknown>),
    (ioredis) => {
      const RedisClass = (ioredis as unknown as { Redis: new(options: Record<string, unknown>) => Client }).Redis
      const id = Symbol(fallback)
      return Effect.acquireRelease(
        Effect.promise(async () => {
          const key = canonical(options)
          let shared = registry.get(key)
          if (shared === undefined) {
            const fallbacks = new Map<symbol, string>()
            const opened = open(RedisClass, options, fallbacks)
            shared = { connection: opened.connection, fallbacks, ready: opened.ready, refs: 0 }
            registry.set(key, shared)
          }
          shared.refs++
          shared.fallbacks.set(id, fallback)
          // The first commands should not find the connection still opening and fall back.
          await shared.ready
          return { key, shared }
        }),
        ({ key, shared }) =>
          Effect.promise(() => {
            shared.fallbacks.delete(id)
            if (--shared.refs > 0) return Promise.resolve()
            registry.delete(key)
            return close(shared.connection.client)
          })
      ).pipe(Effect.map(({ shared }) => shared.connection))
    }
  )
