/**
 * The `LanguageModel` wrapper behind `KaizenAi.make`: each of the three methods checks the
 * per-call opt-out, compresses the prompt, calls the wrapped model with it, decodes a KTOF reply
 * when asked, all in one `KaizenAi.<method>` span.
 *
 * @internal
 */
import * as LanguageModel from "effect/ai/LanguageModel"
import type * as Response from "effect/ai/Response"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { KaizenClient } from "../KaizenClient.js"
import type * as KaizenAi from "../KaizenAi.js"
import { compress } from "./compress.js"
import { decodeReply, decodeResponse } from "./decode.js"
import { Disabled } from "./optOut.js"
import * as Reply from "./reply.js"
import { resolve } from "./settings.js"

const disabled = Effect.service(Disabled)

/**
 * Wraps the `LanguageModel` in context with Kaizen compression.
 *
 * @internal
 */
export const make = (
  options: KaizenAi.Options
): Effect.Effect<LanguageModel.LanguageModel, never, LanguageModel.LanguageModel | KaizenClient> =>
  Effect.gen(function*() {
    const model = yield* LanguageModel.LanguageModel
    const settings = resolve(options, yield* KaizenClient)

    // The methods are generic over the caller's options; each wrapper forwards those options
    // unchanged except `prompt`, so the types it was called with are the types it returns.
    // TypeScript cannot see that through the spread, hence the casts at this boundary.
    type AnyOptions = LanguageModel.GenerateTextOptions<any>
    const generateText = (call: AnyOptions): Effect.Effect<LanguageModel.GenerateTextResponse<any, any>, any, any> =>
      Effect.flatMap(disabled, (off) =>
        off ? model.generateText(call as any) : compress(settings, "generateText", call.prompt).pipe(
          Effect.flatMap((prompt): Effect.Effect<LanguageModel.GenerateTextResponse<any, any>, any, any> =>
            model.generateText({ ...call, prompt } as any)
          ),
          Effect.flatMap((response) =>
            settings.decodeResponses ? decodeResponse(settings, response) : Effect.succeed(response)
          ),
          Effect.withSpan("KaizenAi.generateText", { attributes: { "kaizen.ai.method": "generateText" } })
        ))

    const generateObject = (call: LanguageModel.GenerateObjectOptions<any, any>) =>
      Effect.flatMap(disabled, (off) =>
        off ? model.generateObject(call as any) : compress(settings, "generateObject", call.prompt).pipe(
          Effect.flatMap((prompt) => model.generateObject({ ...call, prompt } as any)),
          Effect.withSpan("KaizenAi.generateObject", { attributes: { "kaizen.ai.method": "generateObject" } })
        ))

    const streamText = (call: AnyOptions): Stream.Stream<Response.StreamPart<any, any>, any, any> =>
      Stream.unwrap(Effect.map(disabled, (off): Stream.Stream<Response.StreamPart<any, any>, any, any> => {
        if (off) return model.streamText(call as any)
        const stream: Stream.Stream<Response.StreamPart<any, any>, any, any> = Stream.unwrap(
          Effect.map(compress(settings, "streamText", call.prompt), (prompt) => model.streamText({ ...call, prompt } as any))
        )
        const decoded = settings.decodeResponses
          ? Reply.holdText(stream, (text) => decodeReply(settings, "streamText", text))
          : stream
        return decoded.pipe(
          Stream.withSpan("KaizenAi.streamText", { attributes: { "kaizen.ai.method": "streamText" } })
        )
      }))

    // The wrapped model's own fields (its type id, `supportsSystemMessagesInHistory`) carry over.
    return LanguageModel.LanguageModel.of({ ...model, generateText, generateObject, streamText } as unknown as LanguageModel.LanguageModel)
  })
