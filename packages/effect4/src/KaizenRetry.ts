/**
 * Retry policies as `Schedule`s over the Kaizen errors, for `Effect.retry`.
 *
 * Effect 4's Schedule has no `intersect` or `whileInput`, so the policy is one step function
 * (`Schedule.fromStepWithMetadata`) that does what the Effect 3 line's intersection does: stop
 * after `maxRetries` or on an error that is not transient or asks for a wait longer than
 * `maxRetryAfter`; otherwise wait the larger of a full-jitter backoff and the server's
 * `Retry-After`, logged at debug level.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import { DEFAULT_RETRIES } from "./internal/defaults.js"
import { isTransient, type KaizenError } from "./KaizenError.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface PolicyOptions {
  /** Retries after the first attempt (default 2). */
  readonly maxRetries?: number | undefined
  /** The first backoff ceiling (default 500 ms); it doubles per retry. */
  readonly base?: Duration.Input | undefined
  /** The largest backoff ceiling (default 8 s). */
  readonly cap?: Duration.Input | undefined
  /**
   * The longest server-requested wait that is slept (default 60 s). A longer `Retry-After`
   * ends the retries at once: the error, carrying `retryAfter`, goes back to the caller.
   */
  readonly maxRetryAfter?: Duration.Input | undefined
  /** Which errors are retried (default {@link isTransient}). */
  readonly while?: ((error: KaizenError) => boolean) | undefined
}

/**
 * The server's requested wait, if any.
 *
 * @since 0.1.0
 * @category getters
 */
export const retryAfterOf = (error: KaizenError): Duration.Duration | undefined =>
  error._tag === "KaizenAPIError" ? error.retryAfter : undefined

const describe = (error: KaizenError): string =>
  error._tag === "KaizenAPIError" ? `status ${error.statusCode}` : error.reason

/**
 * The default Kaizen retry policy: exponential backoff with full jitter (a random delay up to
 * `min(cap, base * 2^n)`), at most `maxRetries` retries, only while the error is transient.
 * The delay before a retry is the larger of the backoff and the server's `retryAfter`; a
 * server wait longer than `maxRetryAfter` is not slept. Its output is the retry's number, from 0.
 *
 * @since 0.1.0
 * @category policies
 */
export const policy = (options: PolicyOptions = {}): Schedule.Schedule<number, KaizenError> => {
  const maxRetries = options.maxRetries ?? DEFAULT_RETRIES
  const baseMillis = Duration.toMillis(options.base ?? Duration.millis(500))
  const capMillis = Duration.toMillis(options.cap ?? Duration.seconds(8))
  const maxRetryAfterMillis = Duration.toMillis(options.maxRetryAfter ?? Duration.seconds(60))
  const retryable = options.while ?? isTransient

  return Schedule.fromStepWithMetadata(Effect.succeed((meta: Schedule.InputMetadata<KaizenError>) => {
    const error = meta.input
    const retry = meta.attempt - 1
    const wait = retryAfterOf(error)
    if (retry >= maxRetries || !retryable(error) || (wait !== undefined && Duration.toMillis(wait) > maxRetryAfterMillis)) {
      return Cause.done(retry)
    }
    // Full jitter (AWS "Exponential Backoff and Jitter"): a burst of clients that failed at once
    // spreads over the whole window instead of retrying in step.
    const ceiling = Math.min(capMillis, baseMillis * 2 ** retry)
    return Effect.flatMap(Random.next, (r) => {
      const delay = Duration.millis(Math.max(Math.round(r * ceiling), wait === undefined ? 0 : Duration.toMillis(wait)))
      return Effect.as(
        Effect.logDebug(`Kaizen retry ${retry + 1} in ${Duration.format(delay)} after ${describe(error)}`).pipe(
          Effect.annotateLogs({
            "kaizen.retry": retry + 1,
            "kaizen.delay_ms": Duration.toMillis(delay),
            "kaizen.reason": describe(error),
            ...(error.requestId === undefined ? {} : { "kaizen.request_id": error.requestId })
          })
        ),
        [retry, delay] as [number, Duration.Duration]
      )
    })
  }))
}

/**
 * No retries: the first failure is returned.
 *
 * @since 0.1.0
 * @category policies
 */
export const none: Schedule.Schedule<number, KaizenError> = policy({ maxRetries: 0 })
