/**
 * The per-call opt-out: a context flag the middleware reads on every call, and the shorthands
 * that set it. Re-exported by `KaizenAi`.
 *
 * @internal
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/**
 * When `true` in a call's context, the layer passes the call straight to the wrapped model:
 * nothing is compressed, decoded, counted or traced by this module.
 *
 * @example
 * import { Effect } from "effect"
 * import { LanguageModel } from "@effect/ai"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const verbatim = LanguageModel.generateText({ prompt: "quote this exactly" }).pipe(
 *   Effect.provideService(KaizenAi.Disabled, true)
 * )
 */
export class Disabled extends Context.Reference<Disabled>()("kaizen-effect/KaizenAi/Disabled", {
  defaultValue: () => false
}) {}

/**
 * Runs a call without compression: the provider gets the original prompt. Shorthand for
 * providing {@link Disabled} as `true`.
 *
 * @example
 * import { LanguageModel } from "@effect/ai"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const verbatim = KaizenAi.withoutCompression(LanguageModel.generateText({ prompt: "quote this exactly" }))
 */
export const withoutCompression = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.provideService(self, Disabled, true)

/**
 * {@link withoutCompression} for `streamText`.
 *
 * @example
 * import { LanguageModel } from "@effect/ai"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const verbatim = KaizenAi.withoutCompressionStream(LanguageModel.streamText({ prompt: "quote this exactly" }))
 */
export const withoutCompressionStream = <A, E, R>(self: Stream.Stream<A, E, R>): Stream.Stream<A, E, R> =>
  Stream.provideService(self, Disabled, true)
