/**
 * Kaizen compression over any `LanguageModel`: here Gemini, written by hand with
 * `LanguageModel.make` over Google's `generateContent` REST endpoint (`@effect/ai-google` pins
 * `@effect/ai` 0.36 and cannot be installed beside 0.37). The model is asked to answer in KTOF,
 * and `decodeResponse` turns the answer back into JSON; an answer that is not KTOF is a typed
 * error that keeps the raw reply.
 *
 * Run:
 *   GEMINI_API_KEY=... npx tsx examples/ai-generic.ts     (Kaizen from KAIZEN_BASE_URL / KAIZEN_API_KEY)
 *   KAIZEN_BASE_URL=local npx tsx examples/ai-generic.ts  (offline: embedded Kaizen, stand-in Gemini)
 */
import { AiError, LanguageModel } from "@effect/ai"
import type { Response as AiResponse } from "@effect/ai"
import { HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { Config, Effect, Layer, Option, Redacted, Schema, Stream } from "effect"
import * as KaizenAi from "kaizen-effect/ai"
import { KaizenLive, printSavings, providerHttp } from "./ai-support.js"
import { runMain } from "./run.js"

// ---------------------------------------------------------------------------------------------
// A provider written by hand: what any LanguageModel needs is `generateText` and `streamText`.
// ---------------------------------------------------------------------------------------------

const GenerateContentResponse = Schema.Struct({
  candidates: Schema.Array(Schema.Struct({
    content: Schema.Struct({ parts: Schema.Array(Schema.Struct({ text: Schema.optional(Schema.String) })) }),
    finishReason: Schema.optional(Schema.String)
  })),
  usageMetadata: Schema.optional(Schema.Struct({
    promptTokenCount: Schema.optional(Schema.Number),
    candidatesTokenCount: Schema.optional(Schema.Number),
    totalTokenCount: Schema.optional(Schema.Number)
  }))
})

const finishReasons: Record<string, AiResponse.FinishReason> = { STOP: "stop", MAX_TOKENS: "length", SAFETY: "content-filter" }

const Gemini = (model: string) =>
  Layer.effect(
    LanguageModel.LanguageModel,
    Effect.gen(function*() {
      const apiKey = yield* Config.redacted("GEMINI_API_KEY").pipe(Config.withDefault(Redacted.make("offline")))
      const http = HttpClient.filterStatusOk(yield* HttpClient.HttpClient)

      const generate = (options: LanguageModel.ProviderOptions) => {
        const systemInstruction = options.prompt.content.flatMap((m) => m.role === "system" ? [{ text: m.content }] : [])
        const contents = options.prompt.content.flatMap((m) =>
          m.role === "user" || m.role === "assistant"
            ? [{
              role: m.role === "user" ? "user" : "model",
              parts: m.content.flatMap((part) => part.type === "text" ? [{ text: part.text }] : [])
            }]
            : []
        )
        return HttpClientRequest.post(`https://generativelanguage.googleapis.com/v1beta/models/${model}:generateContent`).pipe(
          HttpClientRequest.setHeader("x-goog-api-key", Redacted.value(apiKey)),
          HttpClientRequest.bodyUnsafeJson({
            ...(systemInstruction.length > 0 ? { systemInstruction: { parts: systemInstruction } } : {}),
            contents
          }),
          http.execute,
          Effect.flatMap(HttpClientResponse.schemaBodyJson(GenerateContentResponse)),
          Effect.map((response): Array<AiResponse.PartEncoded> => {
            const candidate = response.candidates[0]
            return [
              { type: "text", text: (candidate?.content.parts ?? []).map((part) => part.text ?? "").join("") },
              {
                type: "finish",
                reason: finishReasons[candidate?.finishReason ?? ""] ?? "other",
                usage: {
                  inputTokens: response.usageMetadata?.promptTokenCount,
                  outputTokens: response.usageMetadata?.candidatesTokenCount,
                  totalTokens: response.usageMetadata?.totalTokenCount
                }
              }
            ]
          }),
          Effect.mapError((cause) =>
            new AiError.UnknownError({ module: "Gemini", method: "generateContent", description: cause.message, cause })
          )
        )
      }

      return yield* LanguageModel.make({
        generateText: generate,
        // This sketch keeps to generateContent: the answer arrives as one delta.
        streamText: (options) =>
          Stream.fromIterableEffect(Effect.map(generate(options), (parts): Array<AiResponse.StreamPartEncoded> => {
            const text = parts[0]?.type === "text" ? parts[0].text : ""
            return [
              { type: "text-start", id: "0" },
              { type: "text-delta", id: "0", delta: text },
              { type: "text-end", id: "0" },
              ...parts.slice(1).filter((part): part is AiResponse.FinishPartEncoded => part.type === "finish")
            ]
          }))
      })
    })
  )

// ---------------------------------------------------------------------------------------------
// The program: the same KaizenAi.layer as for OpenAI or Anthropic.
// ---------------------------------------------------------------------------------------------

const products = [
  { sku: "KB-01", name: "Mechanical keyboard", price: 89 },
  { sku: "MS-02", name: "Wireless mouse", price: 29 },
  { sku: "MN-03", name: "27-inch monitor", price: 249 },
  { sku: "HD-04", name: "USB-C hub", price: 39 }
]

// Offline, the stand-in answers in generateContent's format, in KTOF as it was asked to.
const offlineGemini = () =>
  Response.json({
    candidates: [{
      content: { role: "model", parts: [{ text: "products[2]{sku,price}:\n  MS-02,29\n  HD-04,39" }] },
      finishReason: "STOP"
    }],
    usageMetadata: { promptTokenCount: 0, candidatesTokenCount: 0, totalTokenCount: 0 }
  })

const Model = KaizenAi.layer({ tokenModels: ["gpt-4o"], decodeResponse: true }).pipe(
  Layer.provide(Gemini("gemini-2.0-flash")),
  Layer.provide(providerHttp("Gemini", "GEMINI_API_KEY", offlineGemini)),
  Layer.provide(KaizenLive)
)

const program = Effect.gen(function*() {
  const response = yield* LanguageModel.generateText({
    prompt: [
      { role: "system", content: `You answer with product data. ${KaizenAi.replyInKtof}` },
      { role: "user", content: `Which products cost under $50? Give sku and price. ${JSON.stringify({ products })}` }
    ]
  }).pipe(KaizenAi.unwrapErrors)
  const reply = KaizenAi.decodedReply(response)
  if (Option.isSome(reply)) {
    console.log(`--- The model answered in KTOF:\n${reply.value.ktof}`)
    console.log(`--- Decoded: ${JSON.stringify(reply.value.value)}`)
  }
  yield* printSavings
}).pipe(
  // The model may ignore the instruction: the typed error keeps what it wrote.
  Effect.catchTag("KaizenAiDecodeError", (error) => Effect.log(`Not KTOF (${error.reason}); the model wrote:\n${error.reply}`))
)

runMain(Effect.provide(program, Model))
