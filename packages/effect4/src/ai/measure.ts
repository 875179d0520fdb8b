/**
 * What compression buys, measured: each unit weighed before and after (bytes as the provider
 * receives them, tokens as Kaizen counts them), the decision to replace it, and the totals of a
 * call recorded on the span and in the metrics. Every Kaizen request is timed here too.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import type * as KaizenSchema from "../KaizenSchema.js"
import { bytesSaved, compressedParts, kaizenLatency, reductionRatio, tokensSaved } from "./metrics.js"
import * as AiPrompt from "./prompt.js"

/**
 * One unit of a prompt after Kaizen encoded it: its KTOF, whether it replaces the original,
 * and its weight before and after (after = before when it does not).
 *
 * @internal
 */
export interface Measured {
  readonly unit: AiPrompt.Unit
  readonly ktof: string
  readonly replaced: boolean
  readonly bytesBefore: number
  readonly bytesAfter: number
  readonly tokens: { readonly before: number; readonly after: number } | undefined
}

/**
 * Times a Kaizen request into {@link kaizenLatency}, failures included: a slow failure costs
 * the caller too.
 *
 * @internal
 */
export const timed = <A, E>(request: Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.flatMap(Clock.currentTimeNanos, (start) =>
    Effect.onExit(request, () =>
      Effect.flatMap(Clock.currentTimeNanos, (end) => Metric.update(kaizenLatency, Number(end - start) / 1e6))))

const tokenCounts = (
  stats: KaizenSchema.TokenStats | undefined,
  model: string | undefined
): { readonly original: number; readonly compressed: number } | undefined => {
  if (stats === undefined || model === undefined) return undefined
  const read = (record: unknown, field: string): unknown =>
    typeof record === "object" && record !== null ? (record as Record<string, unknown>)[field] : undefined
  // Service reference: { raw: { model: { tokens } }, optimized: {...} }; docs: { model: { original, compressed } }.
  const original = read(read(read(stats, "raw"), model), "tokens") ?? read(read(stats, model), "original")
  const compressed = read(read(read(stats, "optimized"), model), "tokens") ?? read(read(stats, model), "compressed")
  return typeof original === "number" && typeof compressed === "number" ? { original, compressed } : undefined
}

/**
 * Weighs a unit against Kaizen's answer for it, and decides whether the KTOF replaces it.
 *
 * @internal
 */
export const measure = (
  unit: AiPrompt.Unit,
  bytesBefore: number,
  response: KaizenSchema.EncodeResponse,
  tokenModel: string | undefined
): Measured => {
  const ktofBytes = AiPrompt.replacementBytes(unit, response.result)
  const counted = tokenCounts(response.token_stats ?? undefined, tokenModel)
  // Never make a prompt worse: KTOF replaces the text only when it is smaller, and not
  // larger in tokens when tokens are counted.
  const replaced = ktofBytes < bytesBefore && (counted === undefined || counted.compressed <= counted.original)
  return {
    unit,
    ktof: response.result,
    replaced,
    bytesBefore,
    bytesAfter: replaced ? ktofBytes : bytesBefore,
    tokens: counted === undefined
      ? undefined
      : { before: counted.original, after: replaced ? counted.compressed : counted.original }
  }
}

/**
 * Records a call's totals: the span's `kaizen.ai.*` attributes and the savings metrics.
 *
 * @internal
 */
export const record = (measured: ReadonlyArray<Measured>, tokenModel: string | undefined): Effect.Effect<void> => {
  let bytesBefore = 0
  let bytesAfter = 0
  let tokensBefore = 0
  let tokensAfter = 0
  let counted = false
  let replaced = 0
  for (const m of measured) {
    bytesBefore += m.bytesBefore
    bytesAfter += m.bytesAfter
    if (m.replaced) replaced++
    if (m.tokens !== undefined) {
      counted = true
      tokensBefore += m.tokens.before
      tokensAfter += m.tokens.after
    }
  }
  const ratio = bytesBefore === 0 ? 0 : 1 - bytesAfter / bytesBefore
  const attributes: Record<string, unknown> = {
    "kaizen.ai.parts.eligible": measured.length,
    "kaizen.ai.parts.compressed": replaced,
    "kaizen.ai.bytes.before": bytesBefore,
    "kaizen.ai.bytes.after": bytesAfter,
    "kaizen.ai.bytes.saved": bytesBefore - bytesAfter,
    "kaizen.ai.reduction_ratio": ratio
  }
  if (counted && tokenModel !== undefined) {
    attributes["kaizen.ai.tokens.model"] = tokenModel
    attributes["kaizen.ai.tokens.before"] = tokensBefore
    attributes["kaizen.ai.tokens.after"] = tokensAfter
    attributes["kaizen.ai.tokens.saved"] = tokensBefore - tokensAfter
  }
  return Effect.all([
    Effect.annotateCurrentSpan(attributes),
    Metric.update(compressedParts, replaced),
    Metric.update(bytesSaved, bytesBefore - bytesAfter),
    counted ? Metric.update(tokensSaved, tokensBefore - tokensAfter) : Effect.void,
    bytesBefore > 0 ? Metric.update(reductionRatio, ratio) : Effect.void
  ], { discard: true })
}
