/** The client's own failures, built in one place so every exchange words them alike (the Effect 3 line's src/internal/errors.ts). */
import * as Duration from "effect/Duration"
import { Endpoints, type Operation } from "../contract/endpoints.js"
import { KaizenRequestError } from "../contract/errors.js"
import type { CallInfo } from "./response.js"
import { describeCause } from "./response.js"

export const invalidRequest = (operation: Operation, why: string, cause?: unknown): KaizenRequestError => {
  const endpoint = Endpoints[operation]
  return new KaizenRequestError({
    reason: "InvalidRequest",
    message: `Invalid ${operation} request (nothing was sent): ${why}`,
    operation,
    method: endpoint.method,
    path: endpoint.path,
    cause
  })
}

/** `JSON.stringify` threw on a validated request (nesting too deep for the serialiser). */
export const unserialisable = (operation: Operation, cause: unknown): KaizenRequestError =>
  invalidRequest(operation, `the payload cannot be serialised as JSON: ${describeCause(cause)}`, cause)

export const timeoutError = (info: CallInfo, shownBaseUrl: string, what: string, after: Duration.Duration) =>
  new KaizenRequestError({
    reason: "Timeout",
    message: `Kaizen request ${info.method} ${shownBaseUrl}${info.path} timed out after ${
      Duration.format(after)
    } (${what}; the request was aborted)`,
    operation: info.operation,
    method: info.method,
    path: info.path,
    requestId: info.requestId
  })

/** The base URL as it may appear in messages: without `user:password@`. */
export const shownUrl = (baseUrl: string): string => {
  try {
    const url = new URL(baseUrl)
    url.username = ""
    url.password = ""
    return url.href.replace(/\/+$/, "")
  } catch {
    return baseUrl
  }
}
