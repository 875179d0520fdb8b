/**
 * The public signatures' types: what `make` and `layer` need and give, the error unions a call
 * has before and after `unwrapErrors`, and what `catchTag` leaves. Checked by the type-checker
 * (`expectTypeOf`). The exported names are pinned by test/surface.test.ts.
 */
import { describe, expectTypeOf, it } from "@effect/vitest"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import * as EffectRuntime from "effect/Effect"
import type * as AiError from "effect/ai/AiError"
import * as LanguageModel from "effect/ai/LanguageModel"
import type * as Response from "effect/ai/Response"
import * as KaizenAi from "../../src/KaizenAi.js"
import type { KaizenAPIError, KaizenClient, KaizenRequestError } from "../../src/index.js"

type ErrorOf<T> = T extends Effect.Effect<any, infer E, any> ? E : T extends Stream.Stream<any, infer E, any> ? E : never

describe("KaizenAi types", () => {
  it("make and layer need the wrapped LanguageModel and a KaizenClient, and fail with nothing", () => {
    expectTypeOf(KaizenAi.make).returns.toEqualTypeOf<
      Effect.Effect<LanguageModel.LanguageModel, never, LanguageModel.LanguageModel | KaizenClient>
    >()
    expectTypeOf(KaizenAi.layer).returns.toEqualTypeOf<
      Layer.Layer<LanguageModel.LanguageModel, never, LanguageModel.LanguageModel | KaizenClient>
    >()
    expectTypeOf(KaizenAi.layer).parameter(0).toEqualTypeOf<KaizenAi.Options | undefined>()
  })

  it("a call's error channel is AiError; unwrapErrors adds exactly the three Kaizen failures", () => {
    const call = LanguageModel.generateText({ prompt: "hi" })
    expectTypeOf<ErrorOf<typeof call>>().toEqualTypeOf<AiError.AiError>()
    const unwrapped = KaizenAi.unwrapErrors(call)
    expectTypeOf<ErrorOf<typeof unwrapped>>().toEqualTypeOf<
      AiError.AiError | KaizenAi.KaizenAiDecodeError | KaizenRequestError | KaizenAPIError
    >()
    expectTypeOf<KaizenAi.Failure>().toEqualTypeOf<KaizenAi.KaizenAiDecodeError | KaizenRequestError | KaizenAPIError>()

    const handled = unwrapped.pipe(
      EffectRuntime.catchTag("KaizenAiDecodeError", (error) => EffectRuntime.succeed(error.reply))
    )
    expectTypeOf<ErrorOf<typeof handled>>().toEqualTypeOf<AiError.AiError | KaizenRequestError | KaizenAPIError>()

    const stream = KaizenAi.unwrapErrorsStream(LanguageModel.streamText({ prompt: "hi" }))
    expectTypeOf<ErrorOf<typeof stream>>().toEqualTypeOf<
      AiError.AiError | KaizenAi.KaizenAiDecodeError | KaizenRequestError | KaizenAPIError
    >()
  })

  it("the opt-out keeps a call's types; decodedReply reads responses and stream parts", () => {
    const call = LanguageModel.generateText({ prompt: "hi" })
    expectTypeOf(KaizenAi.withoutCompression(call)).toEqualTypeOf(call)
    const stream = LanguageModel.streamText({ prompt: "hi" })
    expectTypeOf(KaizenAi.withoutCompressionStream(stream)).toEqualTypeOf(stream)
    expectTypeOf(KaizenAi.decodedReply).parameter(0).toExtend<
      { readonly content: ReadonlyArray<Response.AnyPart> } | ReadonlyArray<Response.AnyPart>
    >()
    expectTypeOf(KaizenAi.decodedReply).returns.toEqualTypeOf<Option.Option<KaizenAi.DecodedReply>>()
    expectTypeOf<KaizenAi.KaizenAiDecodeError["cause"]>().toEqualTypeOf<KaizenAPIError | undefined>()
  })
})
