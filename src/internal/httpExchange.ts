/**
 * The exchange over an `HttpClient` (internal/exchange.ts): each call becomes one request,
 * built from a per-client template (URL, static headers) plus the call's request ID, headers
 * and JSON text, executed once per attempt; the answer is the response's status, headers and
 * text. Transport failures become typed errors here, at one place, without the request (and so
 * its headers, with the key) in them.
 *
 * What the transport does for the client is stated by whoever builds the layer, never found
 * out by looking at the transport: `timeout` says who ends an attempt that takes too long, and
 * `platformSpans` whether the platform's per-request span must be turned off.
 *
 * @internal
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

export interface Options {
  /**
   * Who ends an attempt without a complete response in time. `"client"` (the default, for any
   * `HttpClient`): the client times each attempt out itself. Or the transport, which was built
   * with the same timeout: `isTimeout` tells its timeout failures from others, so they become
   * the same typed `Timeout` error.
   */
  readonly timeout?: "client" | { readonly isTimeout: (error: HttpClientError.HttpClientError) => boolean } | undefined
  /**
   * Whether the transport may follow redirects (default true: fetch does unless told not to).
   * Then every request carries fetch's `redirect: "manual"` (through `FetchHttpClient.RequestInit`,
   * which other transports ignore), so the key never goes to another origin; a redirect comes
   * back as a typed error. False for a transport that never follows them.
   */
  readonly followsRedirects?: boolean | undefined
  /**
   * Whether the transport makes the platform's per-request span (default true): then it is
   * turned off, as the operation span is the one users see. False for a transport that makes
   * none, which spares a FiberRef change per call.
   */
  readonly platformSpans?: boolean | undefined
  /** The transport's connection pool size, when the layer that built it knows it. */
  readonly poolSize?: number | undefined
}

const headersOf = (response: HttpClientResponse.HttpClientResponse) => response.headers

/** The exchange over `httpClient`, with the configuration's base URL, key and headers. */
export const make = (
  httpClient: HttpClient.HttpClient,
  config: KaizenConfig.Resolved,
  options: Options = {}
): Exchange => {
  const staticHeaders = staticHeadersOf(config)

  const withoutPlatformSpans = options.platformSpans === false
    ? identity<HttpClient.HttpClient>
    : HttpClient.withTracerDisabledWhen(() => true)
  // Trace headers are opt-in and come from the operation span, whatever the transport. With
  // its span disabled the platform adds no trace headers itself.
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

  // Everything that does not depend on the call is built once per client: each operation's
  // request with its URL and the static headers; a call only adds its request ID and body.
  const templates = Object.fromEntries(
    Object.entries(KaizenSchema.Endpoints).map(([op, endpoint]) => [
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
      // A raw body: the content type is in the template, and the transport computes the length,
      // so no headers are copied and the JSON is not re-encoded into a second buffer.
      request = HttpClientRequest.setBody(request, HttpBody.raw(text.right))
    }
    const url = shownBaseUrl + info.path
    const attempt = Effect.flatMap(
      Effect.mapError(
        execute(request),
        (error) =>
          isTimeout !== undefined && isTimeout(error)
            ? timeoutError(info, shownBaseUrl, "no complete response", config.timeout)
            // The platform error holds the request (and so its headers, with the key): only
            // the underlying cause is kept.
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
