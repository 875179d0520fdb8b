/**
 * Kaizen compression in front of Anthropic, through `@effect/ai`, streaming: the catalogue in
 * the system prompt reaches Claude as KTOF and the answer streams back untouched.
 *
 * Run:
 *   ANTHROPIC_API_KEY=sk-ant-... npx tsx examples/ai-anthropic.ts   (Kaizen from KAIZEN_BASE_URL / KAIZEN_API_KEY)
 *   KAIZEN_BASE_URL=local npx tsx examples/ai-anthropic.ts          (offline: embedded Kaizen, stand-in Anthropic)
 */
import { LanguageModel } from "@effect/ai"
import { AnthropicClient, AnthropicLanguageModel } from "@effect/ai-anthropic"
import { Config, Effect, Layer, Redacted, Stream } from "effect"
import * as KaizenAi from "kaizen-effect/ai"
import { anthropicStream, KaizenLive, printSavings, providerHttp } from "./ai-support.js"
import { runMain } from "./run.js"

const catalogue = [
  { sku: "KB-01", name: "Mechanical keyboard", price: 89, stock: 12 },
  { sku: "MS-02", name: "Wireless mouse", price: 29, stock: 0 },
  { sku: "MN-03", name: "27-inch monitor", price: 249, stock: 4 },
  { sku: "HD-04", name: "USB-C hub", price: 39, stock: 31 }
]

const Anthropic = AnthropicClient.layerConfig({
  // Offline (KAIZEN_BASE_URL=local, no key) the stand-in provider ignores the key.
  apiKey: Config.redacted("ANTHROPIC_API_KEY").pipe(Config.withDefault(Redacted.make("offline")))
}).pipe(
  Layer.provide(providerHttp("Anthropic", "ANTHROPIC_API_KEY", () => anthropicStream(["(offline) MS-02", " is out of stock."])))
)

// The model the program uses: Claude, wrapped with Kaizen compression.
const Model = KaizenAi.layer({ tokenModels: ["claude-sonnet-4-5"] }).pipe(
  Layer.provide(AnthropicLanguageModel.model("claude-sonnet-4-5", { max_tokens: 256 })),
  Layer.provide(Anthropic),
  Layer.provide(KaizenLive)
)

const program = Effect.gen(function*() {
  yield* LanguageModel.streamText({
    prompt: [
      { role: "system", content: `You help with stock questions. Catalogue: ${JSON.stringify(catalogue)}` },
      { role: "user", content: "Which products are out of stock? One sentence." }
    ]
  }).pipe(
    Stream.runForEach((part) =>
      Effect.sync(() => {
        if (part.type === "text-start") process.stdout.write("--- Answer, as it streams:\n")
        if (part.type === "text-delta") process.stdout.write(part.delta)
      })
    )
  )
  console.log()
  yield* printSavings
})

runMain(Effect.provide(program, Model))
