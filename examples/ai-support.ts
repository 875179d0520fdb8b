/**
 * What the `ai-*` examples share, so each of them shows only its provider:
 *
 * - `KaizenLive`: the Kaizen client from the environment; `KAIZEN_BASE_URL=local` runs the
 *   embedded engine in-process.
 * - `providerHttp`: the provider's transport: the network when the provider's key is set;
 *   offline (`KAIZEN_BASE_URL=local`, no key), a stand-in that prints what the provider would
 *   have received and answers with a canned reply in the provider's own format (the recorded
 *   shapes the tests use).
 * - `printSavings`: what compression saved, from the module's metrics.
 */
import * as LanguageModel from "@effect/ai/LanguageModel"
import { NodeHttpClient } from "@effect/platform-node"
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { Config, ConfigError, Effect, Layer, Metric, Option } from "effect"
import { KaizenClient, KaizenLocal } from "kaizen-effect"
import * as KaizenAi from "kaizen-effect/ai"
import * as KaizenNode from "kaizen-effect/node"

export { anthropicStream, openAiResponse } from "./providers.js"

const kaizenBaseUrl = Config.string("KAIZEN_BASE_URL").pipe(Config.withDefault(""))

/** Kaizen from the environment, on the embedded engine when `KAIZEN_BASE_URL=local`. */
export const KaizenLive: Layer.Layer<KaizenClient, ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(kaizenBaseUrl, (url) =>
    url === "local"
      ? KaizenClient.layer({ baseUrl: "http://kaizen.local" }).pipe(Layer.provide(KaizenLocal.layerHttpClient()))
      : KaizenNode.layerConfig())
)

const decodeBody = (body: unknown): unknown => {
  const bytes = (body as { readonly _tag: string; readonly body?: Uint8Array }).body
  return bytes instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(bytes)) : undefined
}

/**
 * The provider's HTTP transport. With `keyName` set in the environment: the network. Without it
 * and with `KAIZEN_BASE_URL=local`: a stand-in that prints the request body the provider would
 * have received and answers `answer(body)`. Otherwise the example says what to set.
 */
export const providerHttp = (
  provider: string,
  keyName: string,
  answer: (body: any) => Response
): Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const key = yield* Config.option(Config.redacted(keyName))
    if (Option.isSome(key)) return NodeHttpClient.layerUndici
    if ((yield* kaizenBaseUrl) !== "local") {
      return yield* Effect.fail(
        ConfigError.MissingData([keyName], `Set ${keyName} to call ${provider}, or KAIZEN_BASE_URL=local to run offline`)
      )
    }
    return Layer.succeed(
      HttpClient.HttpClient,
      HttpClient.make((request, url) =>
        Effect.sync(() => {
          const body = decodeBody(request.body)
          console.log(`--- ${provider} would have received (${request.method} ${url.origin}${url.pathname}):`)
          console.log(JSON.stringify(body, null, 2))
          return HttpClientResponse.fromWeb(request, answer(body))
        })
      )
    )
  }))

/** A one-line report of what the Kaizen middleware did, read from its metrics. */
export const printSavings = Effect.gen(function*() {
  const calls = yield* Metric.value(KaizenAi.calls)
  const parts = yield* Metric.value(KaizenAi.compressedParts)
  const bytes = yield* Metric.value(KaizenAi.bytesSaved)
  const tokens = yield* Metric.value(KaizenAi.tokensSaved)
  const ratio = yield* Metric.value(KaizenAi.reductionRatio)
  const fallbacks = yield* Metric.value(KaizenAi.fallbacks)
  const mean = ratio.count === 0 ? 0 : ratio.sum / ratio.count
  console.log(
    `--- Kaizen: ${calls.count} call(s), ${parts.count} part(s) sent as KTOF, ${bytes.count} bytes saved ` +
      `(${(mean * 100).toFixed(1)}% of what Kaizen saw), ${tokens.count} tokens saved as Kaizen counts them, ` +
      `${fallbacks.count} fallback(s)`
  )
})

/** The model's answer, as the program prints it. */
export const printAnswer = (response: LanguageModel.GenerateTextResponse<any>) =>
  Effect.sync(() => console.log(`--- Answer (${response.finishReason}):\n${response.text}`))
