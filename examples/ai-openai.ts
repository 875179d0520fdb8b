/**
 * Kaizen compression in front of OpenAI, through `@effect/ai`: the JSON in the prompt reaches
 * the model as KTOF, tools and settings pass through, and the savings are on the span and in
 * the metrics.
 *
 * Run:
 *   OPENAI_API_KEY=sk-... npx tsx examples/ai-openai.ts       (Kaizen from KAIZEN_BASE_URL / KAIZEN_API_KEY)
 *   KAIZEN_BASE_URL=local npx tsx examples/ai-openai.ts       (offline: embedded Kaizen, stand-in OpenAI)
 */
import { LanguageModel } from "@effect/ai"
import { OpenAiClient, OpenAiLanguageModel } from "@effect/ai-openai"
import { Config, Effect, Layer, Redacted } from "effect"
import * as KaizenAi from "kaizen-effect/ai"
import { KaizenLive, openAiResponse, printAnswer, printSavings, providerHttp } from "./ai-support.js"
import { runMain } from "./run.js"

const orders = [
  { id: "A-100", customer: "Ada", total: 19.0, status: "shipped" },
  { id: "B-220", customer: "Bob", total: 120.0, status: "pending" },
  { id: "C-310", customer: "Cy", total: 16.25, status: "shipped" },
  { id: "D-415", customer: "Di", total: 54.9, status: "pending" }
]

const OpenAi = OpenAiClient.layerConfig({
  // Offline (KAIZEN_BASE_URL=local, no key) the stand-in provider ignores the key.
  apiKey: Config.redacted("OPENAI_API_KEY").pipe(Config.withDefault(Redacted.make("offline")))
}).pipe(
  Layer.provide(providerHttp("OpenAI", "OPENAI_API_KEY", () => openAiResponse("(offline) B-220 and D-415 are pending.")))
)

// The model the program uses: OpenAI's, wrapped with Kaizen compression.
const Model = KaizenAi.layer({ tokenModels: ["gpt-4o-mini"] }).pipe(
  Layer.provide(OpenAiLanguageModel.model("gpt-4o-mini")),
  Layer.provide(OpenAi),
  Layer.provide(KaizenLive)
)

const program = Effect.gen(function*() {
  const response = yield* LanguageModel.generateText({
    prompt: [
      { role: "system", content: "You answer questions about orders in one sentence." },
      { role: "user", content: `Which orders are still pending? ${JSON.stringify({ orders })}` }
    ]
  })
  yield* printAnswer(response)
  yield* printSavings
})

runMain(Effect.provide(program, Model))
