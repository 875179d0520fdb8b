/**
 * The flags that map onto the API's request fields, and those of input and output, shared by
 * the subcommands that take them. Each group comes with the lines `--help` shows for it
 * (`help.ts` prints them; `@effect/cli`'s own help is not used).
 *
 * @internal
 */
import * as Args from "@effect/cli/Args"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import type { KaizenSchema } from "kaizen-effect"

/** A flag as `--help` lists it: `--indent N` and what it does. */
export interface FlagHelp {
  readonly flag: string
  readonly description: string
  /** Whether it may be given more than once (any other flag given twice is refused). */
  readonly repeatable?: true
}

/** Refuses a number that is not a whole number of at least `min`. */
export const atLeast = (name: string, min: number) => (self: Options.Options<number>): Options.Options<number> =>
  Options.filterMap(
    self,
    (n) => (Number.isInteger(n) && n >= min ? Option.some(n) : Option.none()),
    `--${name} must be a whole number >= ${min}`
  )

/** `--indent N`: spaces per KTOF nesting level (the service's default is 2). */
const indent = Options.integer("indent").pipe(atLeast("indent", 1), Options.withPseudoName("N"), Options.optional)

const indentHelp: FlagHelp = { flag: "--indent N", description: "spaces per nesting level of the KTOF (default 2)" }

// The service's three delimiters, by name or as themselves (a tab is awkward to type).
const delimiters: Readonly<Record<string, "," | "\t" | "|">> = {
  ",": ",",
  comma: ",",
  "|": "|",
  pipe: "|",
  tab: "\t",
  "\t": "\t"
}

/** Encoding options: `--indent`, `--delimiter`, `--length-marker`. */
export const encodeOptions: Options.Options<KaizenSchema.RequestInput<"compress">["options"]> = Options.all({
  indent,
  delimiter: Options.text("delimiter").pipe(
    Options.filterMap((name) => Option.fromNullable(delimiters[name]), "--delimiter must be comma (,), tab or pipe (|)"),
    Options.withPseudoName("comma|tab|pipe"),
    Options.optional
  ),
  lengthMarker: Options.boolean("length-marker")
}).pipe(Options.map(({ delimiter, indent, lengthMarker }) => ({
  ...Option.match(indent, { onNone: () => ({}), onSome: (indent) => ({ indent }) }),
  ...Option.match(delimiter, { onNone: () => ({}), onSome: (delimiter) => ({ delimiter }) }),
  ...(lengthMarker ? { length_marker: true } : {})
})))

/** The help lines of {@link encodeOptions}. */
export const encodeHelp: ReadonlyArray<FlagHelp> = [
  indentHelp,
  { flag: "--delimiter comma|tab|pipe", description: "the field delimiter of tabular arrays (default comma)" },
  { flag: "--length-marker", description: "write array lengths as [#N] instead of [N]" }
]

/** Decoding options: `--indent`, `--strict` / `--no-strict`. */
export const decodeOptions: Options.Options<KaizenSchema.RequestInput<"decompress">["options"]> = Options.all({
  indent,
  // Two flags, not one boolean: left out, the service's default (strict) applies.
  strict: Options.boolean("strict"),
  noStrict: Options.boolean("no-strict")
}).pipe(
  Options.mapEffect(({ indent, noStrict, strict }) =>
    strict && noStrict
      ? Effect.fail(ValidationError.invalidValue(HelpDoc.p("--strict and --no-strict contradict each other; pass one")))
      : Effect.succeed({
        ...Option.match(indent, { onNone: () => ({}), onSome: (indent) => ({ indent }) }),
        ...(strict ? { strict: true } : noStrict ? { strict: false } : {})
      })
  )
)

/** The help lines of {@link decodeOptions}. */
export const decodeHelp: ReadonlyArray<FlagHelp> = [
  indentHelp,
  { flag: "--strict", description: "refuse irregular KTOF (the service's default)" },
  { flag: "--no-strict", description: "accept irregular indentation, blank lines and wrong counts" }
]

/** `--token-model MODEL`, repeatable: count tokens for these models. */
export const tokenModels: Options.Options<Array<string>> = Options.text("token-model").pipe(
  Options.withPseudoName("MODEL"),
  Options.repeated
)

/** The help line of {@link tokenModels}. */
export const tokenModelsHelp: FlagHelp = {
  flag: "--token-model MODEL",
  description: "count tokens before and after for this model, e.g. gpt-4o-mini (repeatable)",
  repeatable: true
}

const keyValues = (name: string): Options.Options<Record<string, string> | undefined> =>
  Options.keyValueMap(Options.text(name).pipe(Options.withPseudoName("KEY=VALUE"))).pipe(
    Options.optional,
    Options.map(Option.match({ onNone: () => undefined, onSome: (map) => Object.fromEntries(HashMap.toEntries(map)) }))
  )

/** `--metadata key=value`, repeatable: the request's `metadata` object. */
export const metadata = keyValues("metadata")

/** The help line of {@link metadata}. */
export const metadataHelp: FlagHelp = {
  flag: "--metadata KEY=VALUE",
  description: "metadata to send with the request, echoed back (repeatable)",
  repeatable: true
}

/** `--replay-meta key=value`, repeatable: `prompts/decode`'s `replay_meta`. */
export const replayMeta = keyValues("replay-meta")

/** The help line of {@link replayMeta}. */
export const replayMetaHelp: FlagHelp = {
  flag: "--replay-meta KEY=VALUE",
  description: "keys to merge into the response's meta (repeatable)",
  repeatable: true
}

/** `--no-auto-detect-json`: do not look for JSON embedded in a text prompt. */
export const noAutoDetectJson: Options.Options<boolean> = Options.boolean("no-auto-detect-json")

/** `--text`: send the input as a text prompt even when it parses as JSON. */
export const text: Options.Options<boolean> = Options.boolean("text")

/** The help lines of {@link noAutoDetectJson} and {@link text}. */
export const promptHelp: ReadonlyArray<FlagHelp> = [
  { flag: "--no-auto-detect-json", description: "do not re-encode JSON found inside a text prompt" },
  { flag: "--text", description: "send the input as a text prompt, even if it parses as JSON" }
]

/** How the result is written. */
export interface OutputFlags {
  readonly json: boolean
  readonly output: Option.Option<string>
  readonly outDir: Option.Option<string>
  readonly concurrency: number
}

/** How many inputs a batch processes at once unless told. */
export const DEFAULT_CONCURRENCY = 4

/** `--json`, `--output FILE`, and the batch flags `--out-dir DIR`, `--concurrency N`. */
export const output: Options.Options<OutputFlags> = Options.all({
  json: Options.boolean("json"),
  output: Options.text("output").pipe(Options.withAlias("o"), Options.withPseudoName("FILE"), Options.optional),
  outDir: Options.text("out-dir").pipe(Options.withPseudoName("DIR"), Options.optional),
  concurrency: Options.integer("concurrency").pipe(
    atLeast("concurrency", 1),
    Options.withPseudoName("N"),
    Options.withDefault(DEFAULT_CONCURRENCY)
  )
})

/** The help lines of {@link output}. */
export const outputHelp: ReadonlyArray<FlagHelp> = [
  { flag: "--json", description: "print the whole response envelope as JSON instead of the result" },
  { flag: "-o, --output FILE", description: "write the result to FILE instead of standard output" },
  { flag: "--out-dir DIR", description: "batch: write one output file per input into DIR" },
  { flag: "--concurrency N", description: `batch: how many inputs are processed at once (default ${DEFAULT_CONCURRENCY})` }
]

/** The inputs: files, directories, or `-` for standard input. */
export const inputs: Args.Args<Array<string>> = Args.text({ name: "file" }).pipe(Args.repeated)
