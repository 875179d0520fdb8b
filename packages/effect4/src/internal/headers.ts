/**
 * Header names and values as HTTP allows them, checked before sending. Copied from the Effect 3
 * line's src/internal/headers.ts with `Either` read as `Result` (Effect 4's name for it).
 */
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { version } from "../contract/version.js"
import type * as KaizenConfig from "../KaizenConfig.js"

// RFC 9110 token characters.
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
// RFC 9110 field-value: visible ASCII, space, tab, obs-text. A CR or LF would split the header.
const invalidValue = /[^\t\x20-\x7e\x80-\xff]/

/** Why `value` cannot be a header value, or `undefined`; the message never repeats the value. */
export const headerValueProblem = (value: string): string | undefined => {
  const match = invalidValue.exec(value)
  if (match === null) return undefined
  const code = match[0].codePointAt(0)!
  const what = code === 0x0a || code === 0x0d
    ? "a line break"
    : code < 0x20 || code === 0x7f
    ? `a control character (U+${code.toString(16).toUpperCase().padStart(4, "0")})`
    : `a character outside Latin-1 (U+${code.toString(16).toUpperCase().padStart(4, "0")})`
  return `contains ${what} at position ${match.index}, which HTTP headers cannot carry`
}

export const checkHeaders = (headers: Readonly<Record<string, unknown>>): Result.Result<Record<string, string>, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (!headerName.test(name)) return Result.fail(`${JSON.stringify(name)} is not a valid header name`)
    if (typeof value !== "string") return Result.fail(`header "${name}" must be a string`)
    const problem = headerValueProblem(value)
    if (problem !== undefined) return Result.fail(`the value of header "${name}" ${problem}`)
    out[name.toLowerCase()] = value
  }
  return Result.succeed(out)
}

/** `KAIZEN_HEADERS`: a JSON object, or `name=value` pairs URL-encoded as in `OTEL_EXPORTER_OTLP_HEADERS`. */
export const parseHeaders = (input: string): Result.Result<Record<string, string>, string> => {
  const text = input.trim()
  if (text === "") return Result.succeed({})
  if (text.startsWith("{")) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return Result.fail("is not valid JSON; use {\"Name\":\"value\"} or Name=value,Other=value")
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return Result.fail("must be a JSON object of header names to string values")
    }
    return checkHeaders(parsed as Record<string, unknown>)
  }
  const pairs: Record<string, string> = {}
  for (const part of text.split(",")) {
    if (part.trim() === "") continue
    const eq = part.indexOf("=")
    if (eq <= 0) return Result.fail(`"${part.trim()}" is not of the form Name=value`)
    let value: string
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim())
    } catch {
      return Result.fail(`the value of "${part.slice(0, eq).trim()}" is not valid URL encoding`)
    }
    pairs[part.slice(0, eq).trim()] = value
  }
  return checkHeaders(pairs)
}

export const staticHeadersOf = (config: KaizenConfig.Resolved): Record<string, string> => {
  const headers: Record<string, string> = {
    accept: "application/json",
    "user-agent": `kaizen-effect/${version} (effect4)`
  }
  if (Option.isSome(config.apiKey)) {
    const key = Redacted.value(config.apiKey.value)
    headers["x-api-key"] = key
    headers["authorization"] = `Bearer ${key}`
  }
  return Object.assign(headers, config.headers)
}
