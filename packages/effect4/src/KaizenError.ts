/**
 * The two ways a Kaizen call fails, as a union type, and the predicates over them (the same as
 * the Effect 3 line's `KaizenError` module). The classes are exported at the package root.
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import { findCode, type KaizenAPIError, type KaizenRequestError } from "./contract/errors.js"

export type { RequestErrorReason } from "./contract/errors.js"

/**
 * Every failure of a Kaizen operation.
 *
 * @since 0.1.0
 * @category errors
 */
export type KaizenError = KaizenRequestError | KaizenAPIError

/**
 * @since 0.1.0
 * @category refinements
 */
export const isKaizenError = (u: unknown): u is KaizenError =>
  Predicate.isTagged(u, "KaizenRequestError") || Predicate.isTagged(u, "KaizenAPIError")

// Statuses worth another attempt: request timeout, conflict, rate limit and server trouble.
const transientStatuses = new Set([408, 409, 429, 500, 502, 503, 504])

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

/**
 * Whether trying the same request again may succeed: transport failures, timeouts, 408, 409,
 * 429 and 5xx gateway/service errors, or whatever the server says with `x-should-retry`.
 * Never a request refused locally, a TLS certificate that does not verify, nor 400, 401, 403,
 * 404, 413 or 422.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isTransient = (error: KaizenError): boolean => {
  if (error._tag === "KaizenRequestError") {
    if (error.reason === "Timeout") return true
    return error.reason === "Transport" && findCode(error.cause, (code) => certificateCodes.has(code)) === undefined
  }
  const hint = error.headers["x-should-retry"]
  if (hint === "true") return true
  if (hint === "false") return false
  return transientStatuses.has(error.statusCode)
}
