/**
 * The layer's options resolved once, when the layer is built: defaults applied and the fixed
 * part of every encode request prepared, so a call only reads them; and the one thing calls
 * share, the messages rebuilt with KTOF (see `Rebuilt` in prompt.ts).
 *
 * @internal
 */
import type { KaizenClient } from "../KaizenClient.js"
import type * as KaizenAi from "../KaizenAi.js"
import type * as KaizenSchema from "../KaizenSchema.js"
import type * as AiPrompt from "./prompt.js"

/**
 * Everything a call needs from the layer: the Kaizen client and the resolved options.
 *
 * @internal
 */
export interface Settings {
  readonly kaizen: KaizenClient.Service
  readonly selection: AiPrompt.Selection
  /** The first of `tokenModels`: its counts feed the span and `tokensSaved`. */
  readonly tokenModel: string | undefined
  readonly failOnKaizenError: boolean
  readonly concurrency: number
  /** Every encode request but its `prompt`. */
  readonly encodeFields: Omit<KaizenSchema.RequestInput<"promptsEncode">, "prompt">
  readonly decodeResponses: boolean
  /** The messages rebuilt with KTOF, kept for the layer's life (weakly, by the original). */
  readonly rebuilt: AiPrompt.Rebuilt
}

/**
 * Resolves the options, with their documented defaults.
 *
 * @internal
 */
export const resolve = (options: KaizenAi.Options, kaizen: Settings["kaizen"]): Settings => ({
  kaizen,
  selection: {
    system: options.include?.system ?? true,
    user: options.include?.user ?? true,
    assistant: options.include?.assistant ?? false,
    toolResults: options.include?.toolResults ?? false,
    granularity: options.granularity ?? "part"
  },
  tokenModel: options.tokenModels?.[0],
  failOnKaizenError: options.onKaizenError === "fail",
  concurrency: options.concurrency ?? 8,
  // Exact optional fields: absent, not undefined.
  encodeFields: {
    auto_detect_json: options.autoDetectJson ?? true,
    ...(options.encodeOptions === undefined ? {} : { options: options.encodeOptions }),
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    ...(options.tokenModels === undefined ? {} : { token_models: options.tokenModels })
  },
  decodeResponses: options.decodeResponse === true,
  rebuilt: new WeakMap()
})
