/**
 * `KaizenAi.layer` over `@effect/ai-openai` (the Responses API), with the provider behind a
 * recording mock `HttpClient` and Kaizen on the embedded engine: what OpenAI would have been
 * sent, what comes back, and what the module counted.
 */
import { AiError, LanguageModel, Tool, Toolkit } from "@effect/ai"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, HashMap, Layer, Logger, Option, Schema, Stream } from "effect"
import * as KaizenAi from "../../src/KaizenAi.js"
import { KaizenAPIError } from "../../src/index.js"
import { recordingTracer } from "../support/recordingTracer.js"
import { bytes, downKaizen, encodeAsKaizen, localKaizen, metrics, moved, openAi } from "./support/harness.js"
import { openAiResponse, openAiStream } from "./support/providers.js"

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

const GetUser = Tool.make("GetUser", {
  description: "Looks a user up by id",
  parameters: { id: Schema.Number },
  success: Schema.Struct({ name: Schema.String })
})
const Tools = Toolkit.make(GetUser)
const ToolHandlers = Tools.toLayer({ GetUser: ({ id }) => Effect.succeed({ name: `user-${id}` }) })

describe("KaizenAi over OpenAI", () => {
  it.effect("the provider gets the KTOF of the user's JSON; tools, options and the answer pass through", () => {
    const { layer, sent } = openAi(() => openAiResponse(answer))
    return Effect.gen(function*() {
      const expected = yield* encodeAsKaizen(question)
      // The test would prove nothing if Kaizen could not shorten this text.
      expect(bytes(expected.result)).toBeLessThan(bytes(question))

      const response = yield* LanguageModel.generateText({ prompt, toolkit: Tools, toolChoice: "auto" })

      const [request] = sent()
      expect(sent()).toHaveLength(1)
      expect(request!.url).toBe("https://api.openai.com/v1/responses")
      expect(request!.body.input).toEqual([
        // Short prose: its KTOF would be no shorter, so it goes as written.
        { role: "system", content: system },
        { role: "user", content: [{ type: "input_text", text: expected.result }] }
      ])
      expect(request!.body.model).toBe("gpt-4o-mini")
      expect(request!.body.temperature).toBe(0.2)
      expect(request!.body.tool_choice).toBe("auto")
      expect(request!.body.tools).toEqual([expect.objectContaining({ type: "function", name: "GetUser" })])

      expect(response.text).toBe(answer)
      expect(response.finishReason).toBe("stop")
      expect(response.usage.inputTokens).toBe(36)
      expect(response.usage.outputTokens).toBe(87)
    }).pipe(Effect.provide(Layer.merge(layer, ToolHandlers)))
  })

  it.effect("savings: the span carries bytes and tokens before/after, the metrics move by those amounts", () => {
    const tokenModels = ["gpt-4o-mini"]
    const { layer } = openAi(() => openAiResponse(answer), { tokenModels })
    const { spans, tracer } = recordingTracer()
    return Effect.gen(function*() {
      const expectedUser = yield* encodeAsKaizen(question, tokenModels)
      const expectedSystem = yield* encodeAsKaizen(system, tokenModels)
      const userTokens = tokensOf(expectedUser.token_stats, "gpt-4o-mini")
      const systemTokens = tokensOf(expectedSystem.token_stats, "gpt-4o-mini")

      const before = yield* metrics
      yield* LanguageModel.generateText({ prompt }).pipe(Effect.withTracer(tracer))
      const delta = moved(before, yield* metrics)

      const bytesBefore = bytes(system) + bytes(question)
      const bytesAfter = bytes(system) + bytes(expectedUser.result)
      const tokensBefore = systemTokens.raw + userTokens.raw
      const tokensAfter = systemTokens.raw + userTokens.optimized
      expect(userTokens.optimized).toBeLessThan(userTokens.raw)

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
      // The provider's own span is a child of this one.
      expect(spans.map((s) => s.name)).toContain("LanguageModel.generateText")

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
    }).pipe(Effect.provide(layer))
  })

  it.effect("decodeResponse: a KTOF reply comes back as its JSON, and the raw reply is kept", () => {
    const rows = { editors: [{ id: 3, name: "Cy Young" }, { id: 4, name: "Di Prince" }] }
    let reply = ""
    const { layer } = openAi(() => openAiResponse(reply), { decodeResponse: true })
    return Effect.gen(function*() {
      reply = (yield* encodeAsKaizen(rows)).result
      const before = yield* metrics
      const response = yield* LanguageModel.generateText({ prompt })
      expect(response.text).toBe(JSON.stringify(rows))
      expect(JSON.parse(response.text)).toEqual(rows)
      expect(KaizenAi.decodedReply(response)).toEqual(Option.some({ ktof: reply, value: rows }))
      // Provider metadata on the part is kept beside the decoded reply.
      expect(response.content.find((part) => part.type === "text")!.metadata.openai).toBeDefined()
      // Two encodes (system, user) and one decode.
      expect(moved(before, yield* metrics).latencyCount).toBe(3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("decodeResponse: a prose reply fails typed, carrying the reply as the model wrote it", () => {
    const prose = "I'm sorry, I can't list them.\nPlease ask an admin."
    const { layer } = openAi(() => openAiResponse(prose), { decodeResponse: true })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(LanguageModel.generateText({ prompt }))
      expect(error._tag).toBe("MalformedOutput")
      const cause = (error as AiError.MalformedOutput).cause
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
    }).pipe(Effect.provide(layer))
  })

  it.effect("decodeResponse: a JSON reply is not KTOF either (Kaizen is not even asked)", () => {
    const reply = JSON.stringify({ editors: ["Cy", "Di"] })
    const kaizen = localKaizen()
    const { layer } = openAi(() => openAiResponse(reply), { decodeResponse: true }, kaizen.layer)
    return Effect.gen(function*() {
      const error = yield* Effect.flip(LanguageModel.generateText({ prompt }).pipe(KaizenAi.unwrapErrors))
      expect(error).toBeInstanceOf(KaizenAi.KaizenAiDecodeError)
      expect((error as KaizenAi.KaizenAiDecodeError).reply).toBe(reply)
      expect(kaizen.kaizenRequests).toEqual(["/v1/prompts/encode", "/v1/prompts/encode"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("Kaizen down: the original prompt goes out, the call succeeds, the fallback is logged, counted and traced", () => {
    const { layer, sent } = openAi(() => openAiResponse(answer), {}, downKaizen)
    const { spans, tracer } = recordingTracer()
    const logs: Array<{ level: string; message: unknown; error: Option.Option<unknown> }> = []
    const capture = Logger.replace(
      Logger.defaultLogger,
      Logger.make(({ annotations, logLevel, message }) => {
        logs.push({ level: logLevel.label, message, error: HashMap.get(annotations, "error") })
      })
    )
    return Effect.gen(function*() {
      const before = yield* metrics
      const response = yield* LanguageModel.generateText({ prompt }).pipe(Effect.withTracer(tracer), Effect.provide(capture))
      const delta = moved(before, yield* metrics)
      expect(logs).toEqual([
        { level: "WARN", message: ["Kaizen failed; the provider gets the original prompt"], error: Option.some("KaizenAPIError") }
      ])

      expect(response.text).toBe(answer)
      expect(sent()[0]!.body.input).toEqual([
        { role: "system", content: system },
        { role: "user", content: [{ type: "input_text", text: question }] }
      ])
      expect(delta).toMatchObject({ calls: 1, fallbacks: 1, compressedParts: 0, bytesSaved: 0, ratioCount: 0 })
      const span = spans.find((s) => s.name === "KaizenAi.generateText")!
      expect(span.attributes.get("kaizen.ai.fallback")).toBe("original_prompt")
      expect(span.attributes.get("kaizen.ai.fallback.error")).toBe("KaizenAPIError")
      expect(String(span.attributes.get("kaizen.ai.fallback.reason"))).toContain("503")
    }).pipe(Effect.provide(layer))
  })

  it.effect("onKaizenError \"fail\": the call fails with the Kaizen error and OpenAI is never called", () => {
    const { layer, sent } = openAi(() => openAiResponse(answer), { onKaizenError: "fail" }, downKaizen)
    return Effect.gen(function*() {
      const before = yield* metrics
      const error = yield* Effect.flip(LanguageModel.generateText({ prompt }))
      expect(error).toBeInstanceOf(AiError.UnknownError)
      expect((error as AiError.UnknownError).cause).toBeInstanceOf(KaizenAPIError)

      const typed = yield* Effect.flip(LanguageModel.generateText({ prompt }).pipe(KaizenAi.unwrapErrors))
      expect(typed).toBeInstanceOf(KaizenAPIError)
      expect((typed as KaizenAPIError).statusCode).toBe(503)

      expect(sent()).toHaveLength(0)
      expect(moved(before, yield* metrics)).toMatchObject({ calls: 2, fallbacks: 0 })
    }).pipe(Effect.provide(layer))
  })

  it.effect("withoutCompression: the provider gets the original prompt and Kaizen is not called", () => {
    const kaizen = localKaizen()
    const { layer, sent } = openAi(() => openAiResponse(answer), {}, kaizen.layer)
    return Effect.gen(function*() {
      const before = yield* metrics
      const response = yield* KaizenAi.withoutCompression(LanguageModel.generateText({ prompt }))
      expect(response.text).toBe(answer)
      expect(sent()[0]!.body.input[1]).toEqual({ role: "user", content: [{ type: "input_text", text: question }] })
      expect(kaizen.kaizenRequests).toEqual([])
      expect(moved(before, yield* metrics).calls).toBe(0)
    }).pipe(Effect.provide(layer))
  })

  it.effect("streamText: the streamed request carries the KTOF, the deltas arrive as sent", () => {
    const deltas = ["Cy Young", " and Di Prince", " can edit."]
    const { layer, sent } = openAi(() => openAiStream(deltas))
    return Effect.gen(function*() {
      const expected = yield* encodeAsKaizen(question)
      const parts = Chunk.toArray(yield* Stream.runCollect(LanguageModel.streamText({ prompt })))
      expect(sent()[0]!.body.stream).toBe(true)
      expect(sent()[0]!.body.input[1].content[0].text).toBe(expected.result)
      expect(parts.flatMap((part) => part.type === "text-delta" ? [part.delta] : [])).toEqual(deltas)
      expect(parts.map((part) => part.type)).toEqual([
        "response-metadata",
        "text-start",
        "text-delta",
        "text-delta",
        "text-delta",
        "text-end",
        "finish"
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("streamText with decodeResponse: the KTOF reply is released decoded, before finish", () => {
    const rows = { editors: [{ id: 3, name: "Cy Young" }, { id: 4, name: "Di Prince" }] }
    let deltas: Array<string> = []
    const { layer } = openAi(() => openAiStream(deltas), { decodeResponse: true })
    return Effect.gen(function*() {
      const ktof = (yield* encodeAsKaizen(rows)).result
      // Split mid-line, as a model's tokens would.
      deltas = [ktof.slice(0, 7), ktof.slice(7, 20), ktof.slice(20)]
      const parts = Chunk.toArray(yield* Stream.runCollect(LanguageModel.streamText({ prompt })))
      expect(parts.map((part) => part.type)).toEqual([
        "response-metadata",
        "text-start",
        "text-delta",
        "text-end",
        "finish"
      ])
      const delta = parts.find((part) => part.type === "text-delta")!
      expect(delta.type === "text-delta" && JSON.parse(delta.delta)).toEqual(rows)
      expect(KaizenAi.decodedReply(parts)).toEqual(Option.some({ ktof, value: rows }))
    }).pipe(Effect.provide(layer))
  })

  it.effect("streamText with decodeResponse: a prose reply fails the stream, typed", () => {
    const { layer } = openAi(() => openAiStream(["Sorry,", " no."]), { decodeResponse: true })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Stream.runDrain(KaizenAi.unwrapErrorsStream(LanguageModel.streamText({ prompt }))))
      expect(error).toBeInstanceOf(KaizenAi.KaizenAiDecodeError)
      expect((error as KaizenAi.KaizenAiDecodeError).reply).toBe("Sorry, no.")
    }).pipe(Effect.provide(layer))
  })

  it.effect("generateObject: the prompt is compressed, the structured answer is decoded by its schema", () => {
    const Editors = Schema.Struct({ editors: Schema.Array(Schema.String) })
    const { layer, sent } = openAi(() => openAiResponse(JSON.stringify({ editors: ["Cy Young", "Di Prince"] })), {
      decodeResponse: true
    })
    return Effect.gen(function*() {
      const expected = yield* encodeAsKaizen(question)
      const response = yield* LanguageModel.generateObject({ prompt, schema: Editors, objectName: "editors" })
      expect(response.value).toEqual({ editors: ["Cy Young", "Di Prince"] })
      expect(sent()[0]!.body.input[1].content[0].text).toBe(expected.result)
      expect(sent()[0]!.body.text.format).toMatchObject({ type: "json_schema", name: "editors" })
    }).pipe(Effect.provide(layer))
  })

  it.effect("tool results (opt-in): OpenAI's function_call_output carries the KTOF of the result", () => {
    const result = { users: users.users.map(({ id, name }) => ({ id, name })) }
    const conversation = [
      { role: "user" as const, content: "List the users" },
      {
        role: "assistant" as const,
        content: [{ type: "tool-call" as const, id: "call_1", name: "ListUsers", params: {} }]
      },
      {
        role: "tool" as const,
        content: [{ type: "tool-result" as const, id: "call_1", name: "ListUsers", isFailure: false, result, providerExecuted: false }]
      }
    ]
    const withResults = openAi(() => openAiResponse(answer), { include: { toolResults: true } })
    const without = openAi(() => openAiResponse(answer))
    return Effect.gen(function*() {
      const expected = yield* encodeAsKaizen(result).pipe(Effect.provide(withResults.layer))
      yield* LanguageModel.generateText({ prompt: conversation }).pipe(Effect.provide(withResults.layer))
      yield* LanguageModel.generateText({ prompt: conversation }).pipe(Effect.provide(without.layer))

      const output = (s: typeof withResults.sent) => s()[0]!.body.input.find((item: any) => item.type === "function_call_output")
      expect(output(withResults.sent)).toEqual({ type: "function_call_output", call_id: "call_1", output: JSON.stringify(expected.result) })
      expect(output(without.sent).output).toBe(JSON.stringify(result))
      // The tool call itself is replayed untouched.
      expect(withResults.sent()[0]!.body.input[1]).toMatchObject({ type: "function_call", call_id: "call_1", arguments: "{}" })
    })
  })

  it.effect("Disabled can be provided per call, and a call that fails for the provider's own reasons stays an AiError", () => {
    const { layer, sent } = openAi(() => new Response("{\"error\":{\"message\":\"bad key\"}}", { status: 401 }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(
        LanguageModel.generateText({ prompt }).pipe(Effect.provideService(KaizenAi.Disabled, true), KaizenAi.unwrapErrors)
      )
      expect(error._tag).toBe("HttpResponseError")
      expect(sent()[0]!.body.input[1].content[0].text).toBe(question)
    }).pipe(Effect.provide(layer))
  })
})

const tokensOf = (stats: unknown, model: string) => {
  const s = stats as { raw: Record<string, { tokens: number }>; optimized: Record<string, { tokens: number }> }
  return { raw: s.raw[model]!.tokens, optimized: s.optimized[model]!.tokens }
}
