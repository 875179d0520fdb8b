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
 * nothing is compressed, decoded, counted or traced by this module. (A `Context.Reference`
 * value here; the Effect 3 line's is a class of the same name, used the same way.)
 *
 * @since 0.1.0
 * @category context
 * @example
 * import { Effect } from "effect"
 * import { LanguageModel } from "effect/ai"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const verbatim = LanguageModel.generateText({ prompt: "quote this exactly" }).pipe(
 *   Effect.provideService(KaizenAi.Disabled, true)
 * )
 */
export const Disabled: Context.Reference<boolean> = Context.Reference<boolean>("kaizen-effect/KaizenAi/Disabled", {
  defaultValue: () => false
})

/**
 * Runs a call without compression: the provider gets the original prompt. Shorthand for
 * providing {@link Disabled} as `true`.
 *
 * @since 0.1.0
 * @category context
 * @example
 * import { LanguageModel } from "effect/ai"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const verbatim = KaizenAi.withoutCompression(LanguageModel.generateText({ prompt: "quote this exactly" }))
 */
export const withoutCompression = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.provideService(self, Disabled, true)

/**
 * {@link withoutCompression} for `streamText`.
 *
 * @since 0.1.0
 * @category context
 * @example
 * import { LanguageModel } from "effect/ai"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const verbatim = KaizenAi.withoutCompressionStream(LanguageModel.streamText({ prompt: "quote this exactly" }))
 */
export const withoutCompressionStream = <A, E, R>(self: Stream.Stream<A, E, R>): Stream.Stream<A, E, R> =>
  Stream.provideService(self, Disabled, true)
