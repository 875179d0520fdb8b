/**
 * The policy for Kaizen failing (down, timing out, refusing the key): go on without it and say
 * so (a warning log, the span's `kaizen.ai.fallback`, the `fallbacks` metric), or fail the call.
 *
 * @internal
 */
import type * as AiError from "effect/ai/AiError"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import type { KaizenError } from "../KaizenError.js"
import { kaizenFailed, type Method } from "./errors.js"
import { fallbacks } from "./metrics.js"

/**
 * Kaizen failed in `operation`: succeed with `fallback` (the original prompt, or no
 * replacement for the reply) and record why, or, with `onKaizenError: "fail"`, fail the call.
 *
 * @internal
 */
export const onKaizenError = <A>(
  failOnKaizenError: boolean,
  method: Method,
  operation: "promptsEncode" | "promptsDecode",
  error: KaizenError,
  fallback: A
): Effect.Effect<A, AiError.AiError> =>
  failOnKaizenError
    ? Effect.fail(kaizenFailed(method, operation, error))
    : Effect.all([
      Metric.update(fallbacks, 1),
      Effect.annotateCurrentSpan({
        "kaizen.ai.fallback": operation === "promptsEncode" ? "original_prompt" : "undecoded_reply",
        "kaizen.ai.fallback.error": error._tag,
        "kaizen.ai.fallback.reason": error.message
      }),
      Effect.logWarning(
        operation === "promptsEncode"
          ? "Kaizen failed; the provider gets the original prompt"
          : "Kaizen failed; the reply is returned undecoded"
      ).pipe(Effect.annotateLogs({ method, operation, error: error._tag, reason: error.message }))
    ]).pipe(Effect.as(fallback))
