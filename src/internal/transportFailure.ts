/**
 * Which transport failures are deterministic: the same request would fail the same way on
 * every attempt, so it must fail once, with a message that says what to change, instead of
 * being retried as a network blip. Recognised by the standard error codes Node and undici put
 * on their errors (data, like the TLS codes `KaizenError.isTransient` reads), whatever the
 * transport: kaizen-effect's own, the platform's undici or node:http clients, or fetch. And
 * the typed errors for a request that got no answer, or whose body failed, on any transport.
 *
 * @internal
 */
import { findCode, KaizenRequestError, type RequestErrorReason } from "../contract/errors.js"
import type { CallInfo } from "./response.js"
import { describeCause } from "./response.js"

export interface Deterministic {
  readonly reason: Extract<RequestErrorReason, "InvalidRequest" | "InvalidResponse">
  /** What to change, appended to the message. */
  readonly advice: string
}

const byCode: Readonly<Record<string, Deterministic>> = {
  // undici's maxResponseSize, and kaizen-effect's Node transport's maxResponseBytes.
  UND_ERR_RES_EXCEEDED_MAX_SIZE: {
    reason: "InvalidResponse",
    advice: "the response is larger than the transport accepts; raise maxResponseBytes if such answers are expected"
  },
  UND_ERR_HEADERS_OVERFLOW: {
    reason: "InvalidResponse",
    advice: "the response headers are larger than the HTTP parser accepts; check what stands between you and Kaizen"
  },
  HPE_HEADER_OVERFLOW: {
    reason: "InvalidResponse",
    advice: "the response headers are larger than the HTTP parser accepts; check what stands between you and Kaizen"
  },
  // A header name or value HTTP cannot carry (added by middleware after the client's checks).
  UND_ERR_INVALID_ARG: { reason: "InvalidRequest", advice: "fix the request's headers (a name or value HTTP cannot carry)" },
  ERR_INVALID_CHAR: { reason: "InvalidRequest", advice: "fix the request's headers (a value HTTP cannot carry)" },
  ERR_INVALID_HTTP_TOKEN: { reason: "InvalidRequest", advice: "fix the request's headers (a name HTTP cannot carry)" }
}

/** The deterministic failure in `cause`'s chain, if it is one. */
export const deterministic = (cause: unknown): Deterministic | undefined => {
  const code = findCode(cause, (code) => code in byCode)
  return code === undefined ? undefined : byCode[code]
}

/**
 * A request that failed on its way, as the typed error: deterministic failures with their reason
 * and advice, anything else `fallback` (`Transport` is retried by the default policy). `cause` is
 * the transport's own error, never a request object (which would hold the key).
 */
const failed = (info: CallInfo, what: string, cause: unknown, fallback: RequestErrorReason): KaizenRequestError => {
  const known = deterministic(cause)
  return new KaizenRequestError({
    reason: known?.reason ?? fallback,
    message: `Kaizen request ${info.method} ${what}: ${describeCause(cause)}${known ? `; ${known.advice}` : ""}`,
    operation: info.operation,
    method: info.method,
    path: info.path,
    requestId: info.requestId,
    cause
  })
}

/** A request to `url` that got no answer. */
export const transportError = (info: CallInfo, url: string, cause: unknown, invalidUrl = false): KaizenRequestError =>
  failed(info, `${url} failed`, cause, invalidUrl ? "InvalidUrl" : "Transport")

/** An answer whose body failed after its headers arrived. */
export const bodyReadError = (info: CallInfo, status: number, cause: unknown): KaizenRequestError =>
  failed(info, `${info.path} failed while reading the response body (status ${status})`, cause, "Transport")
