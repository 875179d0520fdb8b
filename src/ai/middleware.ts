/**
 * The `LanguageModel` wrapper behind `KaizenAi.make`: each of the three methods checks the
 * per-call opt-out, compresses the prompt, calls the wrapped model with it, decodes a KTOF reply
 * when asked, all in one `KaizenAi.<method>` span.
 *
 * @internal
 */
import * as LanguageModel from "@effect/ai/LanguageModel"
import type * as Response from "@effect/ai/Response"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { KaizenClient } from "../KaizenClient.js"
import type * as KaizenAi from "../KaizenAi.js"
import { compress } from "./compress.js"
import { decodeReply, decodeResponse } from "./decode.js"
import { Disabled } from "./optOut.js"
import * as Reply from "./reply.js"
import { resolve } from "./settings.js"

/**
 * Wraps the `LanguageModel` in context with Kaizen compression.
 *
 * @internal
 */
export const make = (
  options: KaizenAi.Options
): Effect.Effect<LanguageModel.Service, never, LanguageModel.LanguageModel | KaizenClient> =>
  Effect.gen(function*() {
    const model = yield* LanguageModel.LanguageModel
    const settings = resolve(options, yield* KaizenClient)

    // The Service's methods are generic over the caller's options; each wrapper forwards those
    // options unchanged except `prompt`, so the types it was called with are the types it
    // returns. TypeScript cannot see that through the spread, hence the casts at this boundary.
    type AnyOptions = LanguageModel.GenerateTextOptions<any>
    const generateText = (call: AnyOptions): Effect.Effect<LanguageModel.GenerateTextResponse<any>, any, any> =>
      Effect.flatMap(Disabled, (disabled) =>
        disabled ? model.generateText(call) : compress(settings, "generateText", call.prompt).pipe(
          Effect.flatMap((prompt) => model.generateText({ ...call, prompt })),
          Effect.flatMap((response) =>
            settings.decodeResponses ? decodeResponse(settings, response) : Effect.succeed(response)
          ),
          Effect.withSpan("KaizenAi.generateText", { attributes: { "kaizen.ai.method": "generateText" } })
        ))

    const generateObject = (call: LanguageModel.GenerateObjectOptions<any, any, any, any>) =>
      Effect.flatMap(Disabled, (disabled) =>
        disabled ? model.generateObject(call) : compress(settings, "generateObject", call.prompt).pipe(
          Effect.flatMap((prompt) => model.generateObject({ ...call, prompt })),
          Effect.withSpan("KaizenAi.generateObject", { attributes: { "kaizen.ai.method": "generateObject" } })
        ))

    const streamText = (call: AnyOptions): Stream.Stream<Response.StreamPart<any>, any, any> =>
      Stream.unwrap(Effect.map(Disabled, (disabled) => {
        if (disabled) return model.streamText(call)
        const stream = Stream.unwrap(
          Effect.map(compress(settings, "streamText", call.prompt), (prompt) => model.streamText({ ...call, prompt }))
        )
        const decoded = settings.decodeResponses
          ? Reply.holdText(stream, (text) => decodeReply(settings, "streamText", text))
          : stream
        return decoded.pipe(
          Stream.withSpan("KaizenAi.streamText", { attributes: { "kaizen.ai.method": "streamText" } })
        )
      }))

    return { generateText, generateObject, streamText } as unknown as LanguageModel.Service
  })
