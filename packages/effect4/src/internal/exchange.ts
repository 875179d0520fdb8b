/**
 * The seam between the client's behaviour (client.ts) and whatever answers (the Effect 3 line's
 * src/internal/exchange.ts). An exchange states as data whether it enforces the timeout itself.
 */
import type * as Effect from "effect/Effect"
import type * as Result from "effect/Result"
import type { Operation } from "../contract/endpoints.js"
import type { KaizenRequestError } from "../contract/errors.js"
import type { CallInfo } from "./response.js"

/** One logical call, fixed before its first attempt; every retry sends the same. */
export interface Call {
  readonly operation: Operation
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

export interface Exchange {
  /** True when every attempt ends by itself at the timeout with a typed `Timeout` (or cannot wait): no client timer. */
  readonly enforcesTimeout: boolean
  readonly poolSize?: number | undefined
  /**
   * True when an attempt reads the current span (trace headers, `transformClient` middleware), so
   * the operation span is made and made its parent even with no tracer installed. Unsaid, it is
   * taken as true: an exchange that never said so keeps its span.
   */
  readonly readsSpan?: boolean | undefined
  /** One attempt's effect, run again for each retry; or why nothing can be sent. */
  readonly prepare: (call: Call) => Result.Result<Effect.Effect<Answer, KaizenRequestError>, KaizenRequestError>
}
