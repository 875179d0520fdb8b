/**
 * Retry policies as `Schedule`s over the Kaizen errors, for `Effect.retry`.
 *
 * `HttpClient.retryTransient` is not used: it never reads `Retry-After`, and in "both" mode it
 * can hand back the last 429 as a success. These policies look at the typed error instead:
 * transient or not, and how long the server asked to wait.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import { isTransient, type KaizenError } from "./KaizenError.js"
import { DEFAULT_RETRIES } from "./internal/defaults.js"

/**
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenRetry } from "kaizen-effect"
 * const options: KaizenRetry.PolicyOptions = { maxRetries: 5, base: "250 millis", cap: "4 seconds" }
 */
export interface PolicyOptions {
  /** Retries after the first attempt (default 2). */
  readonly maxRetries?: number | undefined
  /** The first backoff ceiling (default 500 ms); it doubles per retry. */
  readonly base?: Duration.DurationInput | undefined
  /** The largest backoff ceiling (default 8 s). */
  readonly cap?: Duration.DurationInput | undefined
  /**
   * The longest server-requested wait that is slept (default 60 s). A longer `Retry-After`
   * ends the retries at once: the error, carrying `retryAfter`, goes back to the caller.
   */
  readonly maxRetryAfter?: Duration.DurationInput | undefined
  /** Which errors are retried (default {@link isTransient}). */
  readonly while?: ((error: KaizenError) => boolean) | undefined
}

/**
 * The server's requested wait, if any.
 *
 * @since 0.1.0
 * @category getters
 * @example
 * import { KaizenRetry, KaizenRequestError } from "kaizen-effect"
 * KaizenRetry.retryAfterOf(new KaizenRequestError({ reason: "Timeout", message: "t" })) // undefined
 */
export const retryAfterOf = (error: KaizenError): Duration.Duration | undefined =>
  error._tag === "KaizenAPIError" ? error.retryAfter : undefined

const describe = (error: KaizenError): string =>
  error._tag === "KaizenAPIError" ? `status ${error.statusCode}` : error.reason

/**
 * The default Kaizen retry policy: exponential backoff with full jitter (a random delay up to
 * `min(cap, base * 2^n)`), at most `maxRetries` retries, only while the error is transient.
 * The delay before a retry is the larger of the backoff and the server's `retryAfter`; a
 * server wait longer than `maxRetryAfter` is not slept. Each retry is logged at debug level
 * with its delay and reason (never the request body). Every wait is interruptible.
 *
 * @since 0.1.0
 * @category policies
 * @example
 * import { Effect } from "effect"
 * import { KaizenClient, KaizenRetry } from "kaizen-effect"
 *
 * const program = Effect.gen(function*() {
 *   const kaizen = yield* KaizenClient
 *   return yield* Effect.retry(kaizen.compress({ data: { a: 1 } }), KaizenRetry.policy({ maxRetries: 5 }))
 * })
 */
export const policy = (options: PolicyOptions = {}): Schedule.Schedule<number, KaizenError> => {
  const maxRetries = options.maxRetries ?? DEFAULT_RETRIES
  const base = Duration.decode(options.base ?? Duration.millis(500))
  const capMillis = Duration.toMillis(options.cap ?? Duration.seconds(8))
  const maxRetryAfter = Duration.decode(options.maxRetryAfter ?? Duration.seconds(60))
  const retryable = options.while ?? isTransient

  // Full jitter (AWS "Exponential Backoff and Jitter"): spreads a burst of clients that all
  // failed at once over the whole window instead of synchronising their retries.
  const backoff = Schedule.exponential(base, 2).pipe(
    Schedule.modifyDelayEffect((_, delay) =>
      Effect.map(Random.next, (r) => Duration.millis(Math.round(r * Math.min(capMillis, Duration.toMillis(delay)))))
    )
  )

  const serverWait = Schedule.identity<KaizenError>().pipe(
    Schedule.whileInput((error) => {
      if (!retryable(error)) return false
      const wait = retryAfterOf(error)
      return wait === undefined || Duration.lessThanOrEqualTo(wait, maxRetryAfter)
    }),
    Schedule.addDelay((error) => retryAfterOf(error) ?? Duration.zero)
  )

  return Schedule.recurs(maxRetries).pipe(
    // intersect: continue only while all continue, waiting the longest of their delays.
    Schedule.intersect(backoff),
    Schedule.intersect(serverWait),
    Schedule.modifyDelayEffect(([[retry], error], delay) =>
      Effect.as(
        Effect.logDebug(`Kaizen retry ${retry + 1} in ${Duration.format(delay)} after ${describe(error)}`).pipe(
          Effect.annotateLogs({
            "kaizen.retry": retry + 1,
            "kaizen.delay_ms": Duration.toMillis(delay),
            "kaizen.reason": describe(error),
            ...(error.requestId === undefined ? {} : { "kaizen.request_id": error.requestId })
          })
        ),
        delay
      )
    ),
    Schedule.map(([[retry]]) => retry)
  )
}

/**
 * No retries: the first failure is returned.
 *
 * @since 0.1.0
 * @category policies
 * @example
 * import { KaizenRetry } from "kaizen-effect"
 * import * as KaizenNode from "kaizen-effect/node"
 * const layer = KaizenNode.layer({ retry: KaizenRetry.none })
 */
export const none: Schedule.Schedule<number, KaizenError> = policy({ maxRetries: 0 })
