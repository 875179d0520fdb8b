/** The client's own failures, built in one place so every exchange words them alike. */
import * as Duration from "effect/Duration"
import { KaizenRequestError } from "../contract/errors.js"
import * as KaizenSchema from "../KaizenSchema.js"
import type { CallInfo } from "./response.js"
import { describeCause } from "./response.js"
import { Endpoints } from "../contract/endpoints.js"

export const invalidRequest = (operation: KaizenSchema.Operation, why: string, cause?: unknown): KaizenRequestError => {
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
export const unserialisable = (operation: KaizenSchema.Operation, cause: unknown): KaizenRequestError =>
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

/** The base URL as it may appear in messages and a cache's keys: without `user:password@`. */
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
