/**
 * The exchange over any `HttpClient`. What the transport does for the client (its own timeout, redirects,
 * platform spans) is stated by whoever builds the layer, never found out by looking at the transport.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import type * as KaizenConfig from "../KaizenConfig.js"
import { KaizenRequestError } from "../contract/errors.js"
import * as KaizenSchema from "../KaizenSchema.js"
import { shownUrl, timeoutError } from "./errors.js"
import { type Answer, type Call, type Exchange, TextAnswer } from "./exchange.js"
import { requestText } from "./request.js"
import { staticHeadersOf } from "./headers.js"
import { bodyReadError, transportError } from "./transportFailure.js"
import { Endpoints } from "../contract/endpoints.js"

export interface Options {
  /** Who ends a slow attempt: the client (default), or a transport built with the same timeout, told by `isTimeout`. */
  readonly timeout?: "client" | { readonly isTimeout: (error: HttpClientError.HttpClientError) => boolean } | undefined
  /** Default true (fetch does): each request then carries `redirect: "manual"`, so the key never follows a redirect. */
  readonly followsRedirects?: boolean | undefined
  /** Default true, and then turned off: users see the operation span. False (none made) spares a FiberRef per call. */
  readonly platformSpans?: boolean | undefined
  readonly poolSize?: number | undefined
}

const headersOf = (response: HttpClientResponse.HttpClientResponse) => response.headers

export const make = (
  httpClient: HttpClient.HttpClient,
  config: KaizenConfig.Resolved,
  options: Options = {}
): Exchange => {
  const staticHeaders = staticHeadersOf(config)

  const withoutPlatformSpans = options.platformSpans === false
    ? identity<HttpClient.HttpClient>
    : HttpClient.withTracerDisabledWhen(() => true)
  // Trace headers come from the operation span: with its span disabled the platform adds none.
  const base = withoutPlatformSpans(httpClient).pipe(
    config.tracePropagation
      ? HttpClient.mapRequestEffect((request) =>
        Effect.map(
          Effect.option(Effect.currentSpan),
          Option.match({
            onNone: () => request,
            onSome: (span) => HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(span))
          })
        )
      )
      : identity
  )
  const client = config.transformClient ? config.transformClient(base) : base
  const execute = options.followsRedirects === false
    ? (request: HttpClientRequest.HttpClientRequest) => client.execute(request)
    : (request: HttpClientRequest.HttpClientRequest) =>
      Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
        Effect.provideService(client.execute(request), FetchHttpClient.RequestInit, {
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
  ) as Record<KaizenSchema.Operation, HttpClientRequest.HttpClientRequest>

  const prepare = (call: Call): Either.Either<Effect.Effect<Answer, KaizenRequestError>, KaizenRequestError> => {
    const { info } = call
    let request = templates[call.operation]
    if (call.headers !== undefined) request = HttpClientRequest.setHeaders(request, call.headers)
    request = HttpClientRequest.setHeader(request, "x-request-id", call.requestId)
    if (call.body !== undefined) {
      const text = requestText(call.operation as KaizenSchema.BodyOperation, call.body)
      if (Either.isLeft(text)) return Either.left(text.left)
      // Raw: the content type is in the template, the transport computes the length, nothing is re-encoded.
      request = HttpClientRequest.setBody(request, HttpBody.raw(text.right))
    }
    const url = shownBaseUrl + info.path
    const attempt = Effect.flatMap(
      Effect.mapError(
        execute(request),
        (error) =>
          isTimeout !== undefined && isTimeout(error)
            ? timeoutError(info, shownBaseUrl, "no complete response", config.timeout)
            // The platform error holds the request, and so the key: only its cause is kept.
            : transportError(info, url, error.cause ?? error, error._tag === "RequestError" && error.reason === "InvalidUrl")
      ),
      (response) =>
        Effect.mapBoth(response.text, {
          onFailure: (error) => bodyReadError(info, response.status, error.cause),
          onSuccess: (text): Answer => new TextAnswer(response.status, response, headersOf, text)
        })
    )
    return Either.right(attempt)
  }

  return {
    enforcesTimeout: isTimeout !== undefined,
    readsSpan: config.transformClient !== undefined || config.tracePropagation,
    poolSize: options.poolSize,
    prepare
  }
}
