/**
 * The `token_stats` block: token and byte counts of the raw JSON and of the KTOF, per model.
 *
 * Counts come from `gpt-tokenizer` (an optional peer: see {@link gptTokenizer}), exact for
 * OpenAI model names (our own table below maps a name to its encoding); any other name is
 * counted with `o200k_base` and labelled `estimated: true, encoding: "o200k_base"`.
 *
 * Special-token text such as `<|endoftext|>` in a prompt is counted as the plain text it is.
 *
 * BPE merging is quadratic in the length of one pre-tokenizer piece, and a piece is as long
 * as the run of letters, digits, spaces or punctuation it comes from: 100,000 letters without
 * a break take minutes. Runs longer than {@link RUN_LIMIT} are therefore counted in slices of
 * that size, and the model's entry says `approximate: true`; everything else is counted whole
 * and exactly, so the cost of a request stays linear in its size.
 */
import { utf8Length } from "./json/text.js"
import type { Result } from "./result.js"
import { fail, succeed } from "./result.js"

/** The BPE encodings `gpt-tokenizer` ships. */
export type EncodingName = "o200k_base" | "o200k_harmony" | "cl100k_base" | "p50k_base" | "p50k_edit" | "r50k_base"

/** The encoding used for model names the table does not know. */
export const FALLBACK_ENCODING: EncodingName = "o200k_base"

// OpenAI's model families, after tiktoken's model table. A family name matches itself and its
// dated or sized variants (`gpt-4o` matches `gpt-4o-mini-2024-07-18`, not `gpt-4`).
const table: ReadonlyArray<readonly [RegExp, EncodingName]> = [
  [
    /^(?:gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|chatgpt-4o|codex-mini|gpt-realtime|gpt-audio|computer-use-preview)(?:-.*)?$/,
    "o200k_base"
  ],
  [/^gpt-oss(?:-.*)?$/, "o200k_harmony"],
  [/^(?:gpt-4|gpt-3\.5|gpt-35|text-embedding)(?:-.*)?$/, "cl100k_base"],
  [/^(?:davinci-002|babbage-002)$/, "cl100k_base"],
  [/^(?:text-davinci-edit-001|code-davinci-edit-001)$/, "p50k_edit"],
  [/^(?:text-davinci-00[23]|code-davinci-00[12]|davinci-codex|code-cushman-00[12]|cushman-codex)$/, "p50k_base"],
  [
    /^(?:text-(?:ada|babbage|curie|davinci)-001|ada|babbage|curie|davinci|text-similarity-.+|text-search-.+|code-search-.+)$/,
    "r50k_base"
  ]
]

/** How a model name is counted. */
export interface ModelEncoding {
  readonly encoding: EncodingName
  /** Whether the encoding is the model's own (false: an `o200k_base` estimate). */
  readonly exact: boolean
}

/** The encoding for a model name; fine-tuned names (`ft:gpt-4o-mini:org::id`) use their base. */
export const encodingForModel = (model: string): ModelEncoding => {
  const name = model.trim().toLowerCase().replace(/^ft:/, "").split(":")[0]!
  for (const [pattern, encoding] of table) {
    if (pattern.test(name)) return { encoding, exact: true }
  }
  return { encoding: FALLBACK_ENCODING, exact: false }
}

/** A function that counts the tokens of a text in one encoding. */
export type Count = (text: string) => number

/** Loads the counter of an encoding; rejects when its module cannot be loaded. */
export type EncodingLoader = (encoding: EncodingName) => Promise<Count>

/** The tokenizer of an encoding could not be loaded: not installed, or a broken installation. */
export interface TokenizerUnavailable {
  readonly _tag: "TokenizerUnavailable"
  readonly encoding: EncodingName
  readonly message: string
}

// Special tokens are text here: nothing is disallowed, and none is allowed to become a control token.
const asPlainText = { disallowedSpecial: new Set<string>() }

/**
 * `gpt-tokenizer`, an optional peer dependency: each encoding's ranks are a large module,
 * imported the first time a request names a model that needs it, so an engine that never
 * counts tokens never needs the package installed.
 */
export const gptTokenizer: EncodingLoader = (encoding) => {
  switch (encoding) {
    case "o200k_base":
      return import("gpt-tokenizer/encoding/o200k_base").then((m) => (text) => m.countTokens(text, asPlainText))
    case "o200k_harmony":
      return import("gpt-tokenizer/encoding/o200k_harmony").then((m) => (text) => m.countTokens(text, asPlainText))
    case "cl100k_base":
      return import("gpt-tokenizer/encoding/cl100k_base").then((m) => (text) => m.countTokens(text, asPlainText))
    case "p50k_base":
      return import("gpt-tokenizer/encoding/p50k_base").then((m) => (text) => m.countTokens(text, asPlainText))
    case "p50k_edit":
      return import("gpt-tokenizer/encoding/p50k_edit").then((m) => (text) => m.countTokens(text, asPlainText))
    case "r50k_base":
      return import("gpt-tokenizer/encoding/r50k_base").then((m) => (text) => m.countTokens(text, asPlainText))
  }
}

/** The command that installs the tokenizer, as the error for a missing one says it. */
export const INSTALL_TOKENIZER = "npm install gpt-tokenizer"

const isMissingModule = (cause: unknown): boolean => {
  const code = (cause as { code?: unknown } | null)?.code
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return true
  return cause instanceof Error && /Cannot find (?:package|module)|Failed to (?:load|resolve)/.test(cause.message)
}

const unavailable = (encoding: EncodingName, cause: unknown): TokenizerUnavailable => ({
  _tag: "TokenizerUnavailable",
  encoding,
  message: isMissingModule(cause)
    ? `token counts need the optional package gpt-tokenizer, which is not installed; install it with \`${INSTALL_TOKENIZER}\``
    : `the ${encoding} tokenizer could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`
})

/** Counters by encoding, each loaded once. */
export interface Tokenizer {
  /** The counter of an encoding, loading it on first use. */
  readonly counter: (encoding: EncodingName) => Promise<Result<Count, TokenizerUnavailable>>
}

/** A tokenizer over `load` (default: {@link gptTokenizer}); a failed load is retried on the next request. */
export const makeTokenizer = (load: EncodingLoader = gptTokenizer): Tokenizer => {
  const loaded = new Map<EncodingName, Promise<Count>>()
  return {
    counter: (encoding) => {
      let pending = loaded.get(encoding)
      if (pending === undefined) {
        // A promise that throws synchronously (a loader's bug) is a rejection like any other.
        pending = Promise.resolve().then(() => load(encoding))
        // A failed import is not cached: the next request tries again.
        pending.catch(() => loaded.delete(encoding))
        loaded.set(encoding, pending)
      }
      return pending.then(succeed, (cause: unknown) => fail(unavailable(encoding, cause)))
    }
  }
}

/** The tokenizer every engine shares unless given its own: modules load once per process. */
export const defaultTokenizer: Tokenizer = makeTokenizer()

/** The longest run of one character class counted in one piece. */
export const RUN_LIMIT = 1000

/** A token count, and whether long runs made it approximate. */
export interface Counted {
  readonly tokens: number
  readonly approximate: boolean
}

// Letters (with their combining marks), digits, whitespace, everything else: the pre-tokenizer
// never makes a piece much longer than the run of one class it starts in.
const classRuns = /[\p{L}\p{M}]+|\p{N}+|\s+|[^\p{L}\p{M}\p{N}\s]+/gu

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff

/** Counts `text`, exactly unless it has a run longer than {@link RUN_LIMIT}. */
export const countBounded = (count: Count, text: string): Counted => {
  if (text.length <= RUN_LIMIT) return { tokens: count(text), approximate: false }
  let tokens = 0
  let approximate = false
  let from = 0
  for (const run of text.matchAll(classRuns)) {
    if (run[0].length <= RUN_LIMIT) continue
    approximate = true
    const start = run.index
    const end = start + run[0].length
    if (from < start) tokens += count(text.slice(from, start))
    for (let i = start; i < end;) {
      let stop = Math.min(i + RUN_LIMIT, end)
      // Never split a surrogate pair between two slices.
      if (stop < end && isHighSurrogate(text.charCodeAt(stop - 1))) stop--
      tokens += count(text.slice(i, stop))
      i = stop
    }
    from = end
  }
  if (from < text.length) tokens += count(text.slice(from))
  return { tokens, approximate }
}

/** One model's counts for one text. */
export interface TokenCount {
  readonly tokens: number
  readonly bytes: number
  readonly estimated?: true
  readonly encoding?: EncodingName
  readonly approximate?: true
}

/** The service's `token_stats`: the raw JSON and the KTOF, per model. */
export interface TokenStats {
  readonly raw: Record<string, TokenCount>
  readonly optimized: Record<string, TokenCount>
}

const entry = (model: ModelEncoding, counted: Counted, bytes: number): TokenCount => ({
  tokens: counted.tokens,
  bytes,
  ...(model.exact ? {} : { estimated: true, encoding: model.encoding }),
  ...(counted.approximate ? { approximate: true } : {})
})

/** Counts `raw` and `optimized` for every model named. */
export const tokenStats = async (
  models: ReadonlyArray<string>,
  raw: string,
  optimized: string,
  tokenizer: Tokenizer = defaultTokenizer
): Promise<Result<TokenStats, TokenizerUnavailable>> => {
  // Model names are the caller's: a null prototype keeps "__proto__" an ordinary key.
  const rawCounts: Record<string, TokenCount> = Object.create(null)
  const optimizedCounts: Record<string, TokenCount> = Object.create(null)
  const rawBytes = utf8Length(raw)
  const optimizedBytes = utf8Length(optimized)
  const byEncoding = new Map<EncodingName, { raw: Counted; optimized: Counted }>()
  for (const name of models) {
    const model = encodingForModel(name)
    let counts = byEncoding.get(model.encoding)
    if (counts === undefined) {
      const count = await tokenizer.counter(model.encoding)
      if (!count.ok) return count
      counts = { raw: countBounded(count.value, raw), optimized: countBounded(count.value, optimized) }
      byEncoding.set(model.encoding, counts)
    }
    rawCounts[name] = entry(model, counts.raw, rawBytes)
    optimizedCounts[name] = entry(model, counts.optimized, optimizedBytes)
  }
  return succeed({ raw: rawCounts, optimized: optimizedCounts })
}
