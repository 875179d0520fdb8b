/**
 * The two ways a Kaizen call fails, as tagged errors in the error channel. Ported from the
 * Effect 3 line's src/contract/errors.ts: the same classes, tags and fields (`Data.TaggedError`
 * exists unchanged in Effect 4).
 *
 * @internal
 */
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"

/**
 * Why a request did not complete: `InvalidRequest` (refused locally, nothing sent), `InvalidUrl`,
 * `Transport` (DNS, refused or reset connection, TLS, a body cut short), `Timeout`,
 * `InvalidResponse` (larger than the limit, headers over the parser's size; not transient).
 */
export type RequestErrorReason = "InvalidRequest" | "InvalidUrl" | "Transport" | "Timeout" | "InvalidResponse"

/** The request did not complete: refused locally, or the transport failed or timed out. */
export class KaizenRequestError extends Data.TaggedError("KaizenRequestError")<{
  readonly reason: RequestErrorReason
  readonly message: string
  readonly operation?: string | undefined
  readonly method?: string | undefined
  readonly path?: string | undefined
  readonly requestId?: string | undefined
  /** The underlying failure (a transport error, a validation issue). Never holds request headers. */
  readonly cause?: unknown
}> {}

/** The API answered with a non-2xx status, or with a body that is not the expected JSON. */
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

/** Copied from the Effect 3 line (src/contract/errors.ts): the first matching `code` on `cause` or its causes, five deep. */
export const findCode = (cause: unknown, match: (code: string) => boolean): string | undefined => {
  for (let c = cause, depth = 0; typeof c === "object" && c !== null && depth < 5; depth++) {
    const code = (c as { code?: unknown }).code
    if (typeof code === "string" && match(code)) return code
    c = (c as { cause?: unknown }).cause
  }
  return undefined
}
