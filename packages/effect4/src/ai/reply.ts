/**
 * Model replies written in KTOF: recognising one, putting the decoded JSON in place of the
 * KTOF text, in a complete response or in a stream, and reading it back (`decodedReply`,
 * re-exported by `KaizenAi`).
 *
 * @internal
 */
import * as Response from "effect/ai/Response"
import type * as Tool from "effect/ai/Tool"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type * as KaizenSchema from "../KaizenSchema.js"

/**
 * What a reply is before Kaizen sees it: KTOF to decode, or, on its face, not KTOF.
 *
 * @internal
 */
export type Candidate =
  | { readonly _tag: "Ktof"; readonly ktof: string }
  | { readonly _tag: "NotKtof"; readonly reason: string }

// Models often fence structured output even when told not to: ```ktof ... ``` or ```toon ... ```.
const fence = /^```[\w-]*[ \t]*\r?\n([\s\S]*?)\r?\n?```$/

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/**
 * The KTOF to send to `promptsDecode`, or why the reply is not KTOF. A reply in JSON is refused
 * here because TOON would read `{"a":1}` as a key named `{"a"` and "decode" it into garbage; a
 * root TOON array starts with `[` too (`[2]: a,b`), so only text that parses as JSON is refused.
 *
 * @internal
 */
export const candidateOf = (reply: string): Candidate => {
  const trimmed = reply.trim()
  const body = (fence.exec(trimmed)?.[1] ?? trimmed).trim()
  if (body.length === 0) return { _tag: "NotKtof", reason: "the reply is empty" }
  if (body.startsWith("{") || (body.startsWith("[") && isJson(body))) {
    return { _tag: "NotKtof", reason: "the reply is JSON, not KTOF" }
  }
  return { _tag: "Ktof", ktof: body }
}

/**
 * The decoded text that replaces a KTOF reply, and the metadata (`kaizen`) kept beside it.
 *
 * @internal
 */
export interface Replacement {
  readonly text: string
  readonly metadata: Response.ProviderMetadata
}

// The provider-metadata key of the text part that carries a decoded reply.
const METADATA_KEY = "kaizen"

/**
 * The replacement for a reply Kaizen decoded into `value`: the value as JSON text, with the
 * raw reply and the value kept in the `kaizen` metadata, where {@link decodedReply} finds them.
 *
 * @internal
 */
export const decodedReplacement = (reply: string, value: KaizenSchema.JsonValue): Replacement => ({
  text: JSON.stringify(value),
  metadata: { [METADATA_KEY]: { ktof: reply, value } }
})

/**
 * A reply the model wrote in KTOF, as the layer decoded it.
 *
 * @example
 * import type * as KaizenAi from "@kaizen-effect/effect4/ai"
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
 * @example
 * import { Effect } from "effect"
 * import { LanguageModel } from "effect/ai"
 * import * as KaizenAi from "@kaizen-effect/effect4/ai"
 * const users = Effect.map(LanguageModel.generateText({ prompt: "List the users as KTOF" }), KaizenAi.decodedReply)
 */
export const decodedReply = (
  response: { readonly content: ReadonlyArray<Response.AnyPart> } | ReadonlyArray<Response.AnyPart>
): Option.Option<DecodedReply> => {
  const parts: ReadonlyArray<Response.AnyPart> = "content" in response ? response.content : response
  for (const part of parts) {
    if (part.type !== "text" && part.type !== "text-delta") continue
    // Effect 4 types provider metadata as JSON: the record is read as such.
    const kaizen = part.metadata[METADATA_KEY] as { readonly ktof?: unknown; readonly value?: unknown } | null | undefined
    if (typeof kaizen === "object" && kaizen !== null && typeof kaizen.ktof === "string") {
      return Option.some({ ktof: kaizen.ktof, value: kaizen.value as KaizenSchema.JsonValue })
    }
  }
  return Option.none()
}

/**
 * The response content with the decoded reply in place of the text: the first text part carries
 * it (and the metadata), later text parts are emptied, so `response.text` is exactly the decoded
 * JSON. Every other part keeps its place.
 *
 * @internal
 */
export const replaceText = <Tools extends Record<string, Tool.Any>, Mode extends Response.ToolParametersMode>(
  content: ReadonlyArray<Response.Part<Tools, Mode>>,
  replacement: Replacement
): Array<Response.Part<Tools, Mode>> => {
  let first = true
  return content.map((part) => {
    if (part.type !== "text") return part
    if (!first) return { ...part, text: "" }
    first = false
    return { ...part, text: replacement.text, metadata: { ...part.metadata, ...replacement.metadata } }
  })
}

/**
 * Holds the text of a stream back until the reply is complete (KTOF cannot be decoded from a
 * prefix), then emits it as one text block: `release` gets the whole text and answers the
 * replacement, or `undefined` to emit the held parts as they came. Every other part flows
 * through when it arrives; the text is released before the `finish` part, or at the end of a
 * stream that has none.
 *
 * @internal
 */
export const holdText = <Tools extends Record<string, Tool.Any>, Mode extends Response.ToolParametersMode, E, R, E2, R2>(
  stream: Stream.Stream<Response.StreamPart<Tools, Mode>, E, R>,
  release: (text: string) => Effect.Effect<Replacement | undefined, E2, R2>
): Stream.Stream<Response.StreamPart<Tools, Mode>, E | E2, R | R2> =>
  Stream.suspend(() => {
    const held: Array<Response.StreamPart<Tools, Mode>> = []
    let text = ""
    let released = false
    const flush = Effect.suspend((): Effect.Effect<ReadonlyArray<Response.StreamPart<Tools, Mode>>, E2, R2> => {
      if (released) return Effect.succeed([])
      released = true
      const parts = held.splice(0)
      if (text.trim().length === 0) return Effect.succeed(parts)
      return Effect.map(release(text), (replacement) => {
        if (replacement === undefined) return parts
        const start = parts.find((part) => part.type === "text-start")
        const id = start?.id ?? parts.find((part) => part.type === "text-delta")?.id ?? ""
        return [
          start ?? Response.makePart("text-start", { id }),
          Response.makePart("text-delta", { id, delta: replacement.text, metadata: replacement.metadata }),
          parts.find((part) => part.type === "text-end" && part.id === id) ?? Response.makePart("text-end", { id })
        ]
      })
    })
    return stream.pipe(
      Stream.mapEffect((part): Effect.Effect<ReadonlyArray<Response.StreamPart<Tools, Mode>>, E2, R2> => {
        switch (part.type) {
          case "text-delta":
            text += part.delta
            held.push(part)
            return Effect.succeed([])
          case "text-start":
          case "text-end":
            held.push(part)
            return Effect.succeed([])
          case "finish":
            return Effect.map(flush, (parts) => [...parts, part])
          default:
            return Effect.succeed([part])
        }
      }),
      Stream.flattenIterable,
      Stream.concat(Stream.fromIterableEffect(flush))
    )
  })
