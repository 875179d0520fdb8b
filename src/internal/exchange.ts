/**
 * The seam between the client's behaviour (client.ts) and whatever answers. An exchange states as data
 * whether it enforces the timeout and reads the span: the client never inspects a transport to find out.
 */
import type * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import type { KaizenRequestError } from "../contract/errors.js"
import type * as KaizenSchema from "../KaizenSchema.js"
import type { CallInfo } from "./response.js"

/** One logical call, fixed before its first attempt; every retry sends the same. */
export interface Call {
  readonly operation: KaizenSchema.Operation
  readonly info: CallInfo
  /** The request as validated (defaults filled in); `undefined` for the health check. */
  readonly body: unknown
  readonly headers: Readonly<Record<string, string>> | undefined
  readonly requestId: string
}

/** Lower-case header names; a `Json` body is a value never shared with the caller. */
export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: { readonly _tag: "Text"; readonly text: string } | { readonly _tag: "Json"; readonly value: unknown }
}

/** Headers converted on first read: only errors read them (`Retry-After`, content type, redirect target). */
export class TextAnswer<S> implements Answer {
  private converted: Readonly<Record<string, string>> | undefined = undefined
  readonly body: { readonly _tag: "Text"; readonly text: string }

  constructor(
    readonly status: number,
    private readonly source: S,
    private readonly convert: (source: S) => Readonly<Record<string, string>>,
    text: string
  ) {
    this.body = { _tag: "Text", text }
  }

  get headers(): Readonly<Record<string, string>> {
    return this.converted ??= this.convert(this.source)
  }
}

export interface Exchange {
  /** True when every attempt ends by itself at the timeout with a typed `Timeout` (or cannot wait): no client timer. */
  readonly enforcesTimeout: boolean
  readonly readsSpan: boolean
  readonly poolSize?: number | undefined
  /** One attempt's effect, run again for each retry; or why nothing can be sent. */
  readonly prepare: (call: Call) => Either.Either<Effect.Effect<Answer, KaizenRequestError>, KaizenRequestError>
}
