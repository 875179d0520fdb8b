/**
 * Which transport failures are deterministic: the same request would fail the same way on
 * every attempt, so it must fail once, with a message that says what to change, instead of
 * being retried as a network blip. Recognised by the standard error codes Node and undici put
 * on their errors (data, like the TLS codes `KaizenError.isTransient` reads), whatever the
 * transport: kaizen-effect's own, the platform's undici or node:http clients, or fetch.
 *
 * @internal
 */
import type { RequestErrorReason } from "../contract/errors.js"

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
  for (let c = cause, depth = 0; typeof c === "object" && c !== null && depth < 5; depth++) {
    const code = (c as { code?: unknown }).code
    if (typeof code === "string" && code in byCode) return byCode[code]
    c = (c as { cause?: unknown }).cause
  }
  return undefined
}
