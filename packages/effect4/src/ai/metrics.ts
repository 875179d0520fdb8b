/**
 * What the middleware counts: calls, compressed parts, bytes and tokens saved, fallbacks, the
 * per-call reduction ratio and Kaizen's latency. Declared here, below both the face and the
 * machinery that updates them, and re-exported by `KaizenAi`.
 *
 * @internal
 */
import * as Metric from "effect/Metric"

/**
 * Calls handled with compression on (including those that fell back to the original prompt).
 *
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const count = Effect.map(Metric.value(KaizenAi.calls), (state) => state.count)
 */
export const calls = Metric.counter("kaizen_ai_calls", {
  description: "LLM calls the Kaizen middleware handled with compression on",
  incremental: true
})

/**
 * Prompt parts the provider received as KTOF.
 *
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const count = Effect.map(Metric.value(KaizenAi.compressedParts), (state) => state.count)
 */
export const compressedParts = Metric.counter("kaizen_ai_compressed_parts", {
  description: "Prompt parts sent to the provider as KTOF",
  incremental: true
})

/**
 * UTF-8 bytes the provider did not receive thanks to KTOF.
 *
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const saved = Effect.map(Metric.value(KaizenAi.bytesSaved), (state) => state.count)
 */
export const bytesSaved = Metric.counter("kaizen_ai_bytes_saved", {
  description: "UTF-8 bytes of prompt saved by KTOF",
  incremental: true
})

/**
 * Tokens saved, for the first of `tokenModels`, as Kaizen counts them.
 *
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const saved = Effect.map(Metric.value(KaizenAi.tokensSaved), (state) => state.count)
 */
export const tokensSaved = Metric.counter("kaizen_ai_tokens_saved", {
  description: "Prompt tokens saved by KTOF (first configured token model)",
  incremental: true
})

/**
 * Calls that went ahead without Kaizen because Kaizen failed (policy `"original"`).
 *
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const count = Effect.map(Metric.value(KaizenAi.fallbacks), (state) => state.count)
 */
export const fallbacks = Metric.counter("kaizen_ai_fallbacks", {
  description: "Calls that went ahead without Kaizen because Kaizen failed",
  incremental: true
})

/**
 * Per call: `1 - bytes after / bytes before` over the parts Kaizen saw (0: nothing saved).
 *
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const mean = Effect.map(Metric.value(KaizenAi.reductionRatio), (state) => state.sum / state.count)
 */
export const reductionRatio = Metric.histogram("kaizen_ai_reduction_ratio", {
  boundaries: Metric.linearBoundaries({ start: 0.1, width: 0.1, count: 10 }),
  description: "Share of the prompt's bytes removed by KTOF, per call"
})

/**
 * Milliseconds per Kaizen request (encode or decode), failures included: what compression adds
 * before the provider is called.
 *
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const worst = Effect.map(Metric.value(KaizenAi.kaizenLatency), (state) => state.max)
 */
export const kaizenLatency = Metric.histogram("kaizen_ai_kaizen_latency_ms", {
  boundaries: Metric.exponentialBoundaries({ start: 1, factor: 2, count: 14 }),
  description: "Kaizen request latency in milliseconds"
})
