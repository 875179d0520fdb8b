/**
 * The Node transport's parts: a bounded undici dispatcher owned by a Scope, and the lean
 * `HttpClient` over it. The Node layer (`KaizenNode.ts`) assembles them; tests and benchmarks
 * use them directly.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { rootCertificates } from "node:tls"
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from "undici"
import { DEFAULT_MAX_CONNECTIONS } from "./defaults.js"
import * as UndiciClient from "./undiciClient.js"

export interface TransportOptions {
  readonly maxConnections?: number | undefined
  readonly verifySsl?: boolean | undefined
  /** Extra CA certificates (PEM), trusted besides Node's roots. */
  readonly ca?: string | undefined
  readonly maxResponseBytes?: number | undefined
  /** Aborts a request without a complete response in this time; a client with the same timeout relies on it. */
  readonly timeout?: Duration.DurationInput | undefined
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

export const makeHttpClient = (
  dispatcher: Dispatcher,
  options: Pick<TransportOptions, "maxResponseBytes" | "timeout"> = {}
): HttpClient.HttpClient =>
  UndiciClient.make(dispatcher, {
    maxResponseBytes: options.maxResponseBytes,
    timeoutMillis: options.timeout === undefined ? undefined : Duration.toMillis(options.timeout)
  })

/** The lean `HttpClient` over a bounded pool owned by the layer's Scope. */
export const layerHttpClient = (options: TransportOptions = {}): Layer.Layer<HttpClient.HttpClient> =>
  Layer.scoped(HttpClient.HttpClient, Effect.map(makeAgent(options), (dispatcher) => makeHttpClient(dispatcher, options)))
