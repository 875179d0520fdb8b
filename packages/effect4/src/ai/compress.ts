/**
 * The prompt on its way to the provider: each selected unit encoded by Kaizen (a few at once),
 * weighed, and put in place only where KTOF is smaller; the call's savings recorded; Kaizen's
 * failures handled by the fallback policy.
 *
 * @internal
 */
import type * as AiError from "effect/ai/AiError"
import * as Prompt from "effect/ai/Prompt"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import type { Method } from "./errors.js"
import { onKaizenError } from "./fallback.js"
import { measure, record, timed } from "./measure.js"
import { calls } from "./metrics.js"
import * as AiPrompt from "./prompt.js"
import type { Settings } from "./settings.js"

/**
 * The prompt to send: compressed where that helps, else exactly what the caller gave.
 *
 * @internal
 */
export const compress = (
  settings: Settings,
  method: Method,
  raw: Prompt.RawInput
): Effect.Effect<Prompt.RawInput, AiError.AiError> =>
  Effect.suspend(() => {
    const prompt = Prompt.make(raw)
    const units = AiPrompt.unitsOf(prompt, settings.selection)
    return Effect.forEach(
      units,
      (unit) => {
        const payload = AiPrompt.payloadOf(unit)
        return timed(settings.kaizen.promptsEncode({ ...settings.encodeFields, prompt: payload.prompt })).pipe(
          Effect.map((response) => measure(unit, payload.bytes, response, settings.tokenModel))
        )
      },
      { concurrency: settings.concurrency }
    ).pipe(
      Effect.tap((measured) => record(measured, settings.tokenModel)),
      Effect.map((measured): Prompt.RawInput => {
        const replacements = measured.filter((m) => m.replaced)
        return replacements.length === 0 ? raw : AiPrompt.replace(prompt, replacements, settings.rebuilt)
      }),
      Effect.catch((error) => onKaizenError(settings.failOnKaizenError, method, "promptsEncode", error, raw)),
      Effect.ensuring(Metric.update(calls, 1))
    )
  })
