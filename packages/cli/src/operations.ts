/**
 * The subcommands that send an input to the API, one entry each: what the input is read as,
 * which way it converts, the flags that map onto the request, and the call.
 *
 * @internal
 */
import * as Options from "@effect/cli/Options"
import type * as Arr from "effect/Array"
import type * as Effect from "effect/Effect"
import type { KaizenClient, KaizenError, KaizenSchema } from "kaizen-effect"
import * as flags from "./flags.js"
import type { Input, InputKind } from "./input.js"
import type { Direction, Envelope } from "./outcome.js"

/** One subcommand over one route. */
export interface Operation<Flags, Op extends KaizenSchema.BodyOperation = KaizenSchema.BodyOperation> {
  readonly name: string
  readonly description: string
  readonly input: InputKind
  readonly direction: Direction
  readonly flags: Options.Options<Flags>
  /** What `--help` says of {@link flags}. */
  readonly help: ReadonlyArray<flags.FlagHelp>
  /** Whether the flags ask for a prompt to be sent as text (`--text`). */
  readonly asText: (flags: Flags) => boolean
  /** The client operation it calls: a single input calls it, a batch streams to it (`KaizenBatch`). */
  readonly route: Op
  /** The request an input and the flags make. */
  readonly request: (input: Input, flags: Flags) => KaizenSchema.RequestInput<Op>
}

/** An operation whose flags type is no longer needed: what the command table holds. */
export type AnyOperation = Operation<any>

// Generic in the route, so that each entry's request is checked against its own route's type.
const operation = <Flags, Op extends KaizenSchema.BodyOperation>(op: Operation<Flags, Op>): AnyOperation => op

/**
 * Sends one input through an operation. The client's methods differ per route; the table
 * pairs each route with the request it takes, so the call is typed for any of them.
 */
export const send = <Flags>(
  kaizen: KaizenClient["Type"],
  op: Operation<Flags>,
  input: Input,
  flags: Flags
): Effect.Effect<Envelope, KaizenError.KaizenError> =>
  (kaizen[op.route] as (request: KaizenSchema.RequestInput<KaizenSchema.BodyOperation>) => Effect.Effect<
    Envelope,
    KaizenError.KaizenError
  >)(op.request(input, flags))

const valueOf = (input: Input): unknown => (input._tag === "Json" ? input.value : input.text)

const textOf = (input: Input): string => (input._tag === "Text" ? input.text : JSON.stringify(input.value))

// Fields left empty are not sent, so the service applies its own defaults.
const optionsField = <O extends object>(options: O | undefined) =>
  options === undefined || Object.keys(options).length === 0 ? {} : { options }

const tokenModelsField = (models: ReadonlyArray<string>) => (models.length === 0 ? {} : { token_models: models })

const objectField = <K extends string>(key: K, value: Record<string, string> | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, Record<string, string>>>

const never = () => false

const promptFlags = Options.all({
  options: flags.encodeOptions,
  tokenModels: flags.tokenModels,
  metadata: flags.metadata,
  noAutoDetectJson: flags.noAutoDetectJson,
  text: flags.text
})

type PromptFlags = typeof promptFlags extends Options.Options<infer A> ? A : never

const promptHelp = [...flags.encodeHelp, flags.tokenModelsHelp, flags.metadataHelp, ...flags.promptHelp]

const promptRequest = (input: Input, f: PromptFlags) => ({
  prompt: valueOf(input),
  ...optionsField(f.options),
  auto_detect_json: !f.noAutoDetectJson,
  ...objectField("metadata", f.metadata),
  ...tokenModelsField(f.tokenModels)
})

/** Every subcommand that sends an input, in the order `--help` lists them. */
export const operations: Arr.NonEmptyReadonlyArray<AnyOperation> = [
  operation({
    name: "compress",
    description: "JSON to KTOF (POST /v1/compress)",
    input: "json",
    direction: "encode",
    flags: flags.encodeOptions,
    help: flags.encodeHelp,
    asText: never,
    route: "compress",
    request: (input, options) => ({ data: valueOf(input), ...optionsField(options) })
  }),
  operation({
    name: "decompress",
    description: "KTOF back to JSON (POST /v1/decompress)",
    input: "ktof",
    direction: "decode",
    flags: flags.decodeOptions,
    help: flags.decodeHelp,
    asText: never,
    route: "decompress",
    request: (input, options) => ({ data: textOf(input), ...optionsField(options) })
  }),
  operation({
    name: "optimize",
    description: "JSON to KTOF, with token counts (POST /v1/optimize)",
    input: "json",
    direction: "encode",
    flags: Options.all({ options: flags.encodeOptions, tokenModels: flags.tokenModels }),
    help: [...flags.encodeHelp, flags.tokenModelsHelp],
    asText: never,
    route: "optimize",
    request: (input, f) => ({ data: valueOf(input), ...optionsField(f.options), ...tokenModelsField(f.tokenModels) })
  }),
  operation({
    name: "optimize-request",
    description: "A prompt (JSON, or text with embedded JSON) to KTOF (POST /v1/optimize/request)",
    input: "prompt",
    direction: "encode",
    flags: promptFlags,
    help: promptHelp,
    asText: (f) => f.text,
    route: "optimizeRequest",
    request: (input, f) => promptRequest(input, f)
  }),
  operation({
    name: "optimize-response",
    description: "A model's KTOF reply back to JSON (POST /v1/optimize/response)",
    input: "ktof",
    direction: "decode",
    flags: flags.decodeOptions,
    help: flags.decodeHelp,
    asText: never,
    route: "optimizeResponse",
    request: (input, options) => ({ ktof: textOf(input), ...optionsField(options) })
  }),
  operation({
    name: "encode",
    description: "A prompt to KTOF, with metadata (POST /v1/prompts/encode)",
    input: "prompt",
    direction: "encode",
    flags: promptFlags,
    help: promptHelp,
    asText: (f) => f.text,
    route: "promptsEncode",
    request: (input, f) => promptRequest(input, f)
  }),
  operation({
    name: "decode",
    description: "KTOF back to JSON, replaying metadata (POST /v1/prompts/decode)",
    input: "ktof",
    direction: "decode",
    flags: Options.all({ options: flags.decodeOptions, metadata: flags.metadata, replayMeta: flags.replayMeta }),
    help: [...flags.decodeHelp, flags.metadataHelp, flags.replayMetaHelp],
    asText: never,
    route: "promptsDecode",
    request: (input, f) => ({
        ktof: textOf(input),
        ...optionsField(f.options),
        ...objectField("metadata", f.metadata),
        ...objectField("replay_meta", f.replayMeta)
      })
  })
]
