/**
 * A lean `HttpClient` over undici's `dispatcher.dispatch`, for the Node layer.
 *
 * `@effect/platform-node`'s undici client reaches ~0.3x of raw undici on loopback: per request
 * it creates a span, copies headers for it, an AbortController, a Readable body stream with a
 * cached `text` Effect, and registers the response with a FinalizationRegistry. Kaizen requests
 * and responses are small JSON documents read whole, so this client does only that: it
 * dispatches the request, collects the body chunks into one buffer (up to a maximum size), and
 * answers with a response whose headers are converted only if read. Interruption aborts the
 * request through undici's controller, which frees its socket.
 *
 * Streaming request bodies are refused with a clear error rather than buffered silently.
 *
 * @internal
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { Dispatcher } from "undici"
import { wholeBody } from "../contract/body.js"
import { BufferedResponse } from "./bufferedResponse.js"
import { dispatch, type Limits, TransportTimeout } from "./undiciDispatch.js"

/**
 * Whether a failure of this transport is its own timeout: the Node layer, which builds both
 * the transport and the client, tells the client so (internal/httpExchange.ts).
 */
export const isTimeout = (error: HttpClientError.HttpClientError): boolean => error.cause instanceof TransportTimeout

export interface Options {
  /** Responses larger than this fail instead of filling memory (default 100 MiB). */
  readonly maxResponseBytes?: number | undefined
  /**
   * Abort any request with no complete response (headers and body) within this many ms,
   * failing with a cause that {@link isTimeout} recognises. Default: no timeout here.
   */
  readonly timeoutMillis?: number | undefined
}

export const DEFAULT_MAX_RESPONSE_BYTES = 100 * 1024 * 1024

type Body = string | Uint8Array | null

const requestBody = (
  request: HttpClientRequest.HttpClientRequest
): Either.Either<Body, HttpClientError.RequestError> => {
  const body = wholeBody(request.body)
  if (body !== undefined) return Either.right(body)
  return Either.left(
    new HttpClientError.RequestError({
      request,
      reason: "Encode",
      cause: new Error(
        `kaizen-effect's Node transport sends whole bodies only (a string or Uint8Array); got a ${request.body._tag} body. ` +
          "Read the stream into memory first, or provide another HttpClient layer."
      )
    })
  )
}

// Kaizen calls go to a handful of URLs; parsing each once keeps `new URL` off the hot path.
const urlCache = new Map<string, { readonly origin: string; readonly path: string }>()

const target = (
  request: HttpClientRequest.HttpClientRequest
): Either.Either<{ readonly origin: string; readonly path: string }, HttpClientError.RequestError> => {
  const simple = request.urlParams.length === 0 && Option.isNone(request.hash)
  if (simple) {
    const cached = urlCache.get(request.url)
    if (cached !== undefined) return Either.right(cached)
  }
  const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
  if (Either.isLeft(url)) {
    return Either.left(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left }))
  }
  const parsed = { origin: url.right.origin, path: url.right.pathname + url.right.search + url.right.hash }
  if (simple) {
    if (urlCache.size >= 256) urlCache.clear()
    urlCache.set(request.url, parsed)
  }
  return Either.right(parsed)
}

const send = (
  dispatcher: Dispatcher,
  request: HttpClientRequest.HttpClientRequest,
  limits: Limits
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  const destination = target(request)
  if (Either.isLeft(destination)) return Effect.fail(destination.left)
  const body = requestBody(request)
  if (Either.isLeft(body)) return Effect.fail(body.left)
  const options: Dispatcher.DispatchOptions = {
    origin: destination.right.origin,
    path: destination.right.path,
    method: request.method as Dispatcher.HttpMethod,
    headers: request.headers,
    body: body.right,
    // Timeouts are the client's (one clock for headers and body), not undici's.
    headersTimeout: 0,
    bodyTimeout: 0
  }
  return dispatch<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>(dispatcher, options, {
    answer: (status, headers, body, bodyError) => Effect.succeed(new BufferedResponse(request, status, headers, body, bodyError)),
    failure: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
  }, limits)
}

/**
 * An `HttpClient` that sends every request through `dispatcher`.
 *
 * @internal
 */
export const make = (dispatcher: Dispatcher, options: Options = {}): HttpClient.HttpClient => {
  const limits: Limits = {
    maxBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    timeoutMillis: options.timeoutMillis
  }
  return HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (request) => Effect.flatMap(request, (request) => send(dispatcher, request, limits)),
    Effect.succeed
  )
}
