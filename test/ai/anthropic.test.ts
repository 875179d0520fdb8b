/**
 * `KaizenAi.layer` over `@effect/ai-anthropic` (the Messages API), with the provider behind a
 * recording mock `HttpClient` and Kaizen on the embedded engine.
 */
import { LanguageModel } from "@effect/ai"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Option, Stream } from "effect"
import * as KaizenAi from "../../src/KaizenAi.js"
import { bytes, downKaizen, encodeAsKaizen, metrics, moved, anthropic } from "./support/harness.js"
import { anthropicMessage, anthropicStream } from "./support/providers.js"

const orders = [
  { sku: "A-100", qty: 2, price: 9.5, status: "shipped" },
  { sku: "B-220", qty: 1, price: 120, status: "pending" },
  { sku: "C-310", qty: 5, price: 3.25, status: "shipped" }
]
const system = `Orders on file: ${JSON.stringify(orders)}`
const question = "Which orders are still pending?"
const answer = "Only B-220 is pending."

const prompt = [
  { role: "system" as const, content: system },
  { role: "user" as const, content: question }
]

describe("KaizenAi over Anthropic", () => {
  it.effect("the system prompt's JSON reaches Claude as KTOF; the answer and the request's settings are intact", () => {
    const { layer, sent } = anthropic(() => anthropicMessage(answer), { tokenModels: ["gpt-4o"] })
    return Effect.gen(function*() {
      const expected = yield* encodeAsKaizen(system)
      expect(bytes(expected.result)).toBeLessThan(bytes(system))

      const before = yield* metrics
      const response = yield* LanguageModel.generateText({ prompt })
      const delta = moved(before, yield* metrics)

      const [request] = sent()
      // @effect/ai-anthropic 0.27 calls the beta Messages endpoint.
      expect(request!.url).toBe("https://api.anthropic.com/v1/messages?beta=true")
      expect(request!.body.system).toEqual([{ type: "text", text: expected.result }])
      expect(request!.body.messages).toEqual([{ role: "user", content: [{ type: "text", text: question }] }])
      expect(request!.body.model).toBe("claude-sonnet-4-5")
      expect(request!.body.max_tokens).toBe(512)

      expect(response.text).toBe(answer)
      expect(response.finishReason).toBe("stop")
      expect(response.usage.inputTokens).toBe(2095)

      expect(delta).toMatchObject({
        calls: 1,
        compressedParts: 1,
        bytesSaved: bytes(system) - bytes(expected.result),
        fallbacks: 0,
        latencyCount: 2
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("streamText: Claude's streamed request carries the KTOF, the deltas arrive as sent", () => {
    const deltas = ["Only ", "B-220", " is pending."]
    const { layer, sent } = anthropic(() => anthropicStream(deltas))
    return Effect.gen(function*() {
      const expected = yield* encodeAsKaizen(system)
      const parts = Chunk.toArray(yield* Stream.runCollect(LanguageModel.streamText({ prompt })))
      expect(sent()[0]!.body.stream).toBe(true)
      expect(sent()[0]!.body.system).toEqual([{ type: "text", text: expected.result }])
      expect(parts.flatMap((part) => part.type === "text-delta" ? [part.delta] : [])).toEqual(deltas)
      expect(parts.at(-1)).toMatchObject({ type: "finish", reason: "stop" })
    }).pipe(Effect.provide(layer))
  })

  it.effect("decodeResponse: Claude's KTOF reply, fenced as models like to, comes back decoded", () => {
    const pending = { pending: [{ sku: "B-220", qty: 1 }] }
    let reply = ""
    const { layer } = anthropic(() => anthropicMessage(reply), { decodeResponse: true })
    return Effect.gen(function*() {
      const ktof = (yield* encodeAsKaizen(pending)).result
      reply = "```toon\n" + ktof + "\n```"
      const response = yield* LanguageModel.generateText({ prompt })
      expect(JSON.parse(response.text)).toEqual(pending)
      expect(KaizenAi.decodedReply(response)).toEqual(Option.some({ ktof: reply, value: pending }))
    }).pipe(Effect.provide(layer))
  })

  it.effect("streamText with Kaizen down: the stream goes out with the original prompt, fallback counted", () => {
    const { layer, sent } = anthropic(() => anthropicStream(["Only B-220."]), {}, downKaizen)
    return Effect.gen(function*() {
      const before = yield* metrics
      const text = yield* LanguageModel.streamText({ prompt }).pipe(
        Stream.runFold("", (acc, part) => part.type === "text-delta" ? acc + part.delta : acc)
      )
      expect(text).toBe("Only B-220.")
      expect(sent()[0]!.body.system).toEqual([{ type: "text", text: system }])
      expect(moved(before, yield* metrics)).toMatchObject({ calls: 1, fallbacks: 1, compressedParts: 0 })
    }).pipe(Effect.provide(layer))
  })

  it.effect("withoutCompressionStream: the stream's request carries the original prompt", () => {
    const { layer, sent } = anthropic(() => anthropicStream(["ok"]))
    return Effect.gen(function*() {
      yield* Stream.runDrain(KaizenAi.withoutCompressionStream(LanguageModel.streamText({ prompt })))
      expect(sent()[0]!.body.system).toEqual([{ type: "text", text: system }])
    }).pipe(Effect.provide(layer))
  })
})
