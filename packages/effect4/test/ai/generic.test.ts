/**
 * `KaizenAi.layer` over a hand-written provider (`LanguageModel.make`): the layer works over any
 * `LanguageModel`. The provider records the `Prompt` it is given, so these tests see exactly
 * which parts were replaced. Kaizen is the embedded engine, and, where a test says so, the
 * engine behind a real HTTP server on 127.0.0.1.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Prompt from "effect/ai/Prompt"
import * as LanguageModel from "effect/ai/LanguageModel"
import * as Tool from "effect/ai/Tool"
import * as Toolkit from "effect/ai/Toolkit"
import * as KaizenAi from "../../src/KaizenAi.js"
import { bytes, encodeAsKaizen, handWritten, httpKaizen, metrics, moved, textOf, withModel } from "./support/harness.js"

const table = JSON.stringify({
  rows: [
    { day: "mon", visits: 120, signups: 4 },
    { day: "tue", visits: 98, signups: 7 },
    { day: "wed", visits: 143, signups: 2 }
  ]
})
const pdf = new Uint8Array([37, 80, 68, 70])

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
  { role: "tool", content: [{ type: "tool-result", id: "c1", name: "lookup", isFailure: false, result: JSON.parse(table) }] },
  { role: "user", content: "Thanks" }
]

describe("KaizenAi over any LanguageModel", () => {
  it.effect("default: system and user text are compressed; assistant text, reasoning, files and tool calls are not", () => {
    const provider = handWritten(() => "done")
    return Effect.gen(function*() {
      const system = yield* encodeAsKaizen(`Stats: ${table}`)
      const user = yield* encodeAsKaizen(`Summarise ${table}`)
      yield* LanguageModel.generateText({ prompt: conversation })
      const [sent] = provider.prompts()
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

  it.live("the same over real HTTP: Kaizen behind a server on 127.0.0.1 encodes each selected part", () => {
    const provider = handWritten(() => "done")
    return Effect.gen(function*() {
      const kaizen = yield* httpKaizen()
      const layer = withModel(provider.model, {}, kaizen.layer)
      const { system, user } = yield* Effect.all({
        system: encodeAsKaizen(`Stats: ${table}`),
        user: encodeAsKaizen(`Summarise ${table}`)
      }).pipe(Effect.provide(layer))
      const before = kaizen.requests.length
      yield* LanguageModel.generateText({ prompt: conversation }).pipe(Effect.provide(layer))
      const [sent] = provider.prompts()
      expect(textOf(sent!.content[0])).toBe(system.result)
      expect(textOf(sent!.content[1])).toBe(user.result)
      // One encode per selected unit: the system message, the two user texts ("Thanks" too).
      const calls = kaizen.requests.slice(before)
      expect(calls.map((request) => `${request.method} ${request.path}`)).toEqual(Array(3).fill("POST /v1/prompts/encode"))
      expect(calls.map((request) => JSON.parse(request.body).prompt).sort()).toEqual(
        [`Stats: ${table}`, `Summarise ${table}`, "Thanks"].sort()
      )
    }).pipe(Effect.scoped)
  })

  it.effect("include assistant and toolResults: those parts are compressed too", () => {
    const provider = handWritten(() => "done")
    const prompt: Prompt.RawInput = [
      { role: "user", content: "Show the table" },
      { role: "assistant", content: `Here: ${table}` },
      { role: "tool", content: [{ type: "tool-result", id: "c1", name: "lookup", isFailure: false, result: JSON.parse(table) }] }
    ]
    return Effect.gen(function*() {
      const assistant = yield* encodeAsKaizen(`Here: ${table}`)
      const result = yield* encodeAsKaizen(JSON.parse(table))
      yield* LanguageModel.generateText({ prompt })
      const [sent] = provider.prompts()
      expect(textOf(sent!.content[1])).toBe(assistant.result)
      const toolMessage = sent!.content[2]!
      expect(toolMessage.role === "tool" && toolMessage.content[0]!.type === "tool-result" && toolMessage.content[0]!.result)
        .toBe(result.result)
    }).pipe(Effect.provide(withModel(provider.model, { include: { assistant: true, toolResults: true } })))
  })

  // A tool result's `modelOutput` arrived in effect 4.1; on 4.0 the prompt drops it.
  const withModelOutput = {
    type: "tool-result",
    id: "c1",
    name: "lookup",
    isFailure: false,
    result: JSON.parse(table),
    modelOutput: [{ type: "text", text: "three rows" }]
  } as Prompt.ToolResultPartEncoded
  const keepsModelOutput = JSON.stringify(Prompt.make([{ role: "tool", content: [withModelOutput] }])).includes("three rows")

  it.effect.skipIf(!keepsModelOutput)("toolResults: a result with its own modelOutput, and an approval answer, go as they are", () => {
    const provider = handWritten(() => "done")
    const prompt: Prompt.RawInput = [
      { role: "user", content: "Show the table" },
      {
        role: "tool",
        content: [withModelOutput, { type: "tool-approval-response", approvalId: "a1", approved: true }]
      }
    ]
    return Effect.gen(function*() {
      const before = yield* metrics
      yield* LanguageModel.generateText({ prompt })
      expect(provider.prompts()[0]!.content[1]).toEqual(Prompt.make(prompt).content[1])
      // Only the user's text was a candidate.
      expect(moved(before, yield* metrics)).toMatchObject({ calls: 1, latencyCount: 1, compressedParts: 0 })
    }).pipe(Effect.provide(withModel(provider.model, { include: { toolResults: true } })))
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
      expect(textOf(provider.prompts()[0]!.content[0])).toBe(text)
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

  it.effect("generateObject: the prompt is compressed; response format and tool choice reach the provider untouched", () => {
    const provider = handWritten(() => "{\"ok\":true}")
    const Ok = Schema.Struct({ ok: Schema.Boolean })
    return Effect.gen(function*() {
      const expected = yield* encodeAsKaizen(`Check ${table}`)
      const response = yield* LanguageModel.generateObject({ prompt: `Check ${table}`, schema: Ok, objectName: "ok" })
      expect(response.value).toEqual({ ok: true })
      const [request] = provider.requests
      expect(textOf(request!.prompt.content[0])).toBe(expected.result)
      expect(request!.responseFormat).toMatchObject({ type: "json", objectName: "ok" })
      expect(request!.toolChoice).toBe("none")
    }).pipe(Effect.provide(withModel(provider.model, { decodeResponse: true })))
  })

  it.effect("a toolkit passes through: the provider sees the tools and tool choice, and the tool call is resolved", () => {
    const GetUser = Tool.make("GetUser", {
      description: "Looks a user up by id",
      parameters: Schema.Struct({ id: Schema.Number }),
      success: Schema.Struct({ name: Schema.String })
    })
    const Tools = Toolkit.make(GetUser)
    const handlers = Tools.toLayer({ GetUser: ({ id }) => Effect.succeed({ name: `user-${id}` }) })
    const requests: Array<LanguageModel.ProviderOptions> = []
    const model = Layer.effect(
      LanguageModel.LanguageModel,
      LanguageModel.make({
        generateText: (provider) =>
          Effect.sync(() => {
            requests.push(provider)
            return [
              { type: "tool-call" as const, id: "c1", name: "GetUser", params: { id: 3 } },
              { type: "finish" as const, reason: "tool-calls" as const, usage: { inputTokens: { total: 1 }, outputTokens: { total: 1 } } }
            ]
          }),
        streamText: () => Stream.empty
      })
    )
    return Effect.gen(function*() {
      const expected = yield* encodeAsKaizen(`Who is user 3? ${table}`)
      const response = yield* LanguageModel.generateText({ prompt: `Who is user 3? ${table}`, toolkit: Tools, toolChoice: "auto" })
      expect(textOf(requests[0]!.prompt.content[0])).toBe(expected.result)
      expect(requests[0]!.tools.map((tool) => tool.name)).toEqual(["GetUser"])
      expect(requests[0]!.toolChoice).toBe("auto")
      expect(response.toolCalls.map((call) => call.params)).toEqual([{ id: 3 }])
      const result = response.toolResults[0]!
      expect(result.isFailure === false && result.result).toEqual({ name: "user-3" })
    }).pipe(Effect.provide(Layer.merge(withModel(model), handlers)))
  })

  it.effect("the wrapped model's own fields carry over (supportsSystemMessagesInHistory)", () =>
    Effect.gen(function*() {
      const inner = handWritten(() => "done")
      const model = yield* LanguageModel.LanguageModel
      const original = yield* LanguageModel.LanguageModel.pipe(Effect.provide(inner.model))
      // Read untyped: effect 4.0's LanguageModel does not declare the field yet.
      expect(Reflect.get(model, "supportsSystemMessagesInHistory")).toBe(Reflect.get(original, "supportsSystemMessagesInHistory"))
      expect(Object.keys(model).sort()).toEqual(Object.keys(original).sort())
    }).pipe(Effect.provide(withModel(handWritten(() => "done").model))))

  it.effect("streamText: the streamed request carries the KTOF, the deltas arrive as sent", () => {
    const provider = handWritten(() => "Only B-220 is pending.")
    return Effect.gen(function*() {
      const expected = yield* encodeAsKaizen(`Summarise ${table}`)
      const parts = Array.from(yield* Stream.runCollect(LanguageModel.streamText({ prompt: `Summarise ${table}` })))
      expect(textOf(provider.prompts()[0]!.content[0])).toBe(expected.result)
      expect(parts.flatMap((part) => part.type === "text-delta" ? [part.delta] : [])).toEqual(["Only B-220 ", "is pending."])
      expect(parts.map((part) => part.type)).toEqual(["text-start", "text-delta", "text-delta", "text-end", "finish"])
    }).pipe(Effect.provide(withModel(provider.model)))
  })

  it.effect("withoutCompression and Disabled: the provider gets the original prompt, nothing is counted", () => {
    const provider = handWritten(() => "done")
    return Effect.gen(function*() {
      const before = yield* metrics
      yield* KaizenAi.withoutCompression(LanguageModel.generateText({ prompt: `Summarise ${table}` }))
      yield* LanguageModel.generateText({ prompt: `Summarise ${table}` }).pipe(Effect.provideService(KaizenAi.Disabled, true))
      yield* Stream.runDrain(KaizenAi.withoutCompressionStream(LanguageModel.streamText({ prompt: `Summarise ${table}` })))
      expect(provider.prompts().map((prompt) => textOf(prompt.content[0]))).toEqual(Array(3).fill(`Summarise ${table}`))
      expect(moved(before, yield* metrics)).toMatchObject({ calls: 0, latencyCount: 0 })
    }).pipe(Effect.provide(withModel(provider.model)))
  })

  it.live("withoutCompression over real HTTP: Kaizen is not called at all", () => {
    const provider = handWritten(() => "done")
    return Effect.gen(function*() {
      const kaizen = yield* httpKaizen()
      yield* KaizenAi.withoutCompression(LanguageModel.generateText({ prompt: `Summarise ${table}` })).pipe(
        Effect.provide(withModel(provider.model, {}, kaizen.layer))
      )
      expect(kaizen.paths()).toEqual([])
      expect(textOf(provider.prompts()[0]!.content[0])).toBe(`Summarise ${table}`)
    }).pipe(Effect.scoped)
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
      const parts = userParts(provider.prompts()[0])
      expect(parts.map((part) => part.type)).toEqual(["text"])
      expect(textOf(provider.prompts()[0]!.content[0])).toBe(joined.result)
      expect(moved(before, yield* metrics)).toMatchObject({ calls: 1, compressedParts: 1, latencyCount: 1 })
    }).pipe(Effect.provide(withModel(provider.model, { granularity: "message" })))
  })

  it.effect("default granularity: the same message's text parts are encoded and sent separately", () => {
    const provider = handWritten(() => "done")
    return Effect.gen(function*() {
      const first = yield* encodeAsKaizen(`Visits: ${table}`)
      const second = yield* encodeAsKaizen(`Signups: ${signups}`)
      yield* LanguageModel.generateText({ prompt: twoTables })
      expect(userParts(provider.prompts()[0]).map((part) => part.type)).toEqual(["text", "text"])
      expect(textOf(provider.prompts()[0]!.content[0], 0)).toBe(first.result)
      expect(textOf(provider.prompts()[0]!.content[0], 1)).toBe(second.result)
    }).pipe(Effect.provide(withModel(provider.model)))
  })

  it.effect("never worse: a message whose joined KTOF is not smaller goes unchanged", () => {
    const provider = handWritten(() => "done")
    // TOON quotes strings with a colon and a comma: the KTOF is longer than the parts.
    const prompt: Prompt.RawInput = [{
      role: "user",
      content: [{ type: "text", text: "Hi, there: friend" }, { type: "text", text: "Bye, now: pal" }]
    }]
    return Effect.gen(function*() {
      const joined = yield* encodeAsKaizen("Hi, there: friend\nBye, now: pal")
      expect(bytes(joined.result)).toBeGreaterThanOrEqual(bytes("Hi, there: friend") + bytes("Bye, now: pal"))
      const before = yield* metrics
      yield* LanguageModel.generateText({ prompt })
      expect(provider.prompts()[0]).toEqual(Prompt.make(prompt))
      expect(moved(before, yield* metrics)).toMatchObject({ compressedParts: 0, bytesSaved: 0 })
    }).pipe(Effect.provide(withModel(provider.model, { granularity: "message" })))
  })

  it.effect("a file part between the text parts is kept, after the KTOF that replaces them", () => {
    const provider = handWritten(() => "done")
    const prompt: Prompt.RawInput = [{
      role: "user",
      content: [
        { type: "text", text: `Visits: ${table}` },
        { type: "file", mediaType: "application/pdf", data: pdf, fileName: "report.pdf" },
        { type: "text", text: `Signups: ${signups}` }
      ]
    }]
    return Effect.gen(function*() {
      const joined = yield* encodeAsKaizen(`Visits: ${table}\nSignups: ${signups}`)
      yield* LanguageModel.generateText({ prompt })
      const parts = userParts(provider.prompts()[0])
      expect(parts.map((part) => part.type)).toEqual(["text", "file"])
      expect(textOf(provider.prompts()[0]!.content[0])).toBe(joined.result)
      expect(parts[1]).toEqual(userParts(Prompt.make(prompt))[1])
    }).pipe(Effect.provide(withModel(provider.model, { granularity: "message" })))
  })
})
