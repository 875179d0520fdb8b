/**
 * The Node transport: kaizen-effect's lean `HttpClient` over undici, with a bounded connection
 * pool owned by the layer's Scope. A separate entry point, `kaizen-effect/node`, so the package
 * root stays free of Node-only modules; `KaizenClient.layerNode` loads it on demand.
 *
 * `NodeHttpClient.layer` (node:http) opens a TCP connection per request, and
 * `NodeHttpClient.layerUndici`'s own `Agent` has no connection limit (about two sockets per
 * concurrent request); this layer gives undici an `Agent({ connections })` that is destroyed
 * when the layer's scope closes, so nothing is left open.
 *
 * @module kaizen-effect/node
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { rootCertificates } from "node:tls"
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from "undici"
import { makeService } from "./internal/client.js"
import { envFields, withOverrides } from "./internal/config.js"
import * as HttpExchange from "./internal/httpExchange.js"
import * as NodeConfig from "./internal/nodeConfig.js"
import * as UndiciClient from "./internal/undiciClient.js"
import * as UndiciExchange from "./internal/undiciExchange.js"
import { KaizenClient } from "./KaizenClient.js"
import * as KaizenConfig from "./KaizenConfig.js"
import * as KaizenLocal from "./KaizenLocal.js"

/**
 * The client's options on the Node transport: the core options plus the transport's own
 * (pool size, TLS, CA certificates, proxy), which only this layer reads.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type * as KaizenNode from "kaizen-effect/node"
 * const options: KaizenNode.Options = { baseUrl: "http://127.0.0.1:8787", maxConnections: 16, caFile: "/etc/ssl/corp.pem" }
 */
export interface Options extends KaizenConfig.Options {
  /** The most sockets the connection pool opens, default 64 (`KAIZEN_MAX_CONNECTIONS`). */
  readonly maxConnections?: number | undefined
  /** TLS certificate verification, default `true`; turning it off must be explicit (`KAIZEN_VERIFY_SSL`). */
  readonly verifySsl?: boolean | undefined
  /** A PEM file of CA certificates to trust besides Node's roots, read when the layer is built (`KAIZEN_CA_FILE`). */
  readonly caFile?: string | undefined
  /** PEM CA certificates to trust, given inline. */
  readonly ca?: string | undefined
  /**
   * Responses larger than this many bytes fail at once, not retried, instead of filling
   * memory (default 100 MiB).
   */
  readonly maxResponseBytes?: number | undefined
  /**
   * An HTTP(S) proxy URL for every request (`KAIZEN_PROXY`). When not set, the standard
   * `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` variables are honoured.
   */
  readonly proxy?: string | URL | undefined
  /**
   * An undici `Dispatcher` of your own (a `MockAgent` in tests, an agent you share) instead of
   * the pool this layer would open; you own its lifetime, and the pool and TLS options above do
   * not apply to it. The client still leaves each attempt's timeout to this transport.
   */
  readonly dispatcher?: Dispatcher | undefined
}

/**
 * Options of the Node transport.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type * as KaizenNode from "kaizen-effect/node"
 * const options: KaizenNode.TransportOptions = { maxConnections: 16, proxy: { url: "http://proxy:3128" } }
 */
export interface TransportOptions {
  /** The most sockets the pool opens (default 64). */
  readonly maxConnections?: number | undefined
  /** TLS certificate verification (default true). */
  readonly verifySsl?: boolean | undefined
  /** Extra CA certificates (PEM) to trust besides Node's built-in roots. */
  readonly ca?: string | undefined
  /** Responses larger than this fail instead of filling memory (default 100 MiB). */
  readonly maxResponseBytes?: number | undefined
  /**
   * Abort any request without a complete response (headers and body) within this time. The
   * client built with the same timeout then relies on it instead of timing the attempt itself.
   */
  readonly timeout?: Duration.DurationInput | undefined
  /** Send requests through this HTTP(S) proxy; `noProxy` lists hosts that bypass it. */
  readonly proxy?: { readonly url: string; readonly noProxy?: string | undefined } | undefined
}

/**
 * An undici dispatcher for the options: a plain `Agent`, or a proxy agent (which tunnels to
 * HTTPS targets with CONNECT), bounded to `maxConnections` sockets per origin.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import * as KaizenNode from "kaizen-effect/node"
 * const dispatcher = KaizenNode.makeDispatcher({ maxConnections: 8 })
 */
export const makeDispatcher = (options: TransportOptions = {}): Dispatcher => {
  const tls = {
    rejectUnauthorized: options.verifySsl ?? true,
    // A `ca` replaces Node's roots; keep them so a corporate CA adds to, not replaces, trust.
    ...(options.ca === undefined ? {} : { ca: [...rootCertificates, options.ca] })
  }
  const connections = options.maxConnections ?? 64
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

/**
 * A dispatcher that is destroyed (every socket closed) when the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { Effect } from "effect"
 * import * as KaizenNode from "kaizen-effect/node"
 * const agent = Effect.scoped(KaizenNode.makeAgent({ maxConnections: 8 }))
 */
export const makeAgent = (options: TransportOptions = {}): Effect.Effect<Dispatcher, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => makeDispatcher(options)),
    (dispatcher) => Effect.promise(() => dispatcher.destroy())
  )

/**
 * kaizen-effect's lean `HttpClient` over any undici `Dispatcher` (an `Agent`, a `ProxyAgent`,
 * undici's `MockAgent` in tests): whole bodies, headers converted only when read, interruption
 * aborts the request. With `timeout`, it aborts a request with no complete response in time,
 * and a client built with the same timeout relies on that instead of its own timer.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { Layer } from "effect"
 * import { HttpClient } from "@effect/platform"
 * import { MockAgent } from "undici"
 * import * as KaizenNode from "kaizen-effect/node"
 * const agent = new MockAgent()
 * const http = Layer.succeed(HttpClient.HttpClient, KaizenNode.makeHttpClient(agent, { timeout: "30 seconds" }))
 */
export const makeHttpClient = (
  dispatcher: Dispatcher,
  options: Pick<TransportOptions, "maxResponseBytes" | "timeout"> = {}
): HttpClient.HttpClient =>
  UndiciClient.make(dispatcher, {
    maxResponseBytes: options.maxResponseBytes,
    timeoutMillis: options.timeout === undefined ? undefined : Duration.toMillis(options.timeout)
  })

/**
 * An `HttpClient` on undici over a bounded pool owned by the layer's Scope.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { Layer } from "effect"
 * import { KaizenClient } from "kaizen-effect"
 * import * as KaizenNode from "kaizen-effect/node"
 * const live = KaizenClient.layer({ baseUrl: "http://127.0.0.1:8787" }).pipe(
 *   Layer.provide(KaizenNode.layerHttpClient({ maxConnections: 16 }))
 * )
 */
export const layerHttpClient = (options: TransportOptions = {}): Layer.Layer<HttpClient.HttpClient> =>
  Layer.scoped(
    HttpClient.HttpClient,
    Effect.map(makeAgent(options), (dispatcher) => makeHttpClient(dispatcher, options))
  )

/**
 * `@effect/platform-node`'s own undici `HttpClient` over the same bounded, scoped pool: the
 * full platform client (per-request spans, streaming bodies), at about a third of the speed.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { Layer } from "effect"
 * import { KaizenClient } from "kaizen-effect"
 * import * as KaizenNode from "kaizen-effect/node"
 * const live = KaizenClient.layer().pipe(Layer.provide(KaizenNode.layerPlatformHttpClient()))
 */
export const layerPlatformHttpClient = (options: TransportOptions = {}): Layer.Layer<HttpClient.HttpClient> =>
  NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
    Layer.provide(Layer.scoped(NodeHttpClient.Dispatcher, makeAgent(options)))
  )

/**
 * The client options read from the environment: every `KAIZEN_*` variable of
 * `KaizenConfig.fromEnv`, plus the transport's own:
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | `KAIZEN_MAX_CONNECTIONS` | `64` | connection pool size |
 * | `KAIZEN_VERIFY_SSL` | `true` | TLS certificate verification |
 * | `KAIZEN_CA_FILE` | none | PEM file of extra CA certificates |
 * | `KAIZEN_PROXY` | `HTTPS_PROXY` / `HTTP_PROXY` | HTTP(S) proxy URL |
 *
 * @since 0.1.0
 * @category config
 * @example
 * import { Effect } from "effect"
 * import * as KaizenNode from "kaizen-effect/node"
 * const options = Effect.runSync(KaizenNode.fromEnv)
 */
export const fromEnv: Config.Config<Options> = Config.all({ ...envFields, ...NodeConfig.envFields })

/**
 * The Kaizen client on the Node transport, configured from a `Config` (by default the
 * environment). The client leaves each attempt's timeout to this transport, which arms one
 * timer per request. With `KAIZEN_BASE_URL=local` (or `baseUrl: "local"`) it runs on the
 * embedded engine instead (`KaizenLocal.layerClient`): no network, no key.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import * as KaizenNode from "kaizen-effect/node"
 * const live = KaizenNode.layerConfig()
 */
export const layerConfig = (
  config: Config.Config<Options> = fromEnv
): Layer.Layer<KaizenClient, ConfigError.ConfigError> =>
  Layer.unwrapEffect(
    Effect.gen(function*() {
      const options = yield* config
      const resolved = yield* KaizenConfig.resolve(options)
      // `local`: the embedded engine answers in-process; it loads its codec when the layer is built.
      if (resolved.baseUrl === KaizenConfig.LOCAL_BASE_URL) return KaizenLocal.layerClient(options)
      const transport = yield* NodeConfig.transportOptions(options, resolved.baseUrl)
      return Layer.scoped(
        KaizenClient,
        Effect.flatMap(options.dispatcher === undefined ? makeAgent(transport) : Effect.succeed(options.dispatcher), (dispatcher) => {
          const poolSize = options.dispatcher === undefined ? transport.maxConnections : undefined
          // No HttpClient between the client and undici, unless middleware needs one to wrap.
          if (resolved.transformClient === undefined) {
            return makeService(
              resolved,
              UndiciExchange.make(dispatcher, resolved, {
                maxResponseBytes: transport.maxResponseBytes ?? UndiciClient.DEFAULT_MAX_RESPONSE_BYTES,
                poolSize
              })
            )
          }
          const http = makeHttpClient(dispatcher, { ...transport, timeout: resolved.timeout })
          // Stated here, where both are built: this transport ends each attempt at the client's
          // timeout itself, never follows a redirect (undici's dispatch does not), and makes no
          // platform spans.
          return makeService(
            resolved,
            HttpExchange.make(http, resolved, {
              timeout: { isTimeout: UndiciClient.isTimeout },
              followsRedirects: false,
              platformSpans: false,
              poolSize
            })
          )
        })
      )
    })
  )

/**
 * The Kaizen client on the Node transport with options given in code on top of the
 * environment: each option given (not `undefined`) wins over its variable; the others come
 * from the environment, as with {@link layerConfig}.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import * as KaizenNode from "kaizen-effect/node"
 * const live = KaizenNode.layer({ maxRetries: 5, maxConnections: 16 })
 */
export const layer = (options: Options = {}): Layer.Layer<KaizenClient, ConfigError.ConfigError> =>
  layerConfig(
    Config.map(
      Config.all(withOverrides({ ...envFields, ...NodeConfig.envFields }, options)),
      (fromEnvironment): Options => ({ ...options, ...fromEnvironment })
    )
  )
