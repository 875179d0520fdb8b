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
import { BufferedResponse } from "./bufferedResponse.js"

/** The cause of a request this transport aborted at its deadline. */
class TransportTimeout extends Error {
  constructor(readonly millis: number) {
    super(`no complete response within ${millis} ms`)
    this.name = "TransportTimeout"
  }
}

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

const DEFAULT_MAX_RESPONSE_BYTES = 100 * 1024 * 1024

type Body = string | Uint8Array | null

const requestBody = (
  request: HttpClientRequest.HttpClientRequest
): Either.Either<Body, HttpClientError.RequestError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Either.right(null)
    case "Uint8Array":
      return Either.right(body.body)
    case "Raw":
      if (typeof body.body === "string" || body.body instanceof Uint8Array) return Either.right(body.body)
      break
  }
  return Either.left(
    new HttpClientError.RequestError({
      request,
      reason: "Encode",
      cause: new Error(
        `kaizen-effect's Node transport sends whole bodies only (a string or Uint8Array); got a ${body._tag} body. ` +
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
  maxBytes: number,
  timeoutMillis: number | undefined
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  const destination = target(request)
  if (Either.isLeft(destination)) return Effect.fail(destination.left)
  const body = requestBody(request)
  if (Either.isLeft(body)) return Effect.fail(body.left)
  return Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
    let controller: Dispatcher.DispatchController | undefined
    // Set once the outcome is decided (answer, failure, timeout, interruption): later callbacks
    // from undici for the same request are ignored.
    let settled = false
    let status = 0
    let headers: Record<string, string | Array<string> | undefined> = {}
    const chunks: Array<Buffer> = []
    let size = 0
    const settle = (effect: Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>) => {
      if (settled) return
      settled = true
      if (timer !== undefined) clearTimeout(timer)
      resume(effect)
    }
    const fail = (cause: unknown) => settle(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
    const timer = timeoutMillis === undefined ? undefined : setTimeout(() => {
      const cause = new TransportTimeout(timeoutMillis)
      fail(cause)
      controller?.abort(cause)
    }, timeoutMillis)
    dispatcher.dispatch({
      origin: destination.right.origin,
      path: destination.right.path,
      method: request.method as Dispatcher.HttpMethod,
      headers: request.headers,
      body: body.right,
      // Timeouts are the client's (one clock for headers and body), not undici's.
      headersTimeout: 0,
      bodyTimeout: 0
    }, {
      onRequestStart(c) {
        controller = c
        if (settled) c.abort(new Error("request abandoned"))
      },
      onResponseStart(_c, statusCode, responseHeaders) {
        status = statusCode
        headers = responseHeaders
      },
      onResponseData(c, chunk) {
        size += chunk.length
        if (size > maxBytes) {
          // undici's own code for its maxResponseSize: the client reads it as deterministic.
          c.abort(Object.assign(new Error(`the response body exceeds the ${maxBytes}-byte limit`), {
            code: "UND_ERR_RES_EXCEEDED_MAX_SIZE"
          }))
          return
        }
        chunks.push(chunk)
      },
      onResponseEnd() {
        const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)
        settle(Effect.succeed(new BufferedResponse(request, status, headers, whole)))
      },
      onResponseError(_c, error) {
        // After the headers, the request did get an answer: as with a streamed body, the
        // failure belongs to reading the body, so the response is returned and its body fails.
        if (status !== 0) settle(Effect.succeed(new BufferedResponse(request, status, headers, new Uint8Array(0), error)))
        else fail(error)
      }
    })
    // Interruption (a timeout, a cancelled fiber) aborts the request: undici closes the socket.
    return Effect.sync(() => {
      settled = true
      if (timer !== undefined) clearTimeout(timer)
      controller?.abort(new Error("request interrupted"))
    })
  })
}

/**
 * An `HttpClient` that sends every request through `dispatcher`.
 *
 * @internal
 */
export const make = (dispatcher: Dispatcher, options: Options = {}): HttpClient.HttpClient => {
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
  const timeoutMillis = options.timeoutMillis
  return HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (request) => Effect.flatMap(request, (request) => send(dispatcher, request, maxBytes, timeoutMillis)),
    Effect.succeed
  )
}
