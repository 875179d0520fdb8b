/**
 * The Node layer's exchange, with no `HttpClient` between it and undici (BENCHMARKS.md, "Why the machinery exists";
 * test/node/trust.test.ts): it ends each attempt at the timeout itself, follows no redirect, makes no spans.
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { Dispatcher } from "undici"
import type * as KaizenConfig from "../KaizenConfig.js"
import type { KaizenRequestError } from "../contract/errors.js"
import * as KaizenSchema from "../KaizenSchema.js"
import { shownUrl, timeoutError } from "./errors.js"
import { type Answer, type Call, type Exchange, TextAnswer } from "./exchange.js"
import { staticHeadersOf } from "./headers.js"
import { requestText } from "./request.js"
import { bodyReadError, transportError } from "./transportFailure.js"
import type { CallInfo } from "./response.js"
import { dispatch, type Limits, type Outcomes, type RawHeaders, TransportTimeout } from "./undiciDispatch.js"
import { Endpoints } from "../contract/endpoints.js"

const decoder = new TextDecoder()

/** One object per call for what its attempts come to. */
class CallOutcomes implements Outcomes<Answer, KaizenRequestError> {
  constructor(
    private readonly info: CallInfo,
    private readonly shownBaseUrl: string,
    private readonly timeout: Duration.Duration
  ) {}

  answer(status: number, raw: RawHeaders, bytes: Uint8Array, bodyError?: unknown): Effect.Effect<Answer, KaizenRequestError> {
    return bodyError === undefined
      ? Effect.succeed(new TextAnswer(status, raw as Record<string, string | ReadonlyArray<string>>, Headers.fromInput, decoder.decode(bytes)))
      : Effect.fail(bodyReadError(this.info, status, bodyError))
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
      // The request ID's place is kept in the template, so each call's copy has the same shape.
      const headers: Record<string, string> = endpoint.method === "GET"
        ? { ...staticHeaders, "x-request-id": "" }
        : { ...staticHeaders, "content-type": "application/json", "x-request-id": "" }
      return [operation, { origin: url.origin, path: url.pathname + url.search, method: endpoint.method, headers }]
    })
  ) as Record<KaizenSchema.Operation, {
    readonly origin: string
    readonly path: string
    readonly method: Dispatcher.HttpMethod
    readonly headers: Readonly<Record<string, string>>
  }>

  const prepare = (call: Call): Either.Either<Effect.Effect<Answer, KaizenRequestError>, KaizenRequestError> => {
    const { info } = call
    const target = targets[call.operation]
    let body: string | null = null
    if (call.body !== undefined) {
      const text = requestText(call.operation as KaizenSchema.BodyOperation, call.body)
      if (Either.isLeft(text)) return Either.left(text.left)
      body = text.right
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
    const outcomes = new CallOutcomes(info, shownBaseUrl, config.timeout)
    if (!config.tracePropagation) return Either.right(dispatch(dispatcher, request, outcomes, limits))
    // Trace headers from the operation span (the caller's span is its parent), per attempt.
    return Either.right(Effect.flatMap(Effect.option(Effect.currentSpan), (span) =>
      Option.isNone(span)
        ? dispatch(dispatcher, request, outcomes, limits)
        : dispatch(
          dispatcher,
          { ...request, headers: { ...headers, ...HttpTraceContext.toHeaders(span.value) } },
          outcomes,
          limits
        )))
  }

  return {
    enforcesTimeout: true,
    readsSpan: config.tracePropagation,
    poolSize: options.poolSize,
    prepare
  }
}
