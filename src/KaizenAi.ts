/**
 * Kaizen compression as `@effect/ai` middleware: a layer that wraps any `LanguageModel`
 * (OpenAI, Anthropic, a hand-written one) so the prompt reaches the provider compressed into
 * KTOF, and, on request, a reply the model wrote in KTOF comes back decoded.
 *
 * The official Python SDK wraps each vendor's client and blocks the event loop on its Kaizen
 * calls; this is one provider-agnostic layer, non-blocking, and typed: everything except the
 * compressed text (tools, tool choice, provider options, the response) passes through untouched.
 *
 * Published as the optional entry point `kaizen-effect/ai`, so an application without
 * `@effect/ai` never loads it.
 *
 * @module kaizen-effect/ai
 * @since 0.1.0
 */
import * as AiError from "@effect/ai/AiError"
import * as LanguageModel from "@effect/ai/LanguageModel"
import * as Prompt from "@effect/ai/Prompt"
import type * as Response from "@effect/ai/Response"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as AiPrompt from "./ai/prompt.js"
import * as Reply from "./ai/reply.js"
import { KaizenClient } from "./KaizenClient.js"
import type { KaizenAPIError, KaizenRequestError } from "./contract/errors.js"
import { isKaizenError, type KaizenError } from "./KaizenError.js"
import type * as KaizenSchema from "./KaizenSchema.js"

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

/**
 * How the layer compresses prompts and treats replies.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type * as KaizenAi from "kaizen-effect/ai"
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
   * what it sees, so that is the caller's choice.
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
   * high (52 against 48 o200k tokens for a 161-character question with a JSON table in it).
   * Bytes are measured here, exactly as the provider receives them.
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
   * that is not KTOF fails the call with `AiError.MalformedOutput` whose `cause` is a
   * {@link KaizenAiDecodeError} carrying the reply. `generateObject` is not affected: the
   * provider constrains that reply to JSON of the schema. Default false.
   */
  readonly decodeResponse?: boolean | undefined
  /**
   * When Kaizen itself fails (down, timing out, refusing the key): `"original"` (default) sends
   * the original prompt (or returns the reply undecoded) and records why (a warning log, the
   * span's `kaizen.ai.fallback`, {@link fallbacks}); `"fail"` fails the call with
   * `AiError.UnknownError` whose `cause` is the Kaizen error.
   */
  readonly onKaizenError?: "original" | "fail" | undefined
  /** Parts encoded at once, per call (default 8). */
  readonly concurrency?: number | undefined
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/**
 * The model's reply is not KTOF (prose, JSON, or text Kaizen cannot decode), with the reply
 * exactly as the model wrote it. It reaches the caller as the `cause` of an
 * `AiError.MalformedOutput` (the `LanguageModel` contract's error); {@link unwrapErrors} lifts
 * it into the error channel.
 *
 * @since 0.1.0
 * @category errors
 * @example
 * import { Effect } from "effect"
 * import { LanguageModel } from "@effect/ai"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const reply = LanguageModel.generateText({ prompt: "List the users as KTOF" }).pipe(
 *   KaizenAi.unwrapErrors,
 *   Effect.map((response) => response.text),
 *   Effect.catchTag("KaizenAiDecodeError", (error) => Effect.succeed(error.reply))
 * )
 */
export class KaizenAiDecodeError extends Data.TaggedError("KaizenAiDecodeError")<{
  /** The reply as the model wrote it. */
  readonly reply: string
  /** Why it is not KTOF. */
  readonly reason: string
  readonly message: string
  /** Kaizen's refusal, when it was asked and could not decode the reply. */
  readonly cause?: KaizenAPIError | undefined
}> {}

/**
 * What {@link unwrapErrors} adds to an error channel: the failures this module wraps in
 * `AiError`.
 *
 * @since 0.1.0
 * @category errors
 * @example
 * import type * as KaizenAi from "kaizen-effect/ai"
 * const describe = (failure: KaizenAi.Failure) => `${failure._tag}: ${failure.message}`
 */
export type Failure = KaizenAiDecodeError | KaizenRequestError | KaizenAPIError

const MODULE = "KaizenAi"

const isFailure = (u: unknown): u is Failure => u instanceof KaizenAiDecodeError || isKaizenError(u)

const unwrapOne = <E>(error: E): E | Failure =>
  AiError.isAiError(error) && (error._tag === "UnknownError" || error._tag === "MalformedOutput") &&
    error.module === MODULE && isFailure(error.cause)
    ? error.cause
    : error

/**
 * Lifts this module's failures out of the `AiError` they travel in. A `LanguageModel`'s error
 * channel is `AiError`, so the layer cannot widen it; piping a call through `unwrapErrors`
 * gives back {@link KaizenAiDecodeError}, `KaizenRequestError` and `KaizenAPIError` as typed
 * errors (`Effect.catchTag` works on them). Any other error is left as it is.
 *
 * @since 0.1.0
 * @category errors
 * @example
 * import { Effect } from "effect"
 * import { LanguageModel } from "@effect/ai"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const answer = LanguageModel.generateText({ prompt: "hi" }).pipe(
 *   KaizenAi.unwrapErrors,
 *   Effect.catchTag("KaizenAPIError", (error) => Effect.die(error))
 * )
 */
export const unwrapErrors = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | Failure, R> =>
  Effect.mapError(self, unwrapOne)

/**
 * {@link unwrapErrors} for `streamText`.
 *
 * @since 0.1.0
 * @category errors
 * @example
 * import { Stream } from "effect"
 * import { LanguageModel } from "@effect/ai"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const parts = LanguageModel.streamText({ prompt: "hi" }).pipe(
 *   KaizenAi.unwrapErrorsStream,
 *   Stream.catchTag("KaizenAiDecodeError", (error) => Stream.make(error.reply))
 * )
 */
export const unwrapErrorsStream = <A, E, R>(self: Stream.Stream<A, E, R>): Stream.Stream<A, E | Failure, R> =>
  Stream.mapError(self, unwrapOne)

// ---------------------------------------------------------------------------------------------
// Per-call opt-out
// ---------------------------------------------------------------------------------------------

/**
 * When `true` in a call's context, the layer passes the call straight to the wrapped model:
 * nothing is compressed, decoded, counted or traced by this module.
 *
 * @since 0.1.0
 * @category context
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
 * @since 0.1.0
 * @category context
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
 * @since 0.1.0
 * @category context
 * @example
 * import { LanguageModel } from "@effect/ai"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const verbatim = KaizenAi.withoutCompressionStream(LanguageModel.streamText({ prompt: "quote this exactly" }))
 */
export const withoutCompressionStream = <A, E, R>(self: Stream.Stream<A, E, R>): Stream.Stream<A, E, R> =>
  Stream.provideService(self, Disabled, true)

// ---------------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------------

/**
 * Calls handled with compression on (including those that fell back to the original prompt).
 *
 * @since 0.1.0
 * @category metrics
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const count = Effect.map(Metric.value(KaizenAi.calls), (state) => state.count)
 */
export const calls = Metric.counter("kaizen_ai_calls", {
  description: "LLM calls the Kaizen middleware handled with compression on",
  incremental: true
})

/**
 * Prompt parts the provider received as KTOF.
 *
 * @since 0.1.0
 * @category metrics
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const count = Effect.map(Metric.value(KaizenAi.compressedParts), (state) => state.count)
 */
export const compressedParts = Metric.counter("kaizen_ai_compressed_parts", {
  description: "Prompt parts sent to the provider as KTOF",
  incremental: true
})

/**
 * UTF-8 bytes the provider did not receive thanks to KTOF.
 *
 * @since 0.1.0
 * @category metrics
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const saved = Effect.map(Metric.value(KaizenAi.bytesSaved), (state) => state.count)
 */
export const bytesSaved = Metric.counter("kaizen_ai_bytes_saved", {
  description: "UTF-8 bytes of prompt saved by KTOF",
  incremental: true
})

/**
 * Tokens saved, for the first of `tokenModels`, as Kaizen counts them.
 *
 * @since 0.1.0
 * @category metrics
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const saved = Effect.map(Metric.value(KaizenAi.tokensSaved), (state) => state.count)
 */
export const tokensSaved = Metric.counter("kaizen_ai_tokens_saved", {
  description: "Prompt tokens saved by KTOF (first configured token model)",
  incremental: true
})

/**
 * Calls that went ahead without Kaizen because Kaizen failed (policy `"original"`).
 *
 * @since 0.1.0
 * @category metrics
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const count = Effect.map(Metric.value(KaizenAi.fallbacks), (state) => state.count)
 */
export const fallbacks = Metric.counter("kaizen_ai_fallbacks", {
  description: "Calls that went ahead without Kaizen because Kaizen failed",
  incremental: true
})

/**
 * Per call: `1 - bytes after / bytes before` over the parts Kaizen saw (0: nothing saved).
 *
 * @since 0.1.0
 * @category metrics
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const mean = Effect.map(Metric.value(KaizenAi.reductionRatio), (state) => state.sum / state.count)
 */
export const reductionRatio = Metric.histogram(
  "kaizen_ai_reduction_ratio",
  MetricBoundaries.linear({ start: 0.1, width: 0.1, count: 10 }),
  "Share of the prompt's bytes removed by KTOF, per call"
)

/**
 * Milliseconds per Kaizen request (encode or decode), failures included: what compression adds
 * before the provider is called.
 *
 * @since 0.1.0
 * @category metrics
 * @example
 * import { Effect, Metric } from "effect"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const worst = Effect.map(Metric.value(KaizenAi.kaizenLatency), (state) => state.max)
 */
export const kaizenLatency = Metric.histogram(
  "kaizen_ai_kaizen_latency_ms",
  MetricBoundaries.exponential({ start: 1, factor: 2, count: 14 }),
  "Kaizen request latency in milliseconds"
)

// ---------------------------------------------------------------------------------------------
// Decoded replies
// ---------------------------------------------------------------------------------------------

/**
 * A reply the model wrote in KTOF, as the layer decoded it.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type * as KaizenAi from "kaizen-effect/ai"
 * const rows = (reply: KaizenAi.DecodedReply) => reply.value
 */
export interface DecodedReply {
  /** The reply exactly as the model wrote it. */
  readonly ktof: string
  /** What Kaizen decoded it into (also the response's text, as JSON). */
  readonly value: KaizenSchema.JsonValue
}

/**
 * The decoded reply of a response (or of the parts of a stream), when `decodeResponse` decoded
 * one: the text part that carries it keeps the raw KTOF and the value in its `kaizen` metadata.
 *
 * @since 0.1.0
 * @category accessors
 * @example
 * import { Effect } from "effect"
 * import { LanguageModel } from "@effect/ai"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const users = Effect.map(LanguageModel.generateText({ prompt: "List the users as KTOF" }), KaizenAi.decodedReply)
 */
export const decodedReply = (
  response: { readonly content: ReadonlyArray<Response.AnyPart> } | ReadonlyArray<Response.AnyPart>
): Option.Option<DecodedReply> => {
  const parts: ReadonlyArray<Response.AnyPart> = "content" in response ? response.content : response
  for (const part of parts) {
    if (part.type !== "text" && part.type !== "text-delta") continue
    const kaizen = part.metadata[METADATA_KEY]
    if (kaizen !== undefined && typeof kaizen.ktof === "string") {
      return Option.some({ ktof: kaizen.ktof, value: kaizen.value as KaizenSchema.JsonValue })
    }
  }
  return Option.none()
}

const METADATA_KEY = "kaizen"

/**
 * A system-prompt line asking the model to answer in KTOF, for use with `decodeResponse`.
 *
 * @since 0.1.0
 * @category constants
 * @example
 * import * as KaizenAi from "kaizen-effect/ai"
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

type Method = "generateText" | "generateObject" | "streamText"

interface Measured {
  readonly unit: AiPrompt.Unit
  readonly ktof: string
  readonly replaced: boolean
  readonly bytesBefore: number
  readonly bytesAfter: number
  readonly tokens: { readonly before: number; readonly after: number } | undefined
}

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

const isStructured = (value: KaizenSchema.JsonValue): boolean => typeof value === "object" && value !== null

/**
 * Wraps the `LanguageModel` in context with Kaizen compression (see {@link Options}). The
 * result is a `LanguageModel.Service`: `generateText`, `generateObject` and `streamText` with
 * the same types, the prompt compressed on the way in.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { Effect } from "effect"
 * import { LanguageModel } from "@effect/ai"
 * import * as KaizenAi from "kaizen-effect/ai"
 * const compressed = Effect.flatMap(KaizenAi.make({ tokenModels: ["gpt-4o-mini"] }), (model) =>
 *   model.generateText({ prompt: "Summarise {\"users\":[{\"id\":1},{\"id\":2}]}" })
 * )
 */
export const make = (
  options: Options = {}
): Effect.Effect<LanguageModel.Service, never, LanguageModel.LanguageModel | KaizenClient> =>
  Effect.gen(function*() {
    const model = yield* LanguageModel.LanguageModel
    const kaizen = yield* KaizenClient

    const selection: AiPrompt.Selection = {
      system: options.include?.system ?? true,
      user: options.include?.user ?? true,
      assistant: options.include?.assistant ?? false,
      toolResults: options.include?.toolResults ?? false,
      granularity: options.granularity ?? "part"
    }
    const tokenModel = options.tokenModels?.[0]
    const failOnKaizenError = options.onKaizenError === "fail"
    const concurrency = options.concurrency ?? 8
    // The fixed part of every encode request, built once (exact optional fields: absent, not undefined).
    const encodeFields = {
      auto_detect_json: options.autoDetectJson ?? true,
      ...(options.encodeOptions === undefined ? {} : { options: options.encodeOptions }),
      ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
      ...(options.tokenModels === undefined ? {} : { token_models: options.tokenModels })
    }

    // Every Kaizen request is timed, failures included: a slow failure costs the caller too.
    const timed = <A, E>(request: Effect.Effect<A, E>): Effect.Effect<A, E> =>
      Effect.flatMap(Clock.currentTimeNanos, (start) =>
        Effect.onExit(request, () =>
          Effect.flatMap(Clock.currentTimeNanos, (end) => Metric.update(kaizenLatency, Number(end - start) / 1e6))))

    // The policy for Kaizen failing: go on with `fallback` and say so, or fail the call.
    const onKaizenError = <A>(
      method: Method,
      operation: "promptsEncode" | "promptsDecode",
      error: KaizenError,
      fallback: A
    ): Effect.Effect<A, AiError.UnknownError> =>
      failOnKaizenError
        ? Effect.fail(
          new AiError.UnknownError({
            module: MODULE,
            method,
            description: `Kaizen ${operation} failed (${error._tag}): ${error.message}`,
            cause: error
          })
        )
        : Effect.all([
          Metric.increment(fallbacks),
          Effect.annotateCurrentSpan({
            "kaizen.ai.fallback": operation === "promptsEncode" ? "original_prompt" : "undecoded_reply",
            "kaizen.ai.fallback.error": error._tag,
            "kaizen.ai.fallback.reason": error.message
          }),
          Effect.logWarning(
            operation === "promptsEncode"
              ? "Kaizen failed; the provider gets the original prompt"
              : "Kaizen failed; the reply is returned undecoded"
          ).pipe(Effect.annotateLogs({ method, operation, error: error._tag, reason: error.message }))
        ]).pipe(Effect.as(fallback))

    const measure = (unit: AiPrompt.Unit, bytesBefore: number, response: KaizenSchema.EncodeResponse): Measured => {
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

    const record = (measured: ReadonlyArray<Measured>) => {
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
        Metric.incrementBy(compressedParts, replaced),
        Metric.incrementBy(bytesSaved, bytesBefore - bytesAfter),
        counted ? Metric.incrementBy(tokensSaved, tokensBefore - tokensAfter) : Effect.void,
        bytesBefore > 0 ? Metric.update(reductionRatio, ratio) : Effect.void
      ], { discard: true })
    }

    // The prompt to send: compressed where that helps, else exactly what the caller gave.
    const compress = (method: Method, raw: Prompt.RawInput): Effect.Effect<Prompt.RawInput, AiError.UnknownError> =>
      Effect.suspend(() => {
        const prompt = Prompt.make(raw)
        const units = AiPrompt.unitsOf(prompt, selection)
        return Effect.forEach(
          units,
          (unit) => {
            const payload = AiPrompt.payloadOf(unit)
            return timed(kaizen.promptsEncode({ ...encodeFields, prompt: payload.prompt })).pipe(
              Effect.map((response) => measure(unit, payload.bytes, response))
            )
          },
          { concurrency }
        ).pipe(
          Effect.tap(record),
          Effect.map((measured): Prompt.RawInput => {
            const replacements = measured.filter((m) => m.replaced)
            return replacements.length === 0 ? raw : AiPrompt.replace(prompt, replacements)
          }),
          Effect.catchAll((error) => onKaizenError(method, "promptsEncode", error, raw)),
          Effect.ensuring(Metric.increment(calls))
        )
      })

    const notKtof = (method: Method, reply: string, reason: string, cause?: KaizenAPIError) => {
      const error = new KaizenAiDecodeError({ reply, reason, message: `The model's reply is not KTOF: ${reason}`, cause })
      return Effect.zipRight(
        Effect.annotateCurrentSpan("kaizen.ai.reply", "not_ktof"),
        Effect.fail(new AiError.MalformedOutput({ module: MODULE, method, description: error.message, cause: error }))
      )
    }

    // A complete reply: its decoded replacement, or `undefined` to keep it as it is.
    const decodeReply = (
      method: Method,
      reply: string
    ): Effect.Effect<Reply.Replacement | undefined, AiError.MalformedOutput | AiError.UnknownError> => {
      const candidate = Reply.candidateOf(reply)
      if (candidate._tag === "NotKtof") return notKtof(method, reply, candidate.reason)
      type Decoded = Effect.Effect<Reply.Replacement | undefined, AiError.MalformedOutput | AiError.UnknownError>
      return timed(kaizen.promptsDecode({ ktof: candidate.ktof })).pipe(
        Effect.matchEffect({
          onSuccess: ({ result }): Decoded =>
            isStructured(result)
              ? Effect.as(Effect.annotateCurrentSpan("kaizen.ai.reply", "decoded"), {
                text: JSON.stringify(result),
                metadata: { [METADATA_KEY]: { ktof: reply, value: result } }
              } satisfies Reply.Replacement)
              : notKtof(method, reply, `it reads as a single ${result === null ? "null" : typeof result} value, not a KTOF document`),
          // Kaizen answering 400/422 is Kaizen saying "this is not KTOF"; anything else is
          // Kaizen failing, and the fallback policy decides.
          onFailure: (error): Decoded =>
            error._tag === "KaizenAPIError" && (error.statusCode === 400 || error.statusCode === 422)
              ? notKtof(method, reply, `Kaizen could not decode it: ${error.message}`, error)
              : onKaizenError(method, "promptsDecode", error, undefined)
        })
      )
    }

    const decodeResponse = (
      response: LanguageModel.GenerateTextResponse<any>
    ): Effect.Effect<LanguageModel.GenerateTextResponse<any>, AiError.MalformedOutput | AiError.UnknownError> => {
      // No text (only tool calls, say) is no reply to decode.
      const text = response.text
      if (text.trim().length === 0) return Effect.succeed(response)
      return Effect.map(
        decodeReply("generateText", text),
        (replacement) =>
          replacement === undefined
            ? response
            : new LanguageModel.GenerateTextResponse(Reply.replaceText(response.content, replacement))
      )
    }

    const decodeResponses = options.decodeResponse === true

    // The Service's methods are generic over the caller's options; each wrapper forwards those
    // options unchanged except `prompt`, so the types it was called with are the types it
    // returns. TypeScript cannot see that through the spread, hence the casts at this boundary.
    type AnyOptions = LanguageModel.GenerateTextOptions<any>
    const generateText = (call: AnyOptions): Effect.Effect<LanguageModel.GenerateTextResponse<any>, any, any> =>
      Effect.flatMap(Disabled, (disabled) =>
        disabled ? model.generateText(call) : compress("generateText", call.prompt).pipe(
          Effect.flatMap((prompt) => model.generateText({ ...call, prompt })),
          Effect.flatMap((response) => decodeResponses ? decodeResponse(response) : Effect.succeed(response)),
          Effect.withSpan("KaizenAi.generateText", { attributes: { "kaizen.ai.method": "generateText" } })
        ))

    const generateObject = (call: LanguageModel.GenerateObjectOptions<any, any, any, any>) =>
      Effect.flatMap(Disabled, (disabled) =>
        disabled ? model.generateObject(call) : compress("generateObject", call.prompt).pipe(
          Effect.flatMap((prompt) => model.generateObject({ ...call, prompt })),
          Effect.withSpan("KaizenAi.generateObject", { attributes: { "kaizen.ai.method": "generateObject" } })
        ))

    const streamText = (call: AnyOptions): Stream.Stream<Response.StreamPart<any>, any, any> =>
      Stream.unwrap(Effect.map(Disabled, (disabled) => {
        if (disabled) return model.streamText(call)
        const stream = Stream.unwrap(
          Effect.map(compress("streamText", call.prompt), (prompt) => model.streamText({ ...call, prompt }))
        )
        return (decodeResponses ? Reply.holdText(stream, (text) => decodeReply("streamText", text)) : stream).pipe(
          Stream.withSpan("KaizenAi.streamText", { attributes: { "kaizen.ai.method": "streamText" } })
        )
      }))

    return { generateText, generateObject, streamText } as unknown as LanguageModel.Service
  })

/**
 * The `LanguageModel` with Kaizen compression, from the `LanguageModel` and the
 * `KaizenClient` it is given. Provide the provider's model below it:
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { OpenAiClient, OpenAiLanguageModel } from "@effect/ai-openai"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Config, Layer } from "effect"
 * import { KaizenClient } from "kaizen-effect"
 * import * as KaizenAi from "kaizen-effect/ai"
 *
 * const Model = KaizenAi.layer({ tokenModels: ["gpt-4o-mini"] }).pipe(
 *   Layer.provide(OpenAiLanguageModel.model("gpt-4o-mini")),
 *   Layer.provide(OpenAiClient.layerConfig({ apiKey: Config.redacted("OPENAI_API_KEY") })),
 *   Layer.provide(KaizenClient.layerNode),
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 */
export const layer = (
  options: Options = {}
): Layer.Layer<LanguageModel.LanguageModel, never, LanguageModel.LanguageModel | KaizenClient> =>
  Layer.effect(LanguageModel.LanguageModel, make(options))
