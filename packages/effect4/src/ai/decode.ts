/**
 * A reply the model wrote in KTOF, decoded through Kaizen (`decodeResponse`): the decoded JSON
 * replaces the reply's text; a reply that is not KTOF fails the call; Kaizen failing is left to
 * the fallback policy.
 *
 * @internal
 */
import type * as AiError from "effect/ai/AiError"
import * as LanguageModel from "effect/ai/LanguageModel"
import * as Effect from "effect/Effect"
import type { KaizenAPIError } from "../contract/errors.js"
import type * as KaizenSchema from "../KaizenSchema.js"
import { type Method, notKtofError } from "./errors.js"
import { onKaizenError } from "./fallback.js"
import { timed } from "./measure.js"
import * as Reply from "./reply.js"
import type { Settings } from "./settings.js"

type Decoded = Effect.Effect<Reply.Replacement | undefined, AiError.AiError>

const isStructured = (value: KaizenSchema.JsonValue): boolean => typeof value === "object" && value !== null

const notKtof = (method: Method, reply: string, reason: string, cause?: KaizenAPIError) => {
  const error = notKtofError(method, reply, reason, cause)
  return Effect.andThen(Effect.annotateCurrentSpan("kaizen.ai.reply", "not_ktof"), Effect.fail(error))
}

/**
 * A complete reply: its decoded replacement, or `undefined` to keep it as it is.
 *
 * @internal
 */
export const decodeReply = (settings: Settings, method: Method, reply: string): Decoded => {
  const candidate = Reply.candidateOf(reply)
  if (candidate._tag === "NotKtof") return notKtof(method, reply, candidate.reason)
  return timed(settings.kaizen.promptsDecode({ ktof: candidate.ktof })).pipe(
    Effect.matchEffect({
      onSuccess: ({ result }): Decoded =>
        isStructured(result)
          ? Effect.as(Effect.annotateCurrentSpan("kaizen.ai.reply", "decoded"), Reply.decodedReplacement(reply, result))
          : notKtof(method, reply, `it reads as a single ${result === null ? "null" : typeof result} value, not a KTOF document`),
      // Kaizen answering 400/422 is Kaizen saying "this is not KTOF"; anything else is
      // Kaizen failing, and the fallback policy decides.
      onFailure: (error): Decoded =>
        error._tag === "KaizenAPIError" && (error.statusCode === 400 || error.statusCode === 422)
          ? notKtof(method, reply, `Kaizen could not decode it: ${error.message}`, error)
          : onKaizenError(settings.failOnKaizenError, method, "promptsDecode", error, undefined)
    })
  )
}

/**
 * A `generateText` response with its KTOF reply decoded in place.
 *
 * @internal
 */
export const decodeResponse = (
  settings: Settings,
  response: LanguageModel.GenerateTextResponse<any, any>
): Effect.Effect<LanguageModel.GenerateTextResponse<any, any>, AiError.AiError> => {
  // No text (only tool calls, say) is no reply to decode.
  const text = response.text
  if (text.trim().length === 0) return Effect.succeed(response)
  return Effect.map(
    decodeReply(settings, "generateText", text),
    (replacement) =>
      replacement === undefined
        ? response
        : new LanguageModel.GenerateTextResponse(Reply.replaceText(response.content, replacement))
  )
}
