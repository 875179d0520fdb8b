/**
 * The Node layer's exchange, with no `HttpClient` between it and undici: it ends each attempt at
 * the timeout itself and follows no redirect. Ported from the Effect 3 line's
 * src/internal/undiciExchange.ts.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as HttpTraceContext from "effect/http/HttpTraceContext"
import type { Dispatcher } from "undici"
import { type BodyOperation, Endpoints, type Operation } from "../contract/endpoints.js"
import type { KaizenRequestError } from "../contract/errors.js"
import type * as KaizenConfig from "../KaizenConfig.js"
import { shownUrl, timeoutError } from "./errors.js"
import type { Answer, Call, Exchange } from "./exchange.js"
import { staticHeadersOf } from "./headers.js"
import { requestText } from "./request.js"
import type { CallInfo } from "./response.js"
import { bodyReadError, transportError } from "./transportFailure.js"
import { dispatch, type Limits, type Outcomes, type RawHeaders, TransportTimeout } from "./undiciDispatch.js"

const decoder = new TextDecoder()

/** undici's headers (lower-case names, a list for a repeated one) as one string per name. */
export const flatHeaders = (raw: RawHeaders): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const name in raw) {
    const value = raw[name]
    if (value === undefined) continue
    out[name] = typeof value === "string" ? value : value.join(", ")
  }
  return out
}

/** One object per call for what its attempts come to. */
class CallOutcomes implements Outcomes<Answer, KaizenRequestError> {
  constructor(
    private readonly info: CallInfo,
    private readonly shownBaseUrl: string,
    private readonly timeout: Duration.Duration
  ) {}

  answer(status: number, raw: RawHeaders, bytes: Uint8Array, bodyError?: unknown): Effect.Effect<Answer, KaizenRequestError> {
    if (bodyError !== undefined) return Effect.fail(bodyReadError(this.info, status, bodyError))
    let headers: Record<string, string> | undefined
    return Effect.succeed({
      status,
      // Converted on first read: only errors read them (`Retry-After`, content type, redirect target).
      get headers() {
        return headers ??= flatHeaders(raw)
      },
      body: { _tag: "Text", text: decoder.decode(bytes) }
    })
  }

  failure(cause: unknown): KaizenRequestError {
    return cause instanceof TransportTimeout
      ? timeoutError(this.info, this.shownBaseUrl, "no complete response", this.timeout)
      : transportError(this.info, this.shownBaseUrl + this.info.path, cause)
  }
}

export interface Options {
  /** Larger responses fail with `InvalidResponse`, not retried. */
  readonly maxResponseBytes: number
  readonly poolSize?: number | undefined
}

export const make = (dispatcher: Dispatcher, config: KaizenConfig.Resolved, options: Options): Exchange => {
  const staticHeaders = staticHeadersOf(config)
  const shownBaseUrl = shownUrl(config.baseUrl)
  const limits: Limits = { maxBytes: options.maxResponseBytes, timeoutMillis: Duration.toMillis(config.timeout) }

  const targets = Object.fromEntries(
    Object.entries(Endpoints).map(([operation, endpoint]) => {
      const url = new URL(config.baseUrl + endpoint.path)
      const headers: Record<string, string> = endpoint.method === "GET"
        ? { ...staticHeaders, "x-request-id": "" }
        : { ...staticHeaders, "content-type": "application/json", "x-request-id": "" }
      return [operation, { origin: url.origin, path: url.pathname + url.search, method: endpoint.method, headers }]
    })
  ) as Record<Operation, {
    readonly origin: string
    readonly path: string
    readonly method: Dispatcher.HttpMethod
    readonly headers: Readonly<Record<string, string>>
  }>

  const prepare = (call: Call): Result.Result<Effect.Effect<Answer, KaizenRequestError>, KaizenRequestError> => {
    const target = targets[call.operation]
    let body: string | null = null
    if (call.body !== undefined) {
      const text = requestText(call.operation as BodyOperation, call.body)
      if (Result.isFailure(text)) return Result.fail(text.failure)
      body = text.success
    }
    const headers: Record<string, string> = { ...target.headers }
    if (call.headers !== undefined) Object.assign(headers, call.headers)
    headers["x-request-id"] = call.requestId
    const request: Dispatcher.DispatchOptions = {
      origin: target.origin,
      path: target.path,
      method: target.method,
      headers,
      body,
      // The timeout is the client's (one clock for headers and body), not undici's two.
      headersTimeout: 0,
      bodyTimeout: 0
    }
    const outcomes = new CallOutcomes(call.info, shownBaseUrl, config.timeout)
    if (!config.tracePropagation) return Result.succeed(dispatch(dispatcher, request, outcomes, limits))
    // Trace headers from the operation span (the caller's span is its parent), per attempt.
    return Result.succeed(Effect.flatMap(Effect.option(Effect.currentSpan), (span) =>
      Option.isNone(span)
        ? dispatch(dispatcher, request, outcomes, limits)
        : dispatch(dispatcher, { ...request, headers: { ...headers, ...HttpTraceContext.toHeaders(span.value) } }, outcomes, limits)))
  }

  return { enforcesTimeout: true, poolSize: options.poolSize, readsSpan: config.tracePropagation, prepare }
}
