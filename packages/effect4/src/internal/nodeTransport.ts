/**
 * The Node transport's parts: a bounded undici dispatcher owned by a Scope, and an `HttpClient`
 * over it for `transformClient` middleware (the Effect 3 line's src/internal/nodeTransport.ts and
 * undiciClient.ts; the response here is Effect 4's web `Response` adapter over the bytes read).
 */
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import type * as Scope from "effect/Scope"
import { rootCertificates } from "node:tls"
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from "undici"
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_RESPONSE_BYTES } from "./defaults.js"
import { dispatch, TransportTimeout } from "./undiciDispatch.js"
import { flatHeaders } from "./undiciExchange.js"

export interface TransportOptions {
  readonly maxConnections?: number | undefined
  readonly verifySsl?: boolean | undefined
  /** Extra CA certificates (PEM), trusted besides Node's roots. */
  readonly ca?: string | undefined
  readonly maxResponseBytes?: number | undefined
  readonly proxy?: { readonly url: string; readonly noProxy?: string | undefined } | undefined
}

/** An `Agent`, or a proxy agent (CONNECT to HTTPS targets), bounded to `maxConnections` sockets per origin. */
export const makeDispatcher = (options: TransportOptions = {}): Dispatcher => {
  const tls = {
    rejectUnauthorized: options.verifySsl ?? true,
    // A `ca` replaces Node's roots; keep them so a corporate CA adds to trust.
    ...(options.ca === undefined ? {} : { ca: [...rootCertificates, options.ca] })
  }
  const connections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS
  if (options.proxy === undefined) return new Agent({ connections, connect: tls })
  if (options.proxy.noProxy !== undefined) {
    return new EnvHttpProxyAgent({
      connections,
      httpProxy: options.proxy.url,
      httpsProxy: options.proxy.url,
      noProxy: options.proxy.noProxy,
      connect: tls,
      requestTls: tls
    })
  }
  return new ProxyAgent({ uri: options.proxy.url, connections, connect: tls, requestTls: tls })
}

/** A dispatcher destroyed (every socket closed) when the scope closes. */
export const makeAgent = (options: TransportOptions = {}): Effect.Effect<Dispatcher, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => makeDispatcher(options)),
    (dispatcher) => Effect.promise(() => dispatcher.destroy())
  )

/** The Node layer, which builds this transport and the client, tells the client its timeouts so. */
export const isTimeout = (error: HttpClientError.HttpClientError): boolean =>
  (error.reason as { readonly cause?: unknown }).cause instanceof TransportTimeout

const transport = (request: HttpClientRequest.HttpClientRequest, cause: unknown) =>
  new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })

/** The `HttpClient` over the dispatcher: whole bodies in and out, one timer per request, no redirects followed. */
export const makeHttpClient = (
  dispatcher: Dispatcher,
  options: { readonly maxResponseBytes?: number | undefined; readonly timeoutMillis?: number | undefined } = {}
): HttpClient.HttpClient => {
  const limits = { maxBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, timeoutMillis: options.timeoutMillis }
  return HttpClient.make((request, url) => {
    const body = request.body
    const bytes = body._tag === "Empty"
      ? null
      : body._tag === "Uint8Array"
      ? body.body
      : body._tag === "Raw" && (typeof body.body === "string" || body.body instanceof Uint8Array)
      ? body.body
      : undefined
    if (bytes === undefined) {
      return Effect.fail(
        new HttpClientError.HttpClientError({
          reason: new HttpClientError.EncodeError({ request, description: `the Node transport sends whole bodies only, not ${body._tag}` })
        })
      )
    }
    const headers: Record<string, string> = { ...request.headers }
    if (body._tag !== "Empty" && body.contentType !== undefined && headers["content-type"] === undefined) {
      headers["content-type"] = body.contentType
    }
    return dispatch<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>(dispatcher, {
      origin: url.origin,
      path: url.pathname + url.search,
      method: request.method as Dispatcher.HttpMethod,
      headers,
      body: bytes,
      headersTimeout: 0,
      bodyTimeout: 0
    }, {
      answer: (status, raw, bytes, bodyError) =>
        bodyError !== undefined
          ? Effect.fail(transport(request, bodyError))
          : Effect.succeed(HttpClientResponse.fromWeb(
            request,
            // A status the web Response refuses (1xx, > 599) would throw: such an answer is a transport failure.
            new Response(status === 204 || status === 304 || bytes.byteLength === 0 ? null : bytes as Uint8Array<ArrayBuffer>, {
              status,
              headers: flatHeaders(raw)
            })
          )),
      failure: (cause) => transport(request, cause)
    }, limits)
  })
}
