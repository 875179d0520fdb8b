/**
 * Reads every exchange's answers: the same status and body give the same envelope or typed
 * error, never a defect. Ported from the Effect 3 line's src/internal/response.ts (the pure
 * helpers copied; Schema errors formatted with Effect 4's standard-schema formatter).
 */
import { formatPath } from "@kaizen-effect/engine/json"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import type * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { KaizenAPIError } from "../contract/errors.js"
import { normalizeEnvelope } from "../contract/normalize.js"
import type { ResponseInfo } from "../KaizenClient.js"
import type { Answer } from "./exchange.js"

export interface CallInfo {
  readonly operation: string
  readonly method: string
  readonly path: string
  readonly requestId: string | undefined
}

const sensitiveHeaders = new Set(["authorization", "proxy-authorization", "x-api-key", "cookie", "set-cookie"])

/** Response headers as a plain record, with anything that could carry a credential redacted. */
export const redactHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const name in headers) out[name] = sensitiveHeaders.has(name) ? "<redacted>" : headers[name]!
  return out
}

/** `retry-after-ms` (non-standard, sent by some gateways), else `Retry-After` as seconds or an HTTP date. */
export const parseRetryAfter = (
  headers: Readonly<Record<string, string>>,
  nowMillis: number
): Duration.Duration | undefined => {
  const ms = headers["retry-after-ms"]
  if (ms !== undefined && ms.trim() !== "") {
    const n = Number(ms)
    if (Number.isFinite(n) && n >= 0) return Duration.millis(n)
  }
  const value = headers["retry-after"]?.trim()
  if (value === undefined || value === "") return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Duration.millis(Math.round(Number(value) * 1000))
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Duration.millis(Math.max(0, date - nowMillis))
}

const snippet = (text: string, max = 200): string => {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]
  const plain = (title ?? text.replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim()
  return plain.length > max ? `${plain.slice(0, max)}…` : plain
}

export const formatDetail = (detail: unknown): string | undefined => {
  if (typeof detail === "string") return detail
  if (Array.isArray(detail)) {
    const parts = detail.map((item) => {
      if (typeof item !== "object" || item === null) return String(item)
      const { loc, msg } = item as { loc?: unknown; msg?: unknown }
      // FastAPI prefixes body fields with "body"; the caller thinks in terms of their own payload.
      const path = Array.isArray(loc) ? formatPath(loc.filter((p, i) => !(i === 0 && p === "body"))) : ""
      const message = typeof msg === "string" ? msg : JSON.stringify(item)
      return path === "" ? message : `${path}: ${message}`
    })
    return parts.join("; ")
  }
  if (detail === undefined || detail === null) return undefined
  return JSON.stringify(detail)
}

const summarize = (payload: unknown, contentType: string | undefined, size: number): string => {
  if (typeof payload === "object" && payload !== null && !Array.isArray(payload)) {
    const body = payload as Record<string, unknown>
    const detail = formatDetail(body.detail)
    if (detail !== undefined) return detail
    for (const key of ["message", "error", "title"]) {
      if (typeof body[key] === "string") return body[key] as string
    }
    return snippet(JSON.stringify(payload))
  }
  if (typeof payload === "string") {
    if (payload.trim() === "") return "empty body"
    return `${contentType ?? "unknown content type"} body (${size} bytes): ${snippet(payload)}`
  }
  return snippet(JSON.stringify(payload))
}

const parseJson = (text: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).byteLength

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

export const apiError = (
  info: CallInfo,
  status: number,
  headers: Readonly<Record<string, string>>,
  text: string,
  message?: string,
  cause?: unknown
): Effect.Effect<KaizenAPIError> =>
  Effect.map(Clock.currentTimeMillis, (now) => {
    const parsed = parseJson(text)
    const payload = parsed.ok ? parsed.value : text
    const body = isObject(payload) ? payload : undefined
    const requestId = typeof body?.request_id === "string"
      ? body.request_id
      : headers["x-request-id"] ?? info.requestId
    const summary = message ?? summarize(payload, headers["content-type"], utf8Bytes(text))
    return new KaizenAPIError({
      statusCode: status,
      message: `Kaizen API error ${status} on ${info.method} ${info.path}: ${summary}`,
      operation: info.operation,
      method: info.method,
      path: info.path,
      payload,
      headers: redactHeaders(headers),
      detail: body?.detail,
      requestId,
      retryAfter: parseRetryAfter(headers, now),
      cause
    })
  })

const fail = (error: Effect.Effect<KaizenAPIError>) => Effect.flatMap(error, Effect.fail)

/** A redirect is never followed (the key would go along). Status 0: a browser's fetch hiding a redirect. */
const redirectMessage = (status: number, headers: Readonly<Record<string, string>>): string | undefined => {
  if (status === 0) {
    return "the server answered with a redirect, which the client does not follow (so the key is sent nowhere else); point baseUrl at the Kaizen API itself"
  }
  if (status < 300 || status >= 400) return undefined
  const location = headers["location"]
  let target = "no Location given"
  if (location !== undefined) {
    try {
      target = `a redirect to ${new URL(location).origin}`
    } catch {
      target = "a redirect on the same origin"
    }
  }
  return `the server answered with ${target}, which the client does not follow (so the key is sent nowhere else); point baseUrl at the Kaizen API itself`
}

const textOf = (answer: Answer): string =>
  answer.body._tag === "Text" ? answer.body.text : JSON.stringify(answer.body.value)

// Beside the envelope, not in it: `JSON.stringify(response)` stays what the server sent.
const withRequestId = <A>(value: A, requestId: string): A & ResponseInfo =>
  Object.defineProperty(value as A & object, "requestId", { value: requestId, enumerable: false }) as A & ResponseInfo

export type Decoder<A> = (body: Record<string, unknown>) => Result.Result<A, Schema.SchemaError>

/** A 2xx whose body decodes is read without an Effect step; only failures need the clock (`Retry-After`). */
export const readAnswer = <A>(
  info: CallInfo,
  answer: Answer,
  decode: Decoder<A>,
  requestId: string
): Effect.Effect<A & ResponseInfo, KaizenAPIError> => {
  const { status } = answer
  if (status < 200 || status >= 300) {
    return fail(apiError(info, status, answer.headers, textOf(answer), redirectMessage(status, answer.headers)))
  }
  let value: unknown
  if (answer.body._tag === "Json") {
    value = answer.body.value
  } else {
    const text = answer.body.text
    const parsed = parseJson(text)
    if (!parsed.ok) {
      const what = text.trim() === "" ? "the body is empty" : "the body is not JSON"
      return fail(apiError(
        info,
        status,
        answer.headers,
        text,
        `malformed response: ${what} (${summarize(text, answer.headers["content-type"], utf8Bytes(text))})`
      ))
    }
    value = parsed.value
  }
  if (!isObject(value)) {
    const kind = Array.isArray(value) ? "an array" : value === null ? "null" : typeof value
    return fail(apiError(info, status, answer.headers, textOf(answer), `malformed response: expected a JSON object, got ${kind}`))
  }
  const decoded = decode(normalizeEnvelope(value))
  return Result.isSuccess(decoded)
    ? Effect.succeed(withRequestId(decoded.success, requestId))
    : fail(apiError(
      info,
      status,
      answer.headers,
      JSON.stringify(value),
      `malformed response: ${formatSchemaError(decoded.failure)}`,
      decoded.failure
    ))
}

const standard = SchemaIssue.makeFormatterStandardSchemaV1()

/** Every issue as `path: message`, joined with `; ` (the Effect 3 line's ArrayFormatter wording). */
export const formatSchemaError = (error: Schema.SchemaError): string =>
  standard(error.issue).issues
    .map((issue) => {
      const path = (issue.path ?? []).map((p) => (typeof p === "object" && p !== null ? (p as { key: PropertyKey }).key : p))
      return path.length === 0 ? issue.message : `${formatPath(path)}: ${issue.message}`
    })
    .join("; ")

export const describeCause = (cause: unknown): string => {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code
    const inner = (cause as { cause?: unknown }).cause
    const base = cause.message || cause.name
    const withCode = typeof code === "string" && !base.includes(code) ? `${base} (${code})` : base
    return inner instanceof Error && inner !== cause ? `${withCode}: ${describeCause(inner)}` : withCode
  }
  return String(cause)
}
