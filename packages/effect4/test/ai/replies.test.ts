/**
 * `decodeResponse`: a reply the model wrote in KTOF comes back as its JSON, with the raw reply
 * kept; a reply that is not KTOF fails typed; Kaizen failing on the decode follows the fallback
 * policy. The provider is written by hand (`LanguageModel.make`); Kaizen is the embedded engine,
 * or a real server on 127.0.0.1 where a test counts Kaizen's requests or makes it fail.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as AiError from "effect/ai/AiError"
import * as LanguageModel from "effect/ai/LanguageModel"
import * as KaizenAi from "../../src/KaizenAi.js"
import { KaizenAPIError } from "../../src/index.js"
import { downKaizen, encodeAsKaizen, handWritten, httpKaizen, metrics, moved, withModel } from "./support/harness.js"

const editors = { editors: [{ id: 3, name: "Cy Young" }, { id: 4, name: "Di Prince" }] }
const users = JSON.stringify({
  users: [
    { id: 1, name: "Ada Lovelace", role: "admin" },
    { id: 2, name: "Bob Stone", role: "viewer" },
    { id: 3, name: "Cy Young", role: "editor" },
    { id: 4, name: "Di Prince", role: "editor" }
  ]
})
const prompt = [
  { role: "system" as const, content: `You list users. ${KaizenAi.replyInKtof}` },
  { role: "user" as const, content: `Which of these users can edit? ${users}` }
]

/** The failure a call ended with, as the `AiError` it reaches the caller in. */
const aiErrorOf = (error: unknown): AiError.AiError => {
  expect(AiError.isAiError(error)).toBe(true)
  return error as AiError.AiError
}

describe("KaizenAi decodeResponse", () => {
  it.effect("a KTOF reply comes back as its JSON; the raw reply and the provider's metadata are kept", () => {
    let reply = ""
    const provider = handWritten(() => reply)
    return Effect.gen(function*() {
      reply = (yield* encodeAsKaizen(editors)).result
      const before = yield* metrics
      const response = yield* LanguageModel.generateText({ prompt })
      expect(response.text).toBe(JSON.stringify(editors))
      expect(KaizenAi.decodedReply(response)).toEqual(Option.some({ ktof: reply, value: editors }))
      const text = response.content.find((part) => part.type === "text")!
      expect(text.metadata.handWritten).toEqual({ id: "msg_1" })
      // Two encodes (system, user) and one decode.
      expect(moved(before, yield* metrics).latencyCount).toBe(3)
    }).pipe(Effect.provide(withModel(provider.model, { decodeResponse: true })))
  })

  it.effect("a fenced KTOF reply, as models like to write it, is decoded; the raw reply keeps its fence", () => {
    const pending = { pending: [{ sku: "B-220", qty: 1 }] }
    let reply = ""
    const provider = handWritten(() => reply)
    return Effect.gen(function*() {
      reply = "```toon\n" + (yield* encodeAsKaizen(pending)).result + "\n```"
      const response = yield* LanguageModel.generateText({ prompt })
      expect(JSON.parse(response.text)).toEqual(pending)
      expect(KaizenAi.decodedReply(response)).toEqual(Option.some({ ktof: reply, value: pending }))
    }).pipe(Effect.provide(withModel(provider.model, { decodeResponse: true })))
  })

  it.effect("a prose reply fails typed: an AiError whose InvalidOutputError is caused by KaizenAiDecodeError", () => {
    const prose = "I'm sorry, I can't list them.\nPlease ask an admin."
    const provider = handWritten(() => prose)
    return Effect.gen(function*() {
      const error = aiErrorOf(yield* Effect.flip(LanguageModel.generateText({ prompt })))
      expect(error.module).toBe("KaizenAi")
      expect(error.method).toBe("generateText")
      expect(error.reason._tag).toBe("InvalidOutputError")
      const cause = error.reason.cause
      expect(cause).toBeInstanceOf(KaizenAi.KaizenAiDecodeError)
      expect((cause as KaizenAi.KaizenAiDecodeError).reply).toBe(prose)
      // Kaizen was asked and refused it: its answer is kept too.
      expect((cause as KaizenAi.KaizenAiDecodeError).cause).toBeInstanceOf(KaizenAPIError)

      // Lifted out of the AiError, the failure is typed: catchTag compiles and catches it.
      const recovered = yield* LanguageModel.generateText({ prompt }).pipe(
        KaizenAi.unwrapErrors,
        Effect.map((response) => response.text),
        Effect.catchTag("KaizenAiDecodeError", (e) => Effect.succeed(`raw: ${e.reply}`))
      )
      expect(recovered).toBe(`raw: ${prose}`)
    }).pipe(Effect.provide(withModel(provider.model, { decodeResponse: true })))
  })

  it.effect("a reply Kaizen reads as a lone value is not KTOF", () => {
    const provider = handWritten(() => "Hello world")
    return Effect.gen(function*() {
      const error = yield* Effect.flip(LanguageModel.generateText({ prompt: "hi" }).pipe(KaizenAi.unwrapErrors))
      expect(error).toBeInstanceOf(KaizenAi.KaizenAiDecodeError)
      const decodeError = error as KaizenAi.KaizenAiDecodeError
      expect(decodeError.reply).toBe("Hello world")
      expect(decodeError.reason).toContain("single string value")
    }).pipe(Effect.provide(withModel(provider.model, { decodeResponse: true })))
  })

  it.live("a JSON reply is not KTOF either, and Kaizen (a real server) is not even asked to decode it", () => {
    const reply = JSON.stringify({ editors: ["Cy", "Di"] })
    const provider = handWritten(() => reply)
    return Effect.gen(function*() {
      const kaizen = yield* httpKaizen()
      const error = yield* Effect.flip(
        LanguageModel.generateText({ prompt }).pipe(
          KaizenAi.unwrapErrors,
          Effect.provide(withModel(provider.model, { decodeResponse: true }, kaizen.layer))
        )
      )
      expect(error).toBeInstanceOf(KaizenAi.KaizenAiDecodeError)
      expect((error as KaizenAi.KaizenAiDecodeError).reply).toBe(reply)
      expect(kaizen.paths()).toEqual(["/v1/prompts/encode", "/v1/prompts/encode"])
    }).pipe(Effect.scoped)
  })

  it.effect("a reply with no text (tool calls only) is left alone", () => {
    const provider = handWritten(() => "")
    return Effect.gen(function*() {
      const response = yield* LanguageModel.generateText({ prompt: "hi" })
      expect(response.text).toBe("")
      expect(KaizenAi.decodedReply(response)).toEqual(Option.none())
    }).pipe(Effect.provide(withModel(provider.model, { decodeResponse: true })))
  })

  it.live("Kaizen down on the decode (503 from a real server): the reply comes back undecoded, or the call fails with \"fail\"", () => {
    const ktof = "rows[1]{day,visits}:\n  mon,120"
    // Nothing is selected for encoding, so only the reply side meets the failing Kaizen.
    const noPrompt = { include: { system: false, user: false }, decodeResponse: true } as const
    return Effect.gen(function*() {
      const kaizen = yield* downKaizen
      const before = yield* metrics
      const response = yield* LanguageModel.generateText({ prompt: "hi" }).pipe(
        Effect.provide(withModel(handWritten(() => ktof).model, noPrompt, kaizen.layer))
      )
      expect(response.text).toBe(ktof)
      expect(KaizenAi.decodedReply(response)).toEqual(Option.none())
      expect(moved(before, yield* metrics)).toMatchObject({ fallbacks: 1, latencyCount: 1 })

      const error = aiErrorOf(
        yield* Effect.flip(LanguageModel.generateText({ prompt: "hi" }).pipe(
          Effect.provide(withModel(handWritten(() => ktof).model, { ...noPrompt, onKaizenError: "fail" }, kaizen.layer))
        ))
      )
      expect(error.reason._tag).toBe("UnknownError")
      expect(error.reason.cause).toBeInstanceOf(KaizenAPIError)
      expect(kaizen.paths()).toEqual(["/v1/prompts/decode", "/v1/prompts/decode"])
    }).pipe(Effect.scoped)
  })
})

describe("KaizenAi decodeResponse on streamText", () => {
  it.effect("the KTOF reply is held back, then released decoded as one text block before finish", () => {
    let reply = ""
    const provider = handWritten(() => reply)
    return Effect.gen(function*() {
      reply = (yield* encodeAsKaizen(editors)).result
      const parts = Array.from(yield* Stream.runCollect(LanguageModel.streamText({ prompt })))
      expect(parts.map((part) => part.type)).toEqual(["text-start", "text-delta", "text-end", "finish"])
      const delta = parts.find((part) => part.type === "text-delta")!
      expect(delta.type === "text-delta" && JSON.parse(delta.delta)).toEqual(editors)
      expect(KaizenAi.decodedReply(parts)).toEqual(Option.some({ ktof: reply, value: editors }))
    }).pipe(Effect.provide(withModel(provider.model, { decodeResponse: true })))
  })

  it.effect("a prose reply fails the stream, typed through unwrapErrorsStream", () => {
    const provider = handWritten(() => "Sorry, no.")
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Stream.runDrain(KaizenAi.unwrapErrorsStream(LanguageModel.streamText({ prompt }))))
      expect(error).toBeInstanceOf(KaizenAi.KaizenAiDecodeError)
      expect((error as KaizenAi.KaizenAiDecodeError).reply).toBe("Sorry, no.")
      // Without unwrapping, the stream fails with the AiError that carries it.
      const wrapped = aiErrorOf(yield* Effect.flip(Stream.runDrain(LanguageModel.streamText({ prompt }))))
      expect(wrapped.method).toBe("streamText")
      expect(wrapped.reason._tag).toBe("InvalidOutputError")
    }).pipe(Effect.provide(withModel(provider.model, { decodeResponse: true })))
  })
})
