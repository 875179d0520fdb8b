/**
 * Transport failures as typed errors. A deterministic one (by the codes Node and undici set) fails once,
 * saying what to change, instead of being retried as a blip: the same request would fail the same way.
 */
import { findCode, KaizenRequestError, type RequestErrorReason } from "../contract/errors.js"
import type { CallInfo } from "./response.js"
import { describeCause } from "./response.js"

/**
 * The code of a 1xx answer: the client sends no `Expect` and no `Upgrade`, so a server sending one is
 * misbehaving the same way on every attempt. Defined here, not in the Node transport that sets it,
 * so that the core's failures module loads no undici.
 */
export const UNEXPECTED_1XX = "KAIZEN_UNEXPECTED_1XX"

export interface Deterministic {
  readonly reason: Extract<RequestErrorReason, "InvalidRequest" | "InvalidResponse">
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
  [UNEXPECTED_1XX]: {
    reason: "InvalidResponse",
    advice: "the server (or what stands between you and Kaizen) sends 1xx answers to requests that ask for none"
  },
  // A header name or value HTTP cannot carry (added by middleware after the client's checks).
  UND_ERR_INVALID_ARG: { reason: "InvalidRequest", advice: "fix the request's headers (a name or value HTTP cannot carry)" },
  ERR_INVALID_CHAR: { reason: "InvalidRequest", advice: "fix the request's headers (a value HTTP cannot carry)" },
  ERR_INVALID_HTTP_TOKEN: { reason: "InvalidRequest", advice: "fix the request's headers (a name HTTP cannot carry)" }
}

export const deterministic = (cause: unknown): Deterministic | undefined => {
  const code = findCode(cause, (code) => code in byCode)
  return code === undefined ? undefined : byCode[code]
}

/** `cause` is the transport's own error, never a request object (which would hold the key). */
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

export const transportError = (info: CallInfo, url: string, cause: unknown, invalidUrl = false): KaizenRequestError =>
  failed(info, `${url} failed`, cause, invalidUrl ? "InvalidUrl" : "Transport")

export const bodyReadError = (info: CallInfo, status: number, cause: unknown): KaizenRequestError =>
  failed(info, `${info.path} failed while reading the response body (status ${status})`, cause, "Transport")
