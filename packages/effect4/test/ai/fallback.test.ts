/**
 * What the middleware records and how it behaves when Kaizen fails: the savings on the span and
 * in the metrics, the fallback to the original prompt (logged, counted, traced), the `"fail"`
 * policy, and a provider's own failure left as the provider's. Kaizen is the embedded engine, or
 * a real server on 127.0.0.1 that answers 503, or a port nothing listens on any more.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import * as AiError from "effect/ai/AiError"
import * as LanguageModel from "effect/ai/LanguageModel"
import * as KaizenAi from "../../src/KaizenAi.js"
import { KaizenAPIError, KaizenRequestError } from "../../src/index.js"
import * as KaizenNode from "../../src/KaizenNode.js"
import { serve } from "../support/server.js"
import { bytes, downKaizen, encodeAsKaizen, handWritten, metrics, moved, textOf, withModel } from "./support/harness.js"

const users = {
  users: [
    { id: 1, name: "Ada Lovelace", role: "admin", active: true },
    { id: 2, name: "Bob Stone", role: "viewer", active: false },
    { id: 3, name: "Cy Young", role: "editor", active: true },
    { id: 4, name: "Di Prince", role: "editor", active: true }
  ]
}
const system = "You are a concise assistant"
const question = `Which of these users can edit? ${JSON.stringify(users)}`
const answer = "Cy Young and Di Prince can edit."
const prompt = [
  { role: "system" as const, content: system },
  { role: "user" as const, content: question }
]

const recording = () => {
  const spans: Array<Tracer.NativeSpan> = []
  const tracer = Tracer.make({
    span(options) {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  return { spans, tracer }
}

const tokensOf = (stats: unknown, model: string) => {
  const s = stats as { raw: Record<string, { tokens: number }>; optimized: Record<string, { tokens: number }> }
  return { raw: s.raw[model]!.tokens, optimized: s.optimized[model]!.tokens }
}

describe("KaizenAi savings", () => {
  it.effect("the span carries bytes and tokens before/after, the metrics move by those amounts", () => {
    const tokenModels = ["gpt-4o-mini"]
    const provider = handWritten(() => answer)
    const { spans, tracer } = recording()
    return Effect.gen(function*() {
      const expectedUser = yield* encodeAsKaizen(question, tokenModels)
      const expectedSystem = yield* encodeAsKaizen(system, tokenModels)
      const userTokens = tokensOf(expectedUser.token_stats, "gpt-4o-mini")
      const systemTokens = tokensOf(expectedSystem.token_stats, "gpt-4o-mini")

      const before = yield* metrics
      yield* LanguageModel.generateText({ prompt }).pipe(Effect.provideService(Tracer.Tracer, tracer))
      const delta = moved(before, yield* metrics)

      const bytesBefore = bytes(system) + bytes(question)
      const bytesAfter = bytes(system) + bytes(expectedUser.result)
      const tokensBefore = systemTokens.raw + userTokens.raw
      const tokensAfter = systemTokens.raw + userTokens.optimized
      expect(userTokens.optimized).toBeLessThan(userTokens.raw)
      expect(textOf(provider.prompts()[0]!.content[1])).toBe(expectedUser.result)

      const span = spans.find((s) => s.name === "KaizenAi.generateText")!
      expect(Object.fromEntries(span.attributes)).toMatchObject({
        "kaizen.ai.method": "generateText",
        "kaizen.ai.parts.eligible": 2,
        "kaizen.ai.parts.compressed": 1,
        "kaizen.ai.bytes.before": bytesBefore,
        "kaizen.ai.bytes.after": bytesAfter,
        "kaizen.ai.bytes.saved": bytesBefore - bytesAfter,
        "kaizen.ai.tokens.model": "gpt-4o-mini",
        "kaizen.ai.tokens.before": tokensBefore,
        "kaizen.ai.tokens.after": tokensAfter,
        "kaizen.ai.tokens.saved": tokensBefore - tokensAfter
      })
      expect(span.attributes.get("kaizen.ai.reduction_ratio")).toBeCloseTo(1 - bytesAfter / bytesBefore, 12)
      // The model's own span is a child of this one.
      const inner = spans.find((s) => s.name === "LanguageModel.generateText")!
      expect(inner.parent._tag === "Some" && (inner.parent.value as Tracer.Span).spanId).toBe(span.spanId)

      expect(delta).toEqual({
        calls: 1,
        compressedParts: 1,
        bytesSaved: bytesBefore - bytesAfter,
        tokensSaved: tokensBefore - tokensAfter,
        fallbacks: 0,
        ratioCount: 1,
        ratioSum: expect.closeTo(1 - bytesAfter / bytesBefore, 12),
        // One Kaizen request per eligible part: the system message and the user's text.
        latencyCount: 2
      })
    }).pipe(Effect.provide(withModel(provider.model, { tokenModels })))
  })
})

describe("KaizenAi when Kaizen fails", () => {
  it.live("Kaizen down (503): the original prompt goes out, the call succeeds, the fallback is logged, counted and traced", () => {
    const provider = handWritten(() => answer)
    const { spans, tracer } = recording()
    const logs: Array<{ level: string; message: unknown; error: unknown }> = []
    const capture = Logger.layer([
      Logger.make(({ fiber, logLevel, message }) => {
        logs.push({ level: logLevel, message, error: fiber.getRef(References.CurrentLogAnnotations)["error"] })
      })
    ])
    return Effect.gen(function*() {
      const kaizen = yield* downKaizen
      const before = yield* metrics
      const response = yield* LanguageModel.generateText({ prompt }).pipe(
        Effect.provideService(Tracer.Tracer, tracer),
        Effect.provide(Layer.merge(withModel(provider.model, {}, kaizen.layer), capture))
      )
      const delta = moved(before, yield* metrics)
      // Kaizen was asked (the first failure ends the call's other encodes, so how many reached
      // the server depends on timing); one warning for the call.
      expect(kaizen.paths().length).toBeGreaterThanOrEqual(1)
      expect(logs).toEqual([
        { level: "Warn", message: ["Kaizen failed; the provider gets the original prompt"], error: "KaizenAPIError" }
      ])

      expect(response.text).toBe(answer)
      expect(textOf(provider.prompts()[0]!.content[0])).toBe(system)
      expect(textOf(provider.prompts()[0]!.content[1])).toBe(question)
      expect(delta).toMatchObject({ calls: 1, fallbacks: 1, compressedParts: 0, bytesSaved: 0, ratioCount: 0 })
      const span = spans.find((s) => s.name === "KaizenAi.generateText")!
      expect(span.attributes.get("kaizen.ai.fallback")).toBe("original_prompt")
      expect(span.attributes.get("kaizen.ai.fallback.error")).toBe("KaizenAPIError")
      expect(String(span.attributes.get("kaizen.ai.fallback.reason"))).toContain("503")
    }).pipe(Effect.scoped)
  })

  it.live("onKaizenError \"fail\": the call fails with the Kaizen error and the provider is never called", () => {
    const provider = handWritten(() => answer)
    return Effect.gen(function*() {
      const kaizen = yield* downKaizen
      const layer = withModel(provider.model, { onKaizenError: "fail" }, kaizen.layer)
      const before = yield* metrics
      const error = yield* Effect.flip(LanguageModel.generateText({ prompt }).pipe(Effect.provide(layer)))
      expect(AiError.isAiError(error)).toBe(true)
      expect(error.module).toBe("KaizenAi")
      expect(error.reason._tag).toBe("UnknownError")
      expect(error.reason.cause).toBeInstanceOf(KaizenAPIError)
      expect(error.message).toContain("promptsEncode")

      const typed = yield* Effect.flip(LanguageModel.generateText({ prompt }).pipe(KaizenAi.unwrapErrors, Effect.provide(layer)))
      expect(typed).toBeInstanceOf(KaizenAPIError)
      expect((typed as KaizenAPIError).statusCode).toBe(503)

      expect(provider.requests).toHaveLength(0)
      expect(moved(before, yield* metrics)).toMatchObject({ calls: 2, fallbacks: 0 })
    }).pipe(Effect.scoped)
  })

  it.live("nothing listening where Kaizen was: a KaizenRequestError, fallen back from or failed with", () => {
    const provider = handWritten(() => answer)
    return Effect.gen(function*() {
      // A port that was just closed: the connection is refused.
      const gone = yield* Effect.scoped(Effect.map(serve(), (server) => server.url))
      const kaizen = KaizenNode.layer({ baseUrl: gone, retry: false }).pipe(Layer.orDie)
      const before = yield* metrics
      const response = yield* LanguageModel.generateText({ prompt }).pipe(Effect.provide(withModel(provider.model, {}, kaizen)))
      expect(response.text).toBe(answer)
      expect(textOf(provider.prompts()[0]!.content[1])).toBe(question)
      expect(moved(before, yield* metrics)).toMatchObject({ calls: 1, fallbacks: 1 })

      const typed = yield* Effect.flip(
        LanguageModel.generateText({ prompt }).pipe(
          KaizenAi.unwrapErrors,
          Effect.provide(withModel(provider.model, { onKaizenError: "fail" }, kaizen))
        )
      )
      expect(typed).toBeInstanceOf(KaizenRequestError)
      expect((typed as KaizenRequestError).reason).toBe("Transport")
    })
  })

  it.live("streamText with Kaizen down: the stream goes out with the original prompt, fallback counted", () => {
    const provider = handWritten(() => "Only B-220.")
    return Effect.gen(function*() {
      const kaizen = yield* downKaizen
      const before = yield* metrics
      const text = yield* LanguageModel.streamText({ prompt }).pipe(
        Stream.runFold(() => "", (acc, part) => part.type === "text-delta" ? acc + part.delta : acc),
        Effect.provide(withModel(provider.model, {}, kaizen.layer))
      )
      expect(text).toBe("Only B-220.")
      expect(textOf(provider.prompts()[0]!.content[1])).toBe(question)
      expect(moved(before, yield* metrics)).toMatchObject({ calls: 1, fallbacks: 1, compressedParts: 0 })
    }).pipe(Effect.scoped)
  })

  it.effect("a provider's own failure stays its AiError, through unwrapErrors too", () => {
    const refusing = Layer.effect(
      LanguageModel.LanguageModel,
      LanguageModel.make({
        generateText: () =>
          Effect.fail(AiError.make({
            module: "HandWritten",
            method: "generateText",
            reason: new AiError.AuthenticationError({ kind: "InvalidKey" })
          })),
        streamText: () => Stream.empty
      })
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip(LanguageModel.generateText({ prompt }).pipe(KaizenAi.unwrapErrors))
      expect(AiError.isAiError(error)).toBe(true)
      expect((error as AiError.AiError).reason._tag).toBe("AuthenticationError")
      const disabled = yield* Effect.flip(
        LanguageModel.generateText({ prompt }).pipe(Effect.provideService(KaizenAi.Disabled, true), KaizenAi.unwrapErrors)
      )
      expect((disabled as AiError.AiError).module).toBe("HandWritten")
    }).pipe(Effect.provide(withModel(refusing)))
  })
})
