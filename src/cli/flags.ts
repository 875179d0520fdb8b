/**
 * The flags that map onto the API's request fields, and those of input and output, shared by
 * the subcommands that take them.
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
import type * as KaizenSchema from "../KaizenSchema.js"

const atLeast = (name: string, min: number) => (self: Options.Options<number>): Options.Options<number> =>
  Options.filterMap(
    self,
    (n) => (Number.isInteger(n) && n >= min ? Option.some(n) : Option.none()),
    `--${name} must be a whole number >= ${min}`
  )

/** `--indent N`: spaces per KTOF nesting level (the service's default is 2). */
const indent = Options.integer("indent").pipe(
  atLeast("indent", 1),
  Options.withDescription("Spaces per nesting level of the KTOF (default 2)"),
  Options.optional
)

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
    Options.filterMap(
      (name) => Option.fromNullable(delimiters[name]),
      "--delimiter must be comma (,), tab or pipe (|)"
    ),
    Options.withPseudoName("comma|tab|pipe"),
    Options.withDescription("The field delimiter of tabular arrays (default comma)"),
    Options.optional
  ),
  lengthMarker: Options.boolean("length-marker").pipe(
    Options.withDescription("Write array lengths as [#N] instead of [N]")
  )
}).pipe(Options.map(({ delimiter, indent, lengthMarker }) => ({
  ...Option.match(indent, { onNone: () => ({}), onSome: (indent) => ({ indent }) }),
  ...Option.match(delimiter, { onNone: () => ({}), onSome: (delimiter) => ({ delimiter }) }),
  ...(lengthMarker ? { length_marker: true } : {})
})))

/** Decoding options: `--indent`, `--strict` / `--no-strict`. */
export const decodeOptions: Options.Options<KaizenSchema.RequestInput<"decompress">["options"]> = Options.all({
  indent,
  // Two flags, not one boolean: left out, the service's default (strict) applies.
  strict: Options.boolean("strict").pipe(Options.withDescription("Refuse irregular KTOF (the default)")),
  noStrict: Options.boolean("no-strict").pipe(
    Options.withDescription("Accept irregular indentation, blank lines and wrong counts")
  )
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

/** `--token-model MODEL`, repeatable: count tokens for these models. */
export const tokenModels: Options.Options<Array<string>> = Options.text("token-model").pipe(
  Options.withPseudoName("model"),
  Options.withDescription("Count tokens before and after for this model (repeatable), e.g. gpt-4o-mini"),
  Options.repeated
)

const keyValues = (name: string, description: string): Options.Options<Record<string, string> | undefined> =>
  Options.keyValueMap(Options.text(name).pipe(Options.withPseudoName("key=value"))).pipe(
    Options.withDescription(description),
    Options.optional,
    Options.map(Option.match({ onNone: () => undefined, onSome: (map) => Object.fromEntries(HashMap.toEntries(map)) }))
  )

/** `--metadata key=value`, repeatable: the request's `metadata` object. */
export const metadata = keyValues("metadata", "Metadata to send with the request, echoed back (repeatable)")

/** `--replay-meta key=value`, repeatable: `prompts/decode`'s `replay_meta`. */
export const replayMeta = keyValues("replay-meta", "Keys to merge into the response's meta (repeatable)")

/** `--no-auto-detect-json`: do not look for JSON embedded in a text prompt. */
export const noAutoDetectJson: Options.Options<boolean> = Options.boolean("no-auto-detect-json").pipe(
  Options.withDescription("Do not re-encode JSON found inside a text prompt")
)

/** `--text`: send the input as a text prompt even when it parses as JSON. */
export const text: Options.Options<boolean> = Options.boolean("text").pipe(
  Options.withDescription("Send the input as a text prompt, even if it parses as JSON")
)

/** How the result is written. */
export interface OutputFlags {
  readonly json: boolean
  readonly output: Option.Option<string>
  readonly outDir: Option.Option<string>
  readonly concurrency: number
}

/** `--json`, `--output FILE`, and the batch flags `--out-dir DIR`, `--concurrency N`. */
export const output: Options.Options<OutputFlags> = Options.all({
  json: Options.boolean("json").pipe(Options.withDescription("Print the whole response envelope as JSON")),
  output: Options.text("output").pipe(
    Options.withAlias("o"),
    Options.withDescription("Write the result to this file instead of standard output"),
    Options.optional
  ),
  outDir: Options.text("out-dir").pipe(
    Options.withDescription("Batch: write one output file per input into this directory"),
    Options.optional
  ),
  concurrency: Options.integer("concurrency").pipe(
    atLeast("concurrency", 1),
    Options.withDescription("Batch: how many inputs are processed at once"),
    Options.withDefault(4)
  )
})

/** The inputs: files, directories, or `-` for standard input. */
export const inputs: Args.Args<Array<string>> = Args.text({ name: "input" }).pipe(
  Args.withDescription("A file, a directory (batch), or - for standard input"),
  Args.repeated
)
