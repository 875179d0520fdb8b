/**
 * The two ways a Kaizen call fails, as tagged errors in the error channel.
 *
 * - {@link KaizenRequestError}: the request did not complete (refused locally, DNS, refused or
 *   reset connection, TLS, timeout).
 * - {@link KaizenAPIError}: the API answered, with a non-2xx status or a body that is not the
 *   expected JSON.
 *
 * Both carry what a retry policy needs (`isTransient`, `retryAfter`, `requestId`) and neither
 * ever holds the API key.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"

/**
 * Why a request did not complete.
 *
 * - `InvalidRequest`: refused locally before sending (nothing went on the wire).
 * - `InvalidUrl`: the URL could not be built.
 * - `Transport`: DNS, connection refused or reset, TLS, a body cut short.
 * - `Timeout`: no complete answer within the per-attempt timeout or the overall deadline.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenError } from "kaizen-effect"
 * const reason: KaizenError.RequestErrorReason = "Timeout"
 */
export type RequestErrorReason = "InvalidRequest" | "InvalidUrl" | "Transport" | "Timeout"

/**
 * The request did not complete: refused locally, or the transport failed or timed out.
 *
 * @since 0.1.0
 * @category errors
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
 * @since 0.1.0
 * @category errors
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
 * Every failure of a Kaizen operation.
 *
 * @since 0.1.0
 * @category errors
 * @example
 * import { Effect } from "effect"
 * import type { KaizenError } from "kaizen-effect"
 * const describe = (e: KaizenError.KaizenError) => e._tag === "KaizenAPIError" ? e.statusCode : e.reason
 */
export type KaizenError = KaizenRequestError | KaizenAPIError

/**
 * @since 0.1.0
 * @category refinements
 * @example
 * import { KaizenError } from "kaizen-effect"
 * KaizenError.isKaizenError(new Error("x")) // false
 */
export const isKaizenError = (u: unknown): u is KaizenError =>
  Predicate.isTagged(u, "KaizenRequestError") || Predicate.isTagged(u, "KaizenAPIError")

/**
 * Statuses worth another attempt: request timeout, conflict, rate limit and server trouble.
 *
 * @since 0.1.0
 * @category predicates
 * @example
 * import { KaizenError } from "kaizen-effect"
 * KaizenError.transientStatuses.has(429) // true
 */
export const transientStatuses: ReadonlySet<number> = new Set([408, 409, 429, 500, 502, 503, 504])

// TLS verification failures: the same certificate will fail the same way on every attempt.
const certificateCodes = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID"
])

const isCertificateFailure = (cause: unknown): boolean => {
  for (let c = cause, depth = 0; typeof c === "object" && c !== null && depth < 5; depth++) {
    const code = (c as { code?: unknown }).code
    if (typeof code === "string" && certificateCodes.has(code)) return true
    c = (c as { cause?: unknown }).cause
  }
  return false
}

/**
 * Whether trying the same request again may succeed: transport failures, timeouts, 408, 409,
 * 429 and 5xx gateway/service errors, or whatever the server says with `x-should-retry`.
 * Never a request refused locally, a TLS certificate that does not verify, nor 400, 401, 403,
 * 404, 413 or 422.
 *
 * @since 0.1.0
 * @category predicates
 * @example
 * import { Effect } from "effect"
 * import { KaizenError } from "kaizen-effect"
 * const retryTransient = <A, R>(self: Effect.Effect<A, KaizenError.KaizenError, R>) =>
 *   Effect.retry(self, { times: 2, while: KaizenError.isTransient })
 */
export const isTransient = (error: KaizenError): boolean => {
  if (error._tag === "KaizenRequestError") {
    if (error.reason === "Timeout") return true
    return error.reason === "Transport" && !isCertificateFailure(error.cause)
  }
  const hint = error.headers["x-should-retry"]
  if (hint === "true") return true
  if (hint === "false") return false
  return transientStatuses.has(error.statusCode)
}
