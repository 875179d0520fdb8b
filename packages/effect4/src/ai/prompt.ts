/**
 * Which parts of an `effect/ai` prompt go through Kaizen, what each one weighs as the provider
 * sends it, and how a prompt is rebuilt with the compressed text in place. Pure functions: the
 * Kaizen calls, metrics and spans live in compress.ts and measure.ts.
 *
 * @internal
 */
import * as Prompt from "effect/ai/Prompt"

/**
 * Which messages' parts are candidates.
 *
 * @internal
 */
export interface Selection {
  readonly system: boolean
  readonly user: boolean
  readonly assistant: boolean
  readonly toolResults: boolean
  /** `"message"`: a user or assistant message's text parts go to Kaizen as one unit. */
  readonly granularity: "part" | "message"
}

/**
 * One piece of the prompt sent to `promptsEncode` on its own.
 *
 * - `Text`: a system message, or a text part of a user or assistant message (`part` is -1 for
 *   a system message, whose content is a plain string).
 * - `Message`: the text parts (`parts`, in order) of a user or assistant message, joined with
 *   "\n" into `text` (granularity `"message"`).
 * - `ToolResult`: the result of a tool, sent as the JSON value it is.
 *
 * @internal
 */
export type Unit =
  | { readonly _tag: "Text"; readonly message: number; readonly part: number; readonly text: string }
  | { readonly _tag: "Message"; readonly message: number; readonly parts: ReadonlyArray<number>; readonly text: string }
  | { readonly _tag: "ToolResult"; readonly message: number; readonly part: number; readonly value: unknown }

const encoder = new TextEncoder()

/**
 * Bytes of `text` in UTF-8, what a provider's request body carries.
 *
 * @internal
 */
export const utf8Length = (text: string): number => encoder.encode(text).length

/**
 * What the unit is sent to Kaizen as (`prompt`), and its weight in bytes as the provider would
 * send it. Providers serialise a tool result with `JSON.stringify` (OpenAI's
 * `function_call_output`, Anthropic's `tool_result`), so that is what a tool result weighs, and
 * a KTOF replacement is weighed the same way, escapes included.
 *
 * @internal
 */
export const payloadOf = (unit: Unit): { readonly prompt: unknown; readonly bytes: number } => {
  switch (unit._tag) {
    case "Text":
      return { prompt: unit.text, bytes: utf8Length(unit.text) }
    case "Message":
      // The provider sends the parts, not the "\n" (one byte each) that joins them for Kaizen.
      return { prompt: unit.text, bytes: utf8Length(unit.text) - (unit.parts.length - 1) }
    case "ToolResult":
      return { prompt: unit.value, bytes: utf8Length(JSON.stringify(unit.value)) }
  }
}

/**
 * The weight of the KTOF replacement, measured the way {@link payloadOf} measures the original.
 *
 * @internal
 */
export const replacementBytes = (unit: Unit, ktof: string): number =>
  unit._tag === "ToolResult" ? utf8Length(JSON.stringify(ktof)) : utf8Length(ktof)

// A tool result the provider could not serialise (undefined, a function) is not a candidate, and
// one that serialises lossily (a Date, a class) is sent to Kaizen as the provider would see it.
const jsonOf = (value: unknown): { readonly value: unknown } | undefined => {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch {
    return undefined
  }
  return text === undefined ? undefined : { value: JSON.parse(text) }
}

/**
 * The units of a prompt, in order.
 *
 * @internal
 */
export const unitsOf = (prompt: Prompt.Prompt, selection: Selection): ReadonlyArray<Unit> => {
  const units: Array<Unit> = []
  prompt.content.forEach((message, m) => {
    switch (message.role) {
      case "system":
        if (selection.system && message.content.length > 0) {
          units.push({ _tag: "Text", message: m, part: -1, text: message.content })
        }
        return
      case "user":
      case "assistant": {
        if (!selection[message.role]) return
        // Only text: files stay binary, and reasoning, tool calls and provider-executed results
        // in an assistant turn are replayed to the provider as it produced them (signatures,
        // encrypted reasoning, arguments it validates as JSON).
        const texts = message.content.flatMap((part, p) =>
          part.type === "text" && part.text.length > 0 ? [{ part: p, text: part.text }] : []
        )
        if (selection.granularity === "part") {
          texts.forEach(({ part, text }) => units.push({ _tag: "Text", message: m, part, text }))
        } else if (texts.length > 0) {
          units.push({
            _tag: "Message",
            message: m,
            parts: texts.map(({ part }) => part),
            text: texts.map(({ text }) => text).join("\n")
          })
        }
        return
      }
      case "tool":
        if (!selection.toolResults) return
        message.content.forEach((part, p) => {
          // An approval answer carries no result; a result with its own `modelOutput` (the
          // tool's rendering for the model, since effect 4.1; read untyped so 4.0 compiles) is
          // sent as that rendering, not as the JSON.
          if (part.type !== "tool-result" || (part as { readonly modelOutput?: unknown }).modelOutput !== undefined) return
          const json = jsonOf(part.result)
          if (json !== undefined) units.push({ _tag: "ToolResult", message: m, part: p, value: json.value })
        })
        return
    }
  })
  return units
}

/**
 * The messages this layer rebuilt, by the message they replaced, with the replacements that
 * made them. `effect/ai`'s `ResponseIdTracker` recognises the messages a model already sent by
 * identity; handing back the same rebuilt message for the same original and the same KTOF keeps
 * that working, so a model that sends only what follows its last answer still can.
 *
 * @internal
 */
export type Rebuilt = WeakMap<Prompt.Message, { readonly key: string; readonly message: Prompt.Message }>

/**
 * The prompt with each replaced unit's KTOF in place of its original. A `Message` unit's KTOF
 * takes the place of its first text part and its other text parts are dropped; files and any
 * other parts stay where they were. A message rebuilt before from the same original with the
 * same KTOF is the one from `rebuilt`.
 *
 * @internal
 */
export const replace = (
  prompt: Prompt.Prompt,
  replacements: ReadonlyArray<{ readonly unit: Unit; readonly ktof: string }>,
  rebuilt: Rebuilt
): Prompt.Prompt => {
  if (replacements.length === 0) return prompt
  // Per message, per part: the KTOF to put there, or `null` for a text part merged away.
  const parts = new Map<number, Map<number, string | null>>()
  for (const { ktof, unit } of replacements) {
    const byPart = parts.get(unit.message) ?? new Map<number, string | null>()
    if (unit._tag === "Message") unit.parts.forEach((p, i) => byPart.set(p, i === 0 ? ktof : null))
    else byPart.set(unit.part, ktof)
    parts.set(unit.message, byPart)
  }
  return Prompt.fromMessages(prompt.content.map((message, m) => {
    const byPart = parts.get(m)
    if (byPart === undefined) return message
    const key = JSON.stringify([...byPart].sort(([a], [b]) => a - b))
    const previous = rebuilt.get(message)
    if (previous !== undefined && previous.key === key) return previous.message
    const next = rebuild(message, byPart)
    rebuilt.set(message, { key, message: next })
    return next
  }))
}

const rebuild = (message: Prompt.Message, byPart: ReadonlyMap<number, string | null>): Prompt.Message => {
  switch (message.role) {
    case "system":
      return { ...message, content: byPart.get(-1) ?? message.content }
    case "user":
      return { ...message, content: withTexts(message.content, byPart) }
    case "assistant":
      return { ...message, content: withTexts(message.content, byPart) }
    case "tool":
      return {
        ...message,
        content: message.content.map((part, p) => {
          const ktof = byPart.get(p)
          return ktof === undefined || ktof === null || part.type !== "tool-result" ? part : { ...part, result: ktof }
        })
      }
  }
}

const withTexts = <P extends Prompt.Part>(
  content: ReadonlyArray<P>,
  byPart: ReadonlyMap<number, string | null>
): Array<P> =>
  content.flatMap((part, p) => {
    const ktof = byPart.get(p)
    if (ktof === undefined || part.type !== "text") return [part]
    return ktof === null ? [] : [{ ...part, text: ktof }]
  })
