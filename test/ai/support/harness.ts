/**
 * The pieces every `KaizenAi` test assembles: a provider (OpenAI, Anthropic) over a mock
 * `HttpClient` that records what the provider would have been sent, Kaizen on the embedded
 * engine (or failing), and a snapshot of the module's metrics to compare before and after.
 */
import { AnthropicClient, AnthropicLanguageModel } from "@effect/ai-anthropic"
import { OpenAiClient, OpenAiLanguageModel } from "@effect/ai-openai"
import type { LanguageModel } from "@effect/ai"
import { HttpClient } from "@effect/platform"
import { Effect, Layer, Metric, Redacted } from "effect"
import * as KaizenAi from "../../../src/KaizenAi.js"
import { KaizenClient } from "../../../src/index.js"
import { engineOverHttp, mockClient } from "../../support/clients.js"
import { type Handler, json, mockHttp } from "../../support/mockHttp.js"

const KAIZEN_URL = "http://kaizen.local"

/**
 * Kaizen on the embedded engine; `kaizenRequests` lists the paths it was asked for, so a test
 * can tell whether the middleware called Kaizen at all.
 */
export const localKaizen = () => {
  const kaizenRequests: Array<string> = []
  const layer = engineOverHttp({
    baseUrl: KAIZEN_URL,
    transformClient: HttpClient.tapRequest((request) => Effect.sync(() => kaizenRequests.push(new URL(request.url).pathname)))
  }).pipe(Layer.orDie)
  return { kaizenRequests, layer }
}

/** A Kaizen deployment that answers every request with 503. */
export const downKaizen = mockClient(() => json({ detail: "upstream unavailable" }, { status: 503 }), { baseUrl: KAIZEN_URL })
  .layer.pipe(Layer.orDie)

/** What the provider would have been sent: the parsed JSON body of each request. */
export interface Sent {
  readonly url: string
  readonly body: any
}

/**
 * `KaizenAi` over a provider whose client runs on a recording mock: `model` builds the
 * provider's `LanguageModel` over the mock `HttpClient`. Kaizen is exposed too, so a test can
 * compute what to expect.
 */
const overProvider = (
  model: (http: Layer.Layer<HttpClient.HttpClient>) => Layer.Layer<LanguageModel.LanguageModel>
) =>
(handler: Handler, options: KaizenAi.Options = {}, kaizen: Layer.Layer<KaizenClient> = localKaizen().layer) => {
  const provider = mockHttp(handler)
  const sent = (): Array<Sent> =>
    provider.requests.map((request) => ({ url: request.url, body: JSON.parse(request.body ?? "null") }))
  return { sent, layer: KaizenAi.layer(options).pipe(Layer.provide(model(provider.layer)), Layer.provideMerge(kaizen)) }
}

/** `KaizenAi` over `@effect/ai-openai` (Responses API). */
export const openAi = overProvider((http) =>
  OpenAiLanguageModel.layer({ model: "gpt-4o-mini", config: { temperature: 0.2 } }).pipe(
    Layer.provide(OpenAiClient.layer({ apiKey: Redacted.make("sk-test-openai") })),
    Layer.provide(http)
  )
)

/** `KaizenAi` over `@effect/ai-anthropic` (Messages API). */
export const anthropic = overProvider((http) =>
  AnthropicLanguageModel.layer({ model: "claude-sonnet-4-5", config: { max_tokens: 512 } }).pipe(
    Layer.provide(AnthropicClient.layer({ apiKey: Redacted.make("sk-test-anthropic") })),
    Layer.provide(http)
  )
)

/** The module's metrics as plain numbers. */
export const metrics = Effect.all({
  calls: Metric.value(KaizenAi.calls),
  compressedParts: Metric.value(KaizenAi.compressedParts),
  bytesSaved: Metric.value(KaizenAi.bytesSaved),
  tokensSaved: Metric.value(KaizenAi.tokensSaved),
  fallbacks: Metric.value(KaizenAi.fallbacks),
  reductionRatio: Metric.value(KaizenAi.reductionRatio),
  kaizenLatency: Metric.value(KaizenAi.kaizenLatency)
}).pipe(Effect.map((m) => ({
  calls: m.calls.count,
  compressedParts: m.compressedParts.count,
  bytesSaved: m.bytesSaved.count,
  tokensSaved: m.tokensSaved.count,
  fallbacks: m.fallbacks.count,
  ratioCount: m.reductionRatio.count,
  ratioSum: m.reductionRatio.sum,
  latencyCount: m.kaizenLatency.count
})))

export type Metrics = Effect.Effect.Success<typeof metrics>

/** How much each metric moved between two snapshots. */
export const moved = (before: Metrics, after: Metrics): Metrics => ({
  calls: after.calls - before.calls,
  compressedParts: after.compressedParts - before.compressedParts,
  bytesSaved: after.bytesSaved - before.bytesSaved,
  tokensSaved: after.tokensSaved - before.tokensSaved,
  fallbacks: after.fallbacks - before.fallbacks,
  ratioCount: after.ratioCount - before.ratioCount,
  ratioSum: after.ratioSum - before.ratioSum,
  latencyCount: after.latencyCount - before.latencyCount
})

/** UTF-8 size, measured independently of the module under test. */
export const bytes = (text: string) => new TextEncoder().encode(text).length

/** The Kaizen encode the middleware makes for a prompt part, made by the test itself. */
export const encodeAsKaizen = (prompt: unknown, tokenModels?: ReadonlyArray<string>) =>
  Effect.flatMap(KaizenClient, (kaizen) =>
    kaizen.promptsEncode({ prompt, auto_detect_json: true, ...(tokenModels ? { token_models: tokenModels } : {}) }))
