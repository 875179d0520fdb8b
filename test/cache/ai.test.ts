/**
 * KaizenAi over the caching client: a chat that grows by one message per turn re-encodes its
 * whole history each turn; with the cache, only the new message reaches Kaizen. The requests
 * are counted where the embedded engine receives them.
 */
import { LanguageModel, Prompt } from "@effect/ai"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as KaizenAi from "../../src/KaizenAi.js"
import * as KaizenCache from "../../src/KaizenCache.js"
import { localKaizen } from "../ai/support/harness.js"

/** A model that answers each turn with a line of text and keeps nothing. */
const model = Layer.effect(
  LanguageModel.LanguageModel,
  LanguageModel.make({
    generateText: () =>
      Effect.succeed([
        { type: "text", text: "noted" },
        { type: "finish", reason: "stop", usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } }
      ]),
    streamText: () => Effect.die("not used") as never
  })
)

const TURNS = 20

/** Runs a 20-turn chat (each turn sends the whole history) and counts what reached Kaizen. */
const chat = (withCache: boolean) => {
  const kaizen = localKaizen()
  const client = withCache ? KaizenCache.layer().pipe(Layer.provide(kaizen.layer), Layer.orDie) : kaizen.layer
  const layer = KaizenAi.layer({ granularity: "message" }).pipe(Layer.provide(model), Layer.provide(client))
  return Effect.gen(function*() {
    let history = Prompt.empty
    for (let turn = 1; turn <= TURNS; turn++) {
      const question = Prompt.make([{
        role: "user",
        content: `turn ${turn}: here are the rows ${JSON.stringify([{ id: turn, name: `row ${turn}`, score: turn * 3 }])}`
      }])
      history = Prompt.merge(history, question)
      const answer = yield* LanguageModel.generateText({ prompt: history })
      history = Prompt.merge(history, Prompt.fromResponseParts(answer.content))
    }
    return kaizen.kaizenRequests.length
  }).pipe(Effect.provide(layer))
}

describe("KaizenAi with KaizenCache", () => {
  it.effect("a 20-turn chat on granularity \"message\" makes one Kaizen call per new message, not one per message per turn", () =>
    Effect.gen(function*() {
      const uncached = yield* chat(false)
      const cached = yield* chat(true)
      // Without the cache turn n encodes all n user messages: 1 + 2 + ... + 20.
      expect(uncached).toBe((TURNS * (TURNS + 1)) / 2)
      expect(cached).toBe(TURNS)
    }))
})
