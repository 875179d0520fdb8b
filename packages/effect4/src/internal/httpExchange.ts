/**
 * The exchange over any `HttpClient` (`effect/http/HttpClient` in Effect 4): the Effect 3 line's
 * src/internal/httpExchange.ts. What the transport does for the client (its own timeout,
 * redirects) is stated by whoever builds the layer, never found out by looking at it.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpTraceContext from "effect/http/HttpTraceContext"
import { type BodyOperation, Endpoints, type Operation } from "../contract/endpoints.js"
import type { KaizenRequestError } from "../contract/errors.js"
import type * as KaizenConfig from "../KaizenConfig.js"
import { shownUrl, timeoutError } from "./errors.js"
import type { Answer, Call, Exchange } from "./exchange.js"
import { staticHeadersOf } from "./headers.js"
import { requestText } from "./request.js"
import { bodyReadError, transportError } from "./transportFailure.js"

export interface Options {
  /** Who ends a slow attempt: the client (default), or a transport built with the same timeout, told by `isTimeout`. */
  readonly timeout?: "client" | { readonly isTimeout: (error: HttpClientError.HttpClientError) => boolean } | undefined
  /** Default true (fetch does): each request then carries `redirect: "manual"`, so the key never follows a redirect. */
  readonly followsRedirects?: boolean | undefined
  readonly poolSize?: number | undefined
}

/** The platform error holds the request, and so the key: only its cause is kept. */
const causeOf = (error: HttpClientError.HttpClientError): unknown => {
  const reason = error.reason as { readonly cause?: unknown; readonly description?: string | undefined }
  return reason.cause ?? (reason.description === undefined ? error.reason._tag : new Error(reason.description))
}

const disabled = () => true

export const make = (
  httpClient: HttpClient.HttpClient,
  config: KaizenConfig.Resolved,
  options: Options = {}
): Exchange => {
  const staticHeaders = staticHeadersOf(config)
  // Trace headers from the operation span (the caller's span is its parent), only when asked for.
  const base = config.tracePropagation
    ? HttpClient.mapRequestEffect(httpClient, (request) =>
      Effect.map(
        Effect.option(Effect.currentSpan),
        Option.match({
          onNone: () => request,
          onSome: (span) => HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(span))
        })
      ))
    : httpClient
  const client = config.transformClient ? config.transformClient(base) : base
  // No platform span (and so no trace headers from it): users see the operation span, and trace
  // context goes out only with `tracePropagation`, as in the Effect 3 line.
  const send = (request: HttpClientRequest.HttpClientRequest) =>
    Effect.provideService(client.execute(request), HttpClient.TracerDisabledWhen, disabled)
  const execute = options.followsRedirects === false
    ? send
    : (request: HttpClientRequest.HttpClientRequest) =>
      Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
        Effect.provideService(send(request), FetchHttpClient.RequestInit, {
          ...Option.getOrUndefined(init),
          redirect: "manual"
        }))
  const shownBaseUrl = shownUrl(config.baseUrl)
  const timeout = options.timeout ?? "client"
  const isTimeout = timeout === "client" ? undefined : timeout.isTimeout

  const templates = Object.fromEntries(
    Object.entries(Endpoints).map(([op, endpoint]) => [
      op,
      endpoint.method === "GET"
        ? HttpClientRequest.setHeaders(HttpClientRequest.get(config.baseUrl + endpoint.path), staticHeaders)
        : HttpClientRequest.setHeaders(HttpClientRequest.post(config.baseUrl + endpoint.path), {
          ...staticHeaders,
          "content-type": "application/json"
        })
    ])
  ) as Record<Operation, HttpClientRequest.HttpClientRequest>

  const prepare = (call: Call): Result.Result<Effect.Effect<Answer, KaizenRequestError>, KaizenRequestError> => {
    const { info } = call
    let request = templates[call.operation]
    if (call.headers !== undefined) request = HttpClientRequest.setHeaders(request, call.headers)
    request = HttpClientRequest.setHeader(request, "x-request-id", call.requestId)
    if (call.body !== undefined) {
      const text = requestText(call.operation as BodyOperation, call.body)
      if (Result.isFailure(text)) return Result.fail(text.failure)
      // The body states its own content type: Effect 4's fetch client sends the body's, not the header's.
      request = HttpClientRequest.setBody(request, HttpBody.text(text.success, "application/json"))
    }
    const url = shownBaseUrl + info.path
    const attempt = Effect.flatMap(
      Effect.mapError(
        execute(request),
        (error) =>
          isTimeout !== undefined && isTimeout(error)
            ? timeoutError(info, shownBaseUrl, "no complete response", config.timeout)
            : transportError(info, url, causeOf(error), error.reason._tag === "InvalidUrlError")
      ),
      (response) =>
        Effect.mapError(
          Effect.map(response.text, (text): Answer => ({
            status: response.status,
            headers: response.headers as Readonly<Record<string, string>>,
            body: { _tag: "Text", text }
          })),
          (error) => bodyReadError(info, response.status, causeOf(error))
        )
    )
    return Result.succeed(attempt)
  }

  return {
    enforcesTimeout: isTimeout !== undefined,
    poolSize: options.poolSize,
    // Middleware may read the span, and trace headers come from it.
    readsSpan: config.transformClient !== undefined || config.tracePropagation,
    prepare
  }
}
