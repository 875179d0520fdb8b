/**
 * What a shared store's outage does to a call: nothing but a detour. Each store operation is
 * bounded by a timeout; a failure or a timeout marks the store down, and for `retryAfter`
 * calls skip it (no call waits on a store known to be down), then the next call tries it
 * again. The outage is logged once when it starts and once when the store answers again,
 * and every operation that could not use the store is counted.
 *
 * ioredis keeps commands issued while it reconnects in its offline queue: without the timeout
 * a call would wait for its reconnection attempts (seconds) before falling back.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import { increment } from "./metrics.js"

export interface GuardOptions {
  /** Names the store and the fallback in the log, e.g. "Kaizen cache: the shared store". */
  readonly name: string
  /** What calls do while the store is down, for the log. */
  readonly fallback: string
  readonly timeout: Duration.Duration
  readonly retryAfter: Duration.Duration
  /** Counts the operations that could not use the store. */
  readonly counter: Metric.Counter<number>
}

export interface Guard {
  /** The store operation's result, or `None` when the store is down, failed or was too slow. */
  readonly run: <A, E>(operation: Effect.Effect<A, E>) => Effect.Effect<Option.Option<A>>
}

export const makeGuard = (options: GuardOptions): Guard => {
  let down = false
  let retryAt = 0
  const timeoutMillis = Duration.toMillis(options.timeout)
  const skipped = Effect.as(increment(options.counter), Option.none<never>())

  const failed = (cause: unknown) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      retryAt = now + Duration.toMillis(options.retryAfter)
      if (down) return skipped
      down = true
      return Effect.andThen(
        Effect.logWarning(
          `${options.name} is unavailable (${describe(cause)}); ${options.fallback} until it answers again`
        ),
        skipped
      )
    })

  const answered = <A>(value: A) => {
    if (!down) return Effect.succeed(Option.some(value))
    down = false
    return Effect.as(Effect.logInfo(`${options.name} answers again`), Option.some(value))
  }

  return {
    run: (operation) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        down && now < retryAt ? skipped : operation.pipe(
          Effect.timeoutOrElse({
            duration: timeoutMillis,
            orElse: () => Effect.fail(`no answer within ${timeoutMillis} ms`)
          }),
          Effect.matchEffect({ onFailure: failed, onSuccess: answered })
        ))
  }
}

const describe = (cause: unknown): string => {
  if (typeof cause === "string") return cause
  const inner = (cause as { cause?: unknown } | undefined)?.cause
  if (inner instanceof Error) return inner.message
  return cause instanceof Error ? cause.message : String(cause)
}
