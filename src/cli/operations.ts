/**
 * The subcommands that send an input to the API, one entry each: what the input is read as,
 * which way it converts, the flags that map onto the request, and the call.
 *
 * @internal
 */
import * as Options from "@effect/cli/Options"
import type * as Arr from "effect/Array"
import type * as Effect from "effect/Effect"
import type { KaizenClient } from "../KaizenClient.js"
import type { KaizenError } from "../KaizenError.js"
import * as flags from "./flags.js"
import type { Input, InputKind } from "./input.js"
import type { Direction, Envelope } from "./outcome.js"

/** One subcommand over one route. */
export interface Operation<Flags> {
  readonly name: string
  readonly description: string
  readonly input: InputKind
  readonly direction: Direction
  readonly flags: Options.Options<Flags>
  /** What `--help` says of {@link flags}. */
  readonly help: ReadonlyArray<flags.FlagHelp>
  /** Whether the flags ask for a prompt to be sent as text (`--text`). */
  readonly asText: (flags: Flags) => boolean
  readonly call: (kaizen: KaizenClient["Type"], input: Input, flags: Flags) => Effect.Effect<Envelope, KaizenError>
}

/** An operation whose flags type is no longer needed: what the command table holds. */
export type AnyOperation = Operation<any>

const operation = <Flags>(op: Operation<Flags>): Operation<Flags> => op

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
    call: (kaizen, input, options) => kaizen.compress({ data: valueOf(input), ...optionsField(options) })
  }),
  operation({
    name: "decompress",
    description: "KTOF back to JSON (POST /v1/decompress)",
    input: "ktof",
    direction: "decode",
    flags: flags.decodeOptions,
    help: flags.decodeHelp,
    asText: never,
    call: (kaizen, input, options) => kaizen.decompress({ data: textOf(input), ...optionsField(options) })
  }),
  operation({
    name: "optimize",
    description: "JSON to KTOF, with token counts (POST /v1/optimize)",
    input: "json",
    direction: "encode",
    flags: Options.all({ options: flags.encodeOptions, tokenModels: flags.tokenModels }),
    help: [...flags.encodeHelp, flags.tokenModelsHelp],
    asText: never,
    call: (kaizen, input, f) =>
      kaizen.optimize({ data: valueOf(input), ...optionsField(f.options), ...tokenModelsField(f.tokenModels) })
  }),
  operation({
    name: "optimize-request",
    description: "A prompt (JSON, or text with embedded JSON) to KTOF (POST /v1/optimize/request)",
    input: "prompt",
    direction: "encode",
    flags: promptFlags,
    help: promptHelp,
    asText: (f) => f.text,
    call: (kaizen, input, f) => kaizen.optimizeRequest(promptRequest(input, f))
  }),
  operation({
    name: "optimize-response",
    description: "A model's KTOF reply back to JSON (POST /v1/optimize/response)",
    input: "ktof",
    direction: "decode",
    flags: flags.decodeOptions,
    help: flags.decodeHelp,
    asText: never,
    call: (kaizen, input, options) => kaizen.optimizeResponse({ ktof: textOf(input), ...optionsField(options) })
  }),
  operation({
    name: "encode",
    description: "A prompt to KTOF, with metadata (POST /v1/prompts/encode)",
    input: "prompt",
    direction: "encode",
    flags: promptFlags,
    help: promptHelp,
    asText: (f) => f.text,
    call: (kaizen, input, f) => kaizen.promptsEncode(promptRequest(input, f))
  }),
  operation({
    name: "decode",
    description: "KTOF back to JSON, replaying metadata (POST /v1/prompts/decode)",
    input: "ktof",
    direction: "decode",
    flags: Options.all({ options: flags.decodeOptions, metadata: flags.metadata, replayMeta: flags.replayMeta }),
    help: [...flags.decodeHelp, flags.metadataHelp, flags.replayMetaHelp],
    asText: never,
    call: (kaizen, input, f) =>
      kaizen.promptsDecode({
        ktof: textOf(input),
        ...optionsField(f.options),
        ...objectField("metadata", f.metadata),
        ...objectField("replay_meta", f.replayMeta)
      })
  })
]
