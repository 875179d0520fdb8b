/**
 * The Node transport as an `HttpClient`, for `transformClient` middleware: one dispatch per request, the
 * body read whole (BENCHMARKS.md, "Why the machinery exists"). Streamed request bodies are refused, not buffered.
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
import { DEFAULT_MAX_RESPONSE_BYTES } from "./defaults.js"

/** The Node layer, which builds this transport and the client, tells the client its timeouts so. */
export const isTimeout = (error: HttpClientError.HttpClientError): boolean => error.cause instanceof TransportTimeout

export interface Options {
  readonly maxResponseBytes?: number | undefined
  /** Default: none. A request it aborts fails with a cause {@link isTimeout} recognises. */
  readonly timeoutMillis?: number | undefined
}


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
