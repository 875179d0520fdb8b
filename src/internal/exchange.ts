/**
 * The one seam between the client's behaviour (validation, retries, limits, timeouts, spans,
 * envelopes and errors: internal/client.ts) and whatever answers a request.
 *
 * An `Exchange` turns one validated call into an effect that performs one attempt and
 * succeeds with the raw answer (status, headers, body). It says of itself, explicitly, whether
 * it enforces the per-attempt timeout and whether code inside it reads the current span; the
 * client never inspects a transport to find out. Three exchanges exist: HTTP over any
 * `HttpClient` (internal/httpExchange.ts), HTTP on undici's dispatcher for the Node layer
 * (internal/undiciExchange.ts), and the embedded engine called with the value
 * (`KaizenLocal.layerClient`). Both answers are read by the same code (internal/response.ts),
 * so a status and a body give the same envelope or the same typed error whoever produced them.
 *
 * @internal
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
  /** The call's own extra headers, already validated. */
  readonly headers: Readonly<Record<string, string>> | undefined
  readonly requestId: string
}

/** What came back: a status, headers and a JSON body (as text, or as a value never shared with the caller). */
export interface Answer {
  readonly status: number
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: { readonly _tag: "Text"; readonly text: string } | { readonly _tag: "Json"; readonly value: unknown }
}

/**
 * An answer with a text body whose headers are converted on first read: a successful call
 * never reads them (only errors do, for `Retry-After`, the content type, a redirect target).
 */
export class TextAnswer<S> implements Answer {
  private converted: Readonly<Record<string, string>> | undefined = undefined
  readonly body: { readonly _tag: "Text"; readonly text: string }

  /** `convert(source)` gives the headers (lower-case names), once, if they are read. */
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
  /**
   * True when every attempt ends by itself within the configured timeout with a typed
   * `Timeout` error (a transport with its own timer), or cannot wait at all; the client then
   * adds no timer of its own. False: the client times each attempt out.
   */
  readonly enforcesTimeout: boolean
  /** True when code inside an attempt reads the current span (middleware, trace headers). */
  readonly readsSpan: boolean
  /** The requests the transport sends at once over its own connection pool, when it has one. */
  readonly poolSize?: number | undefined
  /**
   * The effect that performs one attempt of `call`, run again for each retry; or why the
   * call cannot be sent at all (nothing is sent then).
   */
  readonly prepare: (call: Call) => Either.Either<Effect.Effect<Answer, KaizenRequestError>, KaizenRequestError>
}
