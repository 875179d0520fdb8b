/**
 * The pieces every `KaizenAi` test assembles: a provider written by hand with
 * `LanguageModel.make` that records the prompt it was given, Kaizen on the embedded engine or
 * over real HTTP on 127.0.0.1 (answering as the engine, or failing), and a snapshot of the
 * module's metrics to compare before and after.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as LanguageModel from "effect/ai/LanguageModel"
import type * as Prompt from "effect/ai/Prompt"
import type * as Response from "effect/ai/Response"
import * as KaizenAi from "../../../src/KaizenAi.js"
import { KaizenClient, KaizenLocal } from "../../../src/index.js"
import * as KaizenNode from "../../../src/KaizenNode.js"
import { type Handler, json, type Recorded, serve } from "../../support/server.js"

const usage = { inputTokens: { uncached: 10, total: 10 }, outputTokens: { total: 5, text: 5 } }

/**
 * A provider written by hand, as one would for a vendor without a package: it answers `reply`
 * (all at once, or streamed in two deltas) and keeps every request it was given.
 */
export const handWritten = (reply: () => string) => {
  const requests: Array<LanguageModel.ProviderOptions> = []
  const prompts = (): Array<Prompt.Prompt> => requests.map((request) => request.prompt)
  const model = Layer.effect(
    LanguageModel.LanguageModel,
    LanguageModel.make({
      generateText: (provider) =>
        Effect.sync((): Array<Response.PartEncoded> => {
          requests.push(provider)
          const text = reply()
          return [
            // Provider metadata on the text part, which a decoded reply must keep.
            ...(text.length > 0 ? [{ type: "text" as const, text, metadata: { handWritten: { id: "msg_1" } } }] : []),
            { type: "finish", reason: "stop", usage }
          ]
        }),
      streamText: (provider) =>
        Stream.suspend(() => {
          requests.push(provider)
          const text = reply()
          const half = Math.floor(text.length / 2)
          return Stream.make<Array<Response.StreamPartEncoded>>(
            { type: "text-start", id: "t1" },
            { type: "text-delta", id: "t1", delta: text.slice(0, half) },
            { type: "text-delta", id: "t1", delta: text.slice(half) },
            { type: "text-end", id: "t1" },
            { type: "finish", reason: "stop", usage }
          )
        })
    })
  )
  return { requests, prompts, model }
}

/** Kaizen on the embedded engine, called directly (`KaizenLocal.layer`). */
export const embeddedKaizen: Layer.Layer<KaizenClient> = KaizenLocal.layer({ retry: false }).pipe(Layer.orDie)

/**
 * Kaizen over real HTTP: a server on 127.0.0.1 for the scope (answering as the engine unless
 * `handler` says otherwise) and the Node client pointed at it. `paths` lists what Kaizen was
 * asked for, so a test can tell whether the middleware called it at all.
 */
export const httpKaizen = (handler?: Handler): Effect.Effect<
  { readonly layer: Layer.Layer<KaizenClient>; readonly requests: Array<Recorded>; readonly paths: () => Array<string> },
  never,
  Scope.Scope
> =>
  Effect.map(serve(handler), (server) => ({
    layer: KaizenNode.layer({ baseUrl: server.url, retry: false }).pipe(Layer.orDie),
    requests: server.requests,
    paths: () => server.requests.map((request) => request.path)
  }))

/** A Kaizen deployment that answers every request with 503, over real HTTP. */
export const downKaizen = httpKaizen((_request, response) => json(response, 503, { detail: "upstream unavailable" }))

/** `KaizenAi.layer` over `model`, with the Kaizen client exposed too (tests compute expectations with it). */
export const withModel = (
  model: Layer.Layer<LanguageModel.LanguageModel>,
  options: KaizenAi.Options = {},
  kaizen: Layer.Layer<KaizenClient> = embeddedKaizen
): Layer.Layer<LanguageModel.LanguageModel | KaizenClient> =>
  KaizenAi.layer(options).pipe(Layer.provide(model), Layer.provideMerge(kaizen))

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

export type Metrics = Effect.Success<typeof metrics>

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
  Effect.flatMap(Effect.service(KaizenClient), (kaizen) =>
    kaizen.promptsEncode({ prompt, auto_detect_json: true, ...(tokenModels ? { token_models: tokenModels } : {}) }))

/** The text of a message's part (a system message's content), as the provider saw it. */
export const textOf = (message: Prompt.Message | undefined, part = 0): string | undefined => {
  if (message === undefined) return undefined
  if (message.role === "system") return message.content
  const found = message.content[part]
  return found !== undefined && (found.type === "text" || found.type === "reasoning") ? found.text : undefined
}
