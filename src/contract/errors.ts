/**
 * The two ways a Kaizen call fails, as tagged errors in the error channel: part of the
 * contract, shared by the client and anything that answers for the service. Exported once, at
 * the package root (`KaizenRequestError`, `KaizenAPIError`).
 *
 * @internal
 */
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"

/**
 * Why a request did not complete.
 *
 * - `InvalidRequest`: refused locally before sending (nothing went on the wire).
 * - `InvalidUrl`: the URL could not be built.
 * - `Transport`: DNS, connection refused or reset, TLS, a body cut short.
 * - `Timeout`: no complete answer within the per-attempt timeout or the overall deadline.
 * - `InvalidResponse`: an answer the client will not accept however often it asks: a body
 *   over the response size limit, headers larger than the HTTP parser takes. Not transient.
 *
 * @example
 * import type { KaizenError } from "kaizen-effect"
 * const reason: KaizenError.RequestErrorReason = "Timeout"
 */
export type RequestErrorReason = "InvalidRequest" | "InvalidUrl" | "Transport" | "Timeout" | "InvalidResponse"

/**
 * The request did not complete: refused locally, or the transport failed or timed out.
 *
 * @example
 * import { Effect } from "effect"
 * import { KaizenClient, KaizenRequestError } from "kaizen-effect"
 *
 * const program = Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress({ data: { a: 1 } })).pipe(
 *   Effect.catchTag("KaizenRequestError", (e: KaizenRequestError) => Effect.succeed(`not sent: ${e.reason}`))
 * )
 */
export class KaizenRequestError extends Data.TaggedError("KaizenRequestError")<{
  readonly reason: RequestErrorReason
  readonly message: string
  /** The operation, e.g. `"compress"`. */
  readonly operation?: string | undefined
  readonly method?: string | undefined
  /** The URL path, e.g. `/v1/compress`. */
  readonly path?: string | undefined
  /** The `X-Request-ID` the request was sent with, when it was sent. */
  readonly requestId?: string | undefined
  /** The underlying failure (a transport error, a parse issue). Never holds request headers. */
  readonly cause?: unknown
}> {}

/**
 * The API answered with a non-2xx status, or with a body that is not the expected JSON.
 *
 * @example
 * import { Effect } from "effect"
 * import { KaizenClient } from "kaizen-effect"
 *
 * const program = Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress({ data: { a: 1 } })).pipe(
 *   Effect.catchTag("KaizenAPIError", (e) =>
 *     e.statusCode === 413 ? Effect.succeed("too large for the plan") : Effect.fail(e)
 *   )
 * )
 */
export class KaizenAPIError extends Data.TaggedError("KaizenAPIError")<{
  readonly statusCode: number
  readonly message: string
  readonly operation?: string | undefined
  readonly method: string
  readonly path: string
  /** The parsed JSON body, or the raw text when it is not JSON. */
  readonly payload: unknown
  /** Response headers, with credentials and cookies redacted. */
  readonly headers: Readonly<Record<string, string>>
  /** The body's `detail`: a string, or FastAPI's 422 list. */
  readonly detail?: unknown
  readonly requestId?: string | undefined
  /** How long the server asked to wait (`retry-after-ms` or `Retry-After`). */
  readonly retryAfter?: Duration.Duration | undefined
  readonly cause?: unknown
}> {}

/**
 * The first `code` on `cause` or its own `cause`s (five deep) that `match` accepts: Node, undici
 * and fetch put the reason's code on an error or on the one it wraps.
 */
export const findCode = (cause: unknown, match: (code: string) => boolean): string | undefined => {
  for (let c = cause, depth = 0; typeof c === "object" && c !== null && depth < 5; depth++) {
    const code = (c as { code?: unknown }).code
    if (typeof code === "string" && match(code)) return code
    c = (c as { cause?: unknown }).cause
  }
  return undefined
}
