/**
 * Previous-response ids (`effect/ai`'s `ResponseIdTracker`, which OpenAI's provider uses): the
 * model sends only the messages after the last answer when it recognises the earlier ones as
 * the very messages it sent. A message the layer compressed must therefore be the same object
 * on the next call, or every call would go out whole.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as LanguageModel from "effect/ai/LanguageModel"
import * as Prompt from "effect/ai/Prompt"
import * as ResponseIdTracker from "effect/ai/ResponseIdTracker"
import type * as Response from "effect/ai/Response"
import { encodeAsKaizen, textOf, withModel } from "./support/harness.js"

const table = JSON.stringify({
  rows: [
    { day: "mon", visits: 120, signups: 4 },
    { day: "tue", visits: 98, signups: 7 },
    { day: "wed", visits: 143, signups: 2 }
  ]
})

/** A provider that answers with a response id, as the Responses API does, and keeps each request. */
const withResponseIds = () => {
  const requests: Array<LanguageModel.ProviderOptions> = []
  const answer = (): Array<Response.PartEncoded> => [
    { type: "response-metadata", id: `resp_${requests.length}` },
    { type: "text", text: "noted" },
    { type: "finish", reason: "stop", usage: { inputTokens: { total: 1 }, outputTokens: { total: 1 } } }
  ]
  const model = Layer.effect(
    LanguageModel.LanguageModel,
    LanguageModel.make({
      generateText: (provider) => Effect.sync(() => (requests.push(provider), answer())),
      streamText: () => Stream.empty
    })
  )
  return { requests, model }
}

describe("KaizenAi with previous-response ids", () => {
  it.effect("the second turn goes out as the new message only, its history recognised though compressed", () => {
    const provider = withResponseIds()
    return Effect.gen(function*() {
      const tracker = yield* ResponseIdTracker.make
      const tracked = Effect.provideService(ResponseIdTracker.ResponseIdTracker, tracker)
      const expected = yield* encodeAsKaizen(`Summarise ${table}`)

      const first = Prompt.make([{ role: "user", content: `Summarise ${table}` }])
      const answer = yield* LanguageModel.generateText({ prompt: first }).pipe(tracked)
      const second = first.pipe(Prompt.concat(Prompt.fromResponseParts(answer.content)), Prompt.concat("And the total?"))
      yield* LanguageModel.generateText({ prompt: second }).pipe(tracked)

      const [one, two] = provider.requests
      expect(textOf(one!.prompt.content[0])).toBe(expected.result)
      expect(two!.previousResponseId).toBe("resp_1")
      expect(two!.incrementalPrompt?.content.map((message) => textOf(message))).toEqual(["And the total?"])
      // The whole prompt, for a provider that does not use the id, is compressed as before.
      expect(textOf(two!.prompt.content[0])).toBe(expected.result)
    }).pipe(Effect.provide(withModel(provider.model)))
  })
})
