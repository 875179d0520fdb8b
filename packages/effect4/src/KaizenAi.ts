/**
 * Kaizen compression as `effect/ai` middleware: a layer that wraps any `LanguageModel`
 * (OpenAI, Anthropic, a hand-written one) so the prompt reaches the provider compressed into
 * KTOF, and, on request, a reply the model wrote in KTOF comes back decoded. The same names,
 * options and behaviour as the Effect 3 line's `@kaizen-effect/effect4/ai`, over Effect 4's
 * `effect/ai` modules.
 *
 * The official Python SDK wraps each vendor's client and blocks the event loop on its Kaizen
 * calls; this is one provider-agnostic layer, non-blocking, and typed: everything except the
 * compressed text (tools, tool choice, provider options, the response) passes through untouched.
 *
 * Published as the entry point `@kaizen-effect/effect4/ai`, so an application that does not use
 * `effect/ai` never loads it.
 *
 * @module @kaizen-effect/effect4/ai
 * @since 0.1.0
 */
import * as LanguageModel from "effect/ai/LanguageModel"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Middleware from "./ai/middleware.js"
import type { KaizenClient } from "./KaizenClient.js"
import type * as KaizenSchema from "./KaizenSchema.js"

// This file is the face. The machinery sits under src/ai/: settings.ts (the options resolved
// once), middleware.ts (the wrapped LanguageModel), compress.ts and decode.ts (the Kaizen calls
// on the prompt and on the reply), measure.ts and metrics.ts (what is counted), fallback.ts
// (Kaizen failing), errors.ts, optOut.ts, and prompt.ts / reply.ts (pure prompt and reply surgery).

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

/**
 * How the layer compresses prompts and treats replies.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const options: KaizenAi.Options = {
 *   include: { toolResults: true },
 *   granularity: "message",
 *   tokenModels: ["gpt-4o-mini"],
 *   decodeResponse: true,
 *   onKaizenError: "original"
 * }
 */
export interface Options {
  /**
   * Which parts go through Kaizen. Default: system and user text (with any JSON in it:
   * Kaizen's `auto_detect_json` finds and re-encodes it). Assistant text and tool results are
   * opt-in: replaying the model its own words in another format, or a tool's output, changes
   * what it sees, so that is the caller's choice. A tool result that carries its own
   * `modelOutput` (what Effect 4's tools render for the model) goes as it is: the provider sends
   * that rendering, not the JSON.
   */
  readonly include?: {
    readonly system?: boolean | undefined
    readonly user?: boolean | undefined
    readonly assistant?: boolean | undefined
    readonly toolResults?: boolean | undefined
  } | undefined
  /**
   * What one `promptsEncode` covers. `"part"` (default): each text part on its own.
   * `"message"`: each included user or assistant message as one unit, its text parts joined
   * with `"\n"`; when that KTOF is smaller (same rule as a part), one text part carrying it takes
   * the place of the first text part and the other text parts go, while files and other parts
   * stay where they were; otherwise the message goes unchanged. System messages are one unit
   * either way, and tool results stay per part. A message counts as one part in the metrics
   * and span attributes.
   */
  readonly granularity?: "part" | "message" | undefined
  /**
   * Models to count tokens for (`token_models`); the first one's counts feed the span and
   * {@link tokensSaved}. Without it only bytes are measured. The counts are Kaizen's
   * `token_stats`, which measure a part serialised as JSON: a text part is counted in quotes
   * with its inner quotes escaped, so for text the count before, and the savings, run a little
   * high. Bytes are measured here, exactly as the provider receives them.
   */
  readonly tokenModels?: ReadonlyArray<string> | undefined
  /** KTOF encoding options (`indent`, `delimiter`, `length_marker`). */
  readonly encodeOptions?: typeof KaizenSchema.EncodeOptions.Encoded | undefined
  /** Kaizen's JSON detection in text (default true). */
  readonly autoDetectJson?: boolean | undefined
  /** Sent with every encode request (echoed by Kaizen as `meta.client_metadata`). */
  readonly metadata?: Readonly<Record<string, KaizenSchema.JsonValue>> | undefined
  /**
   * Decode replies the model wrote in KTOF (`generateText`, `streamText`): the response text
   * becomes the decoded JSON, and the raw reply is kept (see {@link decodedReply}). A reply
   * that is not KTOF fails the call with an `AiError` whose reason is an `InvalidOutputError`
   * whose `cause` is a {@link KaizenAiDecodeError} carrying the reply. `generateObject` is not affected: the
   * provider constrains that reply to JSON of the schema. Default false.
   */
  readonly decodeResponse?: boolean | undefined
  /**
   * When Kaizen itself fails (down, timing out, refusing the key): `"original"` (default) sends
   * the original prompt (or returns the reply undecoded) and records why (a warning log, the
   * span's `kaizen.ai.fallback`, {@link fallbacks}); `"fail"` fails the call with an
   * `AiError` whose reason is an `UnknownError` whose `cause` is the Kaizen error.
   */
  readonly onKaizenError?: "original" | "fail" | undefined
  /** Parts encoded at once, per call (default 8). */
  readonly concurrency?: number | undefined
}

// ---------------------------------------------------------------------------------------------
// Errors, per-call opt-out, metrics, decoded replies (declared with their docs under src/ai/)
// ---------------------------------------------------------------------------------------------

export { type Failure, KaizenAiDecodeError, unwrapErrors, unwrapErrorsStream } from "./ai/errors.js"
export {
  bytesSaved,
  calls,
  compressedParts,
  fallbacks,
  kaizenLatency,
  reductionRatio,
  tokensSaved
} from "./ai/metrics.js"
export { Disabled, withoutCompression, withoutCompressionStream } from "./ai/optOut.js"
export { type DecodedReply, decodedReply } from "./ai/reply.js"

/**
 * A system-prompt line asking the model to answer in KTOF, for use with `decodeResponse`.
 *
 * @since 0.1.0
 * @category constants
 * @example
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const prompt = [
 *   { role: "system" as const, content: `You list users. ${KaizenAi.replyInKtof}` },
 *   { role: "user" as const, content: "Who signed up today?" }
 * ]
 */
export const replyInKtof = "Answer only with KTOF (TOON): `key: value` lines, arrays as `name[N]{field,...}:` " +
  "headers followed by indented comma-separated rows; no prose and no code fences."

// ---------------------------------------------------------------------------------------------
// The layer
// ---------------------------------------------------------------------------------------------

/**
 * Wraps the `LanguageModel` in context with Kaizen compression (see {@link Options}). The
 * result is a `LanguageModel` (Effect 3's `LanguageModel.Service`): `generateText`,
 * `generateObject` and `streamText` with the same types, the prompt compressed on the way in.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { Effect } from "effect"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const compressed = Effect.flatMap(KaizenAi.make({ tokenModels: ["gpt-4o-mini"] }), (model) =>
 *   model.generateText({ prompt: "Summarise {\"users\":[{\"id\":1},{\"id\":2}]}" })
 * )
 */
export const make = (
  options: Options = {}
): Effect.Effect<LanguageModel.LanguageModel, never, LanguageModel.LanguageModel | KaizenClient> =>
  Middleware.make(options)

/**
 * The `LanguageModel` with Kaizen compression, from the `LanguageModel` and the
 * `KaizenClient` it is given. Provide the provider's model below it (any provider built on
 * `effect/ai`'s `LanguageModel.make`; here one written by hand):
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { Effect, Layer, Stream } from "effect"
 * import { LanguageModel } from "effect/ai"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * import * as KaizenNode from "@kaizen-effect/effect4/node"
 *
 * const Provider = Layer.effect(LanguageModel.LanguageModel, LanguageModel.make({
 *   generateText: () => Effect.succeed([{ type: "text", text: "hello" }]),
 *   streamText: () => Stream.empty
 * }))
 * const Model = KaizenAi.layer({ tokenModels: ["gpt-4o-mini"] }).pipe(
 *   Layer.provide(Provider),
 *   Layer.provide(KaizenNode.layerConfig())
 * )
 */
export const layer = (
  options: Options = {}
): Layer.Layer<LanguageModel.LanguageModel, never, LanguageModel.LanguageModel | KaizenClient> =>
  Layer.effect(LanguageModel.LanguageModel, make(options))
