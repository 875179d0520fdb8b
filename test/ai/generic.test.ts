/**
 * `KaizenAi.layer` over a hand-written provider (`LanguageModel.make`): the layer works over
 * any `LanguageModel`, which is how Gemini is covered (`@effect/ai-google` pins
 * `@effect/ai` 0.36 and cannot be installed beside 0.37). The provider records the
 * `Prompt` it is given, so these tests see exactly which parts were replaced.
 */
import { AiError, LanguageModel, Prompt, Response } from "@effect/ai"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Option, Stream } from "effect"
import * as KaizenAi from "../../src/KaizenAi.js"
import { KaizenAPIError, KaizenClient } from "../../src/index.js"
import { mockClient } from "../support/clients.js"
import { json } from "../support/mockHttp.js"
import { bytes, downKaizen, encodeAsKaizen, localKaizen, metrics, moved } from "./support/harness.js"

/** A provider written by hand, as one would for Gemini: it answers `reply` and keeps every prompt. */
const handWritten = (reply: () => string) => {
  const prompts: Array<Prompt.Prompt> = []
  const options: Array<LanguageModel.ProviderOptions> = []
  const parts = (): Array<Response.PartEncoded> => [
    { type: "text", text: reply() },
    { type: "finish", reason: "stop", usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 } }
  ]
  const model = Layer.effect(
    LanguageModel.LanguageModel,
    LanguageModel.make({
      generateText: (provider) =>
        Effect.sync(() => {
          prompts.push(provider.prompt)
          options.push(provider)
          return parts()
        }),
      streamText: (provider) =>
        Stream.suspend(() => {
          prompts.push(provider.prompt)
          const text = reply()
          const half = Math.floor(text.length / 2)
          return Stream.make<Array<Response.StreamPartEncoded>>(
            { type: "text-start", id: "t1" },
            { type: "text-delta", id: "t1", delta: text.slice(0, half) },
            { type: "text-delta", id: "t1", delta: text.slice(half) },
            { type: "text-end", id: "t1" },
            { type: "finish", reason: "stop", usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 } }
          )
        })
    })
  )
  return { prompts, options, model }
}

const withModel = (
  model: Layer.Layer<LanguageModel.LanguageModel>,
  options: KaizenAi.Options = {},
  kaizen: Layer.Layer<KaizenClient> = localKaizen().layer
) => KaizenAi.layer(options).pipe(Layer.provide(model), Layer.provideMerge(kaizen))

const table = JSON.stringify({
  rows: [
    { day: "mon", visits: 120, signups: 4 },
    { day: "tue", visits: 98, signups: 7 },
    { day: "wed", visits: 143, signups: 2 }
  ]
})
const pdf = new Uint8Array([37, 80, 68, 70])

const textOf = (message: Prompt.Message | undefined, part = 0): string | undefined => {
  if (message === undefined) return undefined
  if (message.role === "system") return message.content
  const found = message.content[part]
  return found !== undefined && (found.type === "text" || found.type === "reasoning") ? found.text : undefined
}

describe("KaizenAi over any LanguageModel", () => {
  it.effect("default: system and user text are compressed; assistant text, reasoning, files and tool calls are not", () => {
    const provider = handWritten(() => "done")
    const conversation: Prompt.RawInput = [
      { role: "system", content: `Stats: ${table}` },
      {
        role: "user",
        content: [
          { type: "text", text: `Summarise ${table}` },
          { type: "file", mediaType: "application/pdf", data: pdf, fileName: "report.pdf" }
        ]
      },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: `thinking about ${table}` },
          { type: "text", text: `You sent ${table}` },
          { type: "tool-call", id: "c1", name: "lookup", params: { table: "rows" } }
        ]
      },
      { role: "tool", content: [{ type: "tool-result", id: "c1", name: "lookup", isFailure: false, result: JSON.parse(table), providerExecuted: false }] },
      { role: "user", content: "Thanks" }
    ]
    return Effect.gen(function*() {
      const system = yield* encodeAsKaizen(`Stats: ${table}`)
      const user = yield* encodeAsKaizen(`Summarise ${table}`)
      yield* LanguageModel.generateText({ prompt: conversation })
      const [sent] = provider.prompts
      const original = Prompt.make(conversation)

      expect(textOf(sent!.content[0])).toBe(system.result)
      expect(textOf(sent!.content[1])).toBe(user.result)
      // Everything else exactly as given.
      expect(sent!.content[1]!.content[1]).toEqual(original.content[1]!.content[1])
      expect(sent!.content[2]).toEqual(original.content[2])
      expect(sent!.content[3]).toEqual(original.content[3])
      expect(sent!.content[4]).toEqual(original.content[4])
    }).pipe(Effect.provide(withModel(provider.model)))
  })

  it.effect("include assistant and toolResults: those parts are compressed too", () => {
    const provider = handWritten(() => "done")
    const conversation: Prompt.RawInput = [
      { role: "user", content: "Show the table" },
      { role: "assistant", content: `Here: ${table}` },
      { role: "tool", content: [{ type: "tool-result", id: "c1", name: "lookup", isFailure: false, result: JSON.parse(table), providerExecuted: false }] }
    ]
    return Effect.gen(function*() {
      const assistant = yield* encodeAsKaizen(`Here: ${table}`)
      const result = yield* encodeAsKaizen(JSON.parse(table))
      yield* LanguageModel.generateText({ prompt: conversation })
      const [sent] = provider.prompts
      expect(textOf(sent!.content[1])).toBe(assistant.result)
      const toolMessage = sent!.content[2]!
      expect(toolMessage.role === "tool" && toolMessage.content[0]!.result).toBe(result.result)
    }).pipe(Effect.provide(withModel(provider.model, { include: { assistant: true, toolResults: true } })))
  })

  it.effect("never worse: a part whose KTOF is not shorter goes as written, and the call still counts", () => {
    const provider = handWritten(() => "done")
    // TOON quotes a string with a colon and a comma: its KTOF is longer than the text.
    const text = "Hi, there: friend"
    return Effect.gen(function*() {
      const encoded = yield* encodeAsKaizen(text)
      expect(bytes(encoded.result)).toBeGreaterThanOrEqual(bytes(text))
      const before = yield* metrics
      yield* LanguageModel.generateText({ prompt: text })
      expect(textOf(provider.prompts[0]!.content[0])).toBe(text)
      expect(moved(before, yield* metrics)).toEqual({
        calls: 1,
        compressedParts: 0,
        bytesSaved: 0,
        tokensSaved: 0,
        fallbacks: 0,
        ratioCount: 1,
        ratioSum: 0,
        latencyCount: 1
      })
    }).pipe(Effect.provide(withModel(provider.model)))
  })

  it.effect("tools, tool choice and response format reach the provider untouched", () => {
    const provider = handWritten(() => "{\"ok\":true}")
    return Effect.gen(function*() {
      const { Schema } = yield* Effect.promise(() => import("effect"))
      const Ok = Schema.Struct({ ok: Schema.Boolean })
      const response = yield* LanguageModel.generateObject({ prompt: `Check ${table}`, schema: Ok, objectName: "ok" })
      expect(response.value).toEqual({ ok: true })
      const [options] = provider.options
      expect(options!.responseFormat).toMatchObject({ type: "json", objectName: "ok" })
      expect(options!.toolChoice).toBe("none")
    }).pipe(Effect.provide(withModel(provider.model)))
  })

  it.effect("decodeResponse: a reply Kaizen reads as a lone value is not KTOF", () => {
    const provider = handWritten(() => "Hello world")
    return Effect.gen(function*() {
      const error = yield* Effect.flip(LanguageModel.generateText({ prompt: "hi" }).pipe(KaizenAi.unwrapErrors))
      expect(error).toBeInstanceOf(KaizenAi.KaizenAiDecodeError)
      const decodeError = error as KaizenAi.KaizenAiDecodeError
      expect(decodeError.reply).toBe("Hello world")
      expect(decodeError.reason).toContain("single string value")
    }).pipe(Effect.provide(withModel(provider.model, { decodeResponse: true })))
  })

  it.effect("decodeResponse with Kaizen down: the reply comes back undecoded (fallback) or the call fails (\"fail\")", () => {
    const ktof = "rows[1]{day,visits}:\n  mon,120"
    // Kaizen answers encodes but fails decodes, so only the reply side is affected.
    const decodeDown = mockClient(() => json({ detail: "maintenance" }, { status: 503 }), { baseUrl: "http://kaizen.local" })
      .layer.pipe(Layer.orDie)
    const noPrompt = { include: { system: false, user: false }, decodeResponse: true } as const
    const lenient = withModel(handWritten(() => ktof).model, noPrompt, decodeDown)
    const strict = withModel(handWritten(() => ktof).model, { ...noPrompt, onKaizenError: "fail" }, decodeDown)
    return Effect.gen(function*() {
      const before = yield* metrics
      const response = yield* LanguageModel.generateText({ prompt: "hi" }).pipe(Effect.provide(lenient))
      expect(response.text).toBe(ktof)
      expect(KaizenAi.decodedReply(response)).toEqual(Option.none())
      expect(moved(before, yield* metrics)).toMatchObject({ fallbacks: 1, latencyCount: 1 })

      const error = yield* Effect.flip(LanguageModel.generateText({ prompt: "hi" }).pipe(Effect.provide(strict)))
      expect(error).toBeInstanceOf(AiError.UnknownError)
      expect((error as AiError.UnknownError).cause).toBeInstanceOf(KaizenAPIError)
    })
  })

  it.effect("decodeResponse: a reply with no text (tool calls only) is left alone", () => {
    const provider = handWritten(() => "")
    return Effect.gen(function*() {
      const response = yield* LanguageModel.generateText({ prompt: "hi" })
      expect(response.text).toBe("")
    }).pipe(Effect.provide(withModel(provider.model, { decodeResponse: true })))
  })

  it.effect("streamText over the hand-written provider, compressed and decoded", () => {
    const value = { rows: [{ day: "mon", visits: 120 }, { day: "tue", visits: 98 }] }
    let ktof = ""
    const provider = handWritten(() => ktof)
    return Effect.gen(function*() {
      ktof = (yield* encodeAsKaizen(value)).result
      const user = yield* encodeAsKaizen(`Summarise ${table}`)
      const parts = Chunk.toArray(yield* Stream.runCollect(LanguageModel.streamText({ prompt: `Summarise ${table}` })))
      expect(textOf(provider.prompts[0]!.content[0])).toBe(user.result)
      const text = parts.flatMap((part) => part.type === "text-delta" ? [part.delta] : []).join("")
      expect(JSON.parse(text)).toEqual(value)
      expect(KaizenAi.decodedReply(parts)).toEqual(Option.some({ ktof, value }))
    }).pipe(Effect.provide(withModel(provider.model, { decodeResponse: true })))
  })

  it.effect("Kaizen down under the generic provider: same fallback, the provider sees the original", () => {
    const provider = handWritten(() => "done")
    return Effect.gen(function*() {
      yield* LanguageModel.generateText({ prompt: `Summarise ${table}` })
      expect(textOf(provider.prompts[0]!.content[0])).toBe(`Summarise ${table}`)
    }).pipe(Effect.provide(withModel(provider.model, {}, downKaizen)))
  })
})

describe("KaizenAi granularity \"message\"", () => {
  const signups = JSON.stringify({
    rows: [
      { day: "mon", plan: "pro", count: 4 },
      { day: "tue", plan: "free", count: 7 },
      { day: "wed", plan: "pro", count: 2 }
    ]
  })
  const twoTables: Prompt.RawInput = [{
    role: "user",
    content: [{ type: "text", text: `Visits: ${table}` }, { type: "text", text: `Signups: ${signups}` }]
  }]
  const userParts = (prompt: Prompt.Prompt | undefined) => {
    const message = prompt?.content[0]
    return message?.role === "user" ? message.content : []
  }

  it.effect("a user message's text parts become one text part carrying the KTOF of the joined text, counted as one part", () => {
    const provider = handWritten(() => "done")
    return Effect.gen(function*() {
      const joined = yield* encodeAsKaizen(`Visits: ${table}\nSignups: ${signups}`)
      expect(bytes(joined.result)).toBeLessThan(bytes(`Visits: ${table}`) + bytes(`Signups: ${signups}`))
      const before = yield* metrics
      yield* LanguageModel.generateText({ prompt: twoTables })
      const parts = userParts(provider.prompts[0])
      expect(parts.map((part) => part.type)).toEqual(["text"])
      expect(textOf(provider.prompts[0]!.content[0])).toBe(joined.result)
      expect(moved(before, yield* metrics)).toMatchObject({ calls: 1, compressedParts: 1, latencyCount: 1 })
    }).pipe(Effect.provide(withModel(provider.model, { granularity: "message" })))
  })

  it.effect("default granularity: the same message's text parts are encoded and sent separately", () => {
    const provider = handWritten(() => "done")
    return Effect.gen(function*() {
      const first = yield* encodeAsKaizen(`Visits: ${table}`)
      const second = yield* encodeAsKaizen(`Signups: ${signups}`)
      yield* LanguageModel.generateText({ prompt: twoTables })
      expect(userParts(provider.prompts[0]).map((part) => part.type)).toEqual(["text", "text"])
      expect(textOf(provider.prompts[0]!.content[0], 0)).toBe(first.result)
      expect(textOf(provider.prompts[0]!.content[0], 1)).toBe(second.result)
    }).pipe(Effect.provide(withModel(provider.model)))
  })

  it.effect("never worse: a message whose joined KTOF is not smaller goes unchanged", () => {
    const provider = handWritten(() => "done")
    // TOON quotes strings with a colon and a comma: the KTOF is longer than the parts.
    const conversation: Prompt.RawInput = [{
      role: "user",
      content: [{ type: "text", text: "Hi, there: friend" }, { type: "text", text: "Bye, now: pal" }]
    }]
    return Effect.gen(function*() {
      const joined = yield* encodeAsKaizen("Hi, there: friend\nBye, now: pal")
      expect(bytes(joined.result)).toBeGreaterThanOrEqual(bytes("Hi, there: friend") + bytes("Bye, now: pal"))
      const before = yield* metrics
      yield* LanguageModel.generateText({ prompt: conversation })
      expect(provider.prompts[0]).toEqual(Prompt.make(conversation))
      expect(moved(before, yield* metrics)).toMatchObject({ compressedParts: 0, bytesSaved: 0 })
    }).pipe(Effect.provide(withModel(provider.model, { granularity: "message" })))
  })

  it.effect("a file part between the text parts is kept, after the KTOF that replaces them", () => {
    const provider = handWritten(() => "done")
    const conversation: Prompt.RawInput = [{
      role: "user",
      content: [
        { type: "text", text: `Visits: ${table}` },
        { type: "file", mediaType: "application/pdf", data: pdf, fileName: "report.pdf" },
        { type: "text", text: `Signups: ${signups}` }
      ]
    }]
    return Effect.gen(function*() {
      const joined = yield* encodeAsKaizen(`Visits: ${table}\nSignups: ${signups}`)
      yield* LanguageModel.generateText({ prompt: conversation })
      const parts = userParts(provider.prompts[0])
      expect(parts.map((part) => part.type)).toEqual(["text", "file"])
      expect(textOf(provider.prompts[0]!.content[0])).toBe(joined.result)
      expect(parts[1]).toEqual(userParts(Prompt.make(conversation))[1])
    }).pipe(Effect.provide(withModel(provider.model, { granularity: "message" })))
  })
})
