/**
 * Transport failures as typed errors (the Effect 3 line's src/internal/transportFailure.ts,
 * copied: no Effect in it). A deterministic one (by the codes Node and undici set) is not
 * transient, and says what to change.
 */
import { findCode, KaizenRequestError, type RequestErrorReason } from "../contract/errors.js"
import type { CallInfo } from "./response.js"
import { describeCause } from "./response.js"

export interface Deterministic {
  readonly reason: Extract<RequestErrorReason, "InvalidRequest" | "InvalidResponse">
  readonly advice: string
}

const headersTooLarge: Deterministic = {
  reason: "InvalidResponse",
  advice: "the response headers are larger than the HTTP parser accepts; check what stands between you and Kaizen"
}

const byCode: Readonly<Record<string, Deterministic>> = {
  UND_ERR_RES_EXCEEDED_MAX_SIZE: {
    reason: "InvalidResponse",
    advice: "the response is larger than the transport accepts; raise maxResponseBytes if such answers are expected"
  },
  UND_ERR_HEADERS_OVERFLOW: headersTooLarge,
  HPE_HEADER_OVERFLOW: headersTooLarge,
  UND_ERR_INVALID_ARG: { reason: "InvalidRequest", advice: "fix the request's headers (a name or value HTTP cannot carry)" },
  ERR_INVALID_CHAR: { reason: "InvalidRequest", advice: "fix the request's headers (a value HTTP cannot carry)" },
  ERR_INVALID_HTTP_TOKEN: { reason: "InvalidRequest", advice: "fix the request's headers (a name HTTP cannot carry)" }
}

export const deterministic = (cause: unknown): Deterministic | undefined => {
  const code = findCode(cause, (code) => code in byCode)
  return code === undefined ? undefined : byCode[code]
}

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
