/**
 * The middleware's own failures, and how they travel: a `LanguageModel`'s error channel is
 * `AiError`, so Kaizen's errors and a reply that is not KTOF ride in an `AiError` whose `module`
 * is this module's, as the `cause` of its `reason`, and `unwrapErrors` lifts them out again.
 *
 * @internal
 */
import * as AiError from "effect/ai/AiError"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { KaizenAPIError, KaizenRequestError } from "../contract/errors.js"
import { isKaizenError, type KaizenError } from "../KaizenError.js"

/**
 * The `module` of every `AiError` this middleware raises: how {@link unwrapErrors} tells its
 * own wrapped failures from the provider's.
 *
 * @internal
 */
export const MODULE = "KaizenAi"

/**
 * The `LanguageModel` method a failure happened in (the `AiError`'s `method`).
 *
 * @internal
 */
export type Method = "generateText" | "generateObject" | "streamText"

/**
 * The model's reply is not KTOF (prose, JSON, or text Kaizen cannot decode), with the reply
 * exactly as the model wrote it. It reaches the caller as the `cause` of the `reason` (an
 * `AiError.InvalidOutputError`) of an `AiError`; {@link unwrapErrors} lifts it into the error
 * channel.
 *
 * @since 0.1.0
 * @category errors
 * @example
 * import { Effect } from "effect"
 * import { LanguageModel } from "effect/ai"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const reply = LanguageModel.generateText({ prompt: "List the users as KTOF" }).pipe(
 *   KaizenAi.unwrapErrors,
 *   Effect.map((response) => response.text),
 *   Effect.catchTag("KaizenAiDecodeError", (error) => Effect.succeed(error.reply))
 * )
 */
export class KaizenAiDecodeError extends Data.TaggedError("KaizenAiDecodeError")<{
  /** The reply as the model wrote it. */
  readonly reply: string
  /** Why it is not KTOF. */
  readonly reason: string
  readonly message: string
  /** Kaizen's refusal, when it was asked and could not decode the reply. */
  readonly cause?: KaizenAPIError | undefined
}> {}

/**
 * What {@link unwrapErrors} adds to an error channel: the failures this module wraps in
 * `AiError`.
 *
 * @since 0.1.0
 * @category errors
 * @example
 * import type * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const describe = (failure: KaizenAi.Failure) => `${failure._tag}: ${failure.message}`
 */
export type Failure = KaizenAiDecodeError | KaizenRequestError | KaizenAPIError

const isFailure = (u: unknown): u is Failure => u instanceof KaizenAiDecodeError || isKaizenError(u)

const unwrapOne = <E>(error: E): E | Failure => {
  if (!AiError.isAiError(error) || error.module !== MODULE) return error
  const { reason } = error
  return (reason._tag === "UnknownError" || reason._tag === "InvalidOutputError") && isFailure(reason.cause)
    ? reason.cause
    : error
}

/**
 * Lifts this module's failures out of the `AiError` they travel in. A `LanguageModel`'s error
 * channel is `AiError`, so the layer cannot widen it; piping a call through `unwrapErrors`
 * gives back {@link KaizenAiDecodeError}, `KaizenRequestError` and `KaizenAPIError` as typed
 * errors (`Effect.catchTag` works on them). Any other error is left as it is.
 *
 * @since 0.1.0
 * @category errors
 * @example
 * import { Effect } from "effect"
 * import { LanguageModel } from "effect/ai"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const answer = LanguageModel.generateText({ prompt: "hi" }).pipe(
 *   KaizenAi.unwrapErrors,
 *   Effect.catchTag("KaizenAPIError", (error) => Effect.die(error))
 * )
 */
export const unwrapErrors = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | Failure, R> =>
  Effect.mapError(self, unwrapOne)

/**
 * {@link unwrapErrors} for `streamText`.
 *
 * @since 0.1.0
 * @category errors
 * @example
 * import { Stream } from "effect"
 * import { LanguageModel } from "effect/ai"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const parts = LanguageModel.streamText({ prompt: "hi" }).pipe(
 *   KaizenAi.unwrapErrorsStream,
 *   Stream.catchTag("KaizenAiDecodeError", (error) => Stream.make(error.reply))
 * )
 */
export const unwrapErrorsStream = <A, E, R>(self: Stream.Stream<A, E, R>): Stream.Stream<A, E | Failure, R> =>
  Stream.mapError(self, unwrapOne)

// Effect 4's reasons are Schema classes with fixed fields and no `cause` field, so the failure
// is set as the reason's `cause`, the place JavaScript's `Error` keeps one (own, not enumerable).
const withCause = <R extends AiError.AiErrorReason>(reason: R, cause: Failure): R => {
  Object.defineProperty(reason, "cause", { value: cause, enumerable: false, configurable: true, writable: true })
  return reason
}

/**
 * Kaizen failed and the policy is `"fail"`: the call fails with an `AiError` whose reason is an
 * `UnknownError` caused by the Kaizen error.
 *
 * @internal
 */
export const kaizenFailed = (
  method: Method,
  operation: "promptsEncode" | "promptsDecode",
  error: KaizenError
): AiError.AiError =>
  AiError.make({
    module: MODULE,
    method,
    reason: withCause(
      new AiError.UnknownError({ description: `Kaizen ${operation} failed (${error._tag}): ${error.message}` }),
      error
    )
  })

/**
 * The reply is not KTOF: an `AiError` whose reason is an `InvalidOutputError` caused by a
 * {@link KaizenAiDecodeError}.
 *
 * @internal
 */
export const notKtofError = (
  method: Method,
  reply: string,
  reason: string,
  cause?: KaizenAPIError
): AiError.AiError => {
  const error = new KaizenAiDecodeError({ reply, reason, message: `The model's reply is not KTOF: ${reason}`, cause })
  return AiError.make({
    module: MODULE,
    method,
    reason: withCause(new AiError.InvalidOutputError({ description: error.message }), error)
  })
}
