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
import type * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { readFileSync } from "node:fs"
import { rootCertificates } from "node:tls"
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from "undici"
import * as UndiciClient from "./internal/undiciClient.js"
import { KaizenClient, makeWith } from "./KaizenClient.js"
import * as KaizenConfig from "./KaizenConfig.js"
import * as KaizenLocal from "./KaizenLocal.js"

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
 * const live = KaizenClient.KaizenClient.layer({ baseUrl: "http://127.0.0.1:8787" }).pipe(
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
 * const live = KaizenClient.KaizenClient.layer().pipe(Layer.provide(KaizenNode.layerPlatformHttpClient()))
 */
export const layerPlatformHttpClient = (options: TransportOptions = {}): Layer.Layer<HttpClient.HttpClient> =>
  NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
    Layer.provide(Layer.scoped(NodeHttpClient.Dispatcher, makeAgent(options)))
  )

const readCa = (resolved: KaizenConfig.Resolved): Effect.Effect<string | undefined, ConfigError.ConfigError> => {
  const file = resolved.caFile
  if (file === undefined) return Effect.succeed(resolved.ca)
  return Effect.try({
    try: () => [resolved.ca, readFileSync(file, "utf8")].filter((pem) => pem !== undefined).join("\n"),
    catch: (cause) =>
      // The value may come from the option or the variable; name both so either reader finds it.
      ConfigError.InvalidData(
        ["caFile"],
        `cannot read the CA file "${file}" (caFile / KAIZEN_CA_FILE): ${(cause as Error).message}`
      )
  })
}

/**
 * The transport options that follow from the client configuration: pool size, TLS, CA file
 * and proxy (explicit, else `HTTPS_PROXY` / `HTTP_PROXY` with `NO_PROXY`).
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { Effect } from "effect"
 * import { KaizenConfig } from "kaizen-effect"
 * import * as KaizenNode from "kaizen-effect/node"
 * const options = Effect.flatMap(KaizenConfig.resolve({ maxConnections: 8 }), KaizenNode.transportOptions)
 */
export const transportOptions = (
  resolved: KaizenConfig.Resolved
): Effect.Effect<TransportOptions, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const ca = yield* readCa(resolved)
    const proxy = resolved.proxy ?? Option.getOrUndefined(yield* KaizenConfig.standardProxy(resolved.baseUrl))
    return {
      maxConnections: resolved.maxConnections,
      verifySsl: resolved.verifySsl,
      ca,
      proxy,
      timeout: resolved.timeout
    }
  })

/**
 * The Kaizen client on the Node transport, configured from a `Config` (by default the
 * environment). With `KAIZEN_BASE_URL=local` (or `baseUrl: "local"`) it runs on the embedded
 * engine instead: no network, no key.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import * as KaizenNode from "kaizen-effect/node"
 * const live = KaizenNode.layerConfig()
 */
export const layerConfig = (
  config: Config.Config<KaizenConfig.Options> = KaizenConfig.fromEnv
): Layer.Layer<KaizenClient, ConfigError.ConfigError> =>
  Layer.unwrapEffect(
    Effect.gen(function*() {
      const resolved = yield* Effect.flatMap(config, KaizenConfig.resolve)
      const client = Layer.scoped(KaizenClient, makeWith(resolved))
      // `local`: the embedded engine answers in-process; it loads its codec on first request.
      if (resolved.baseUrl === KaizenConfig.LOCAL_BASE_URL) return Layer.provide(client, KaizenLocal.layer)
      const transport = yield* transportOptions(resolved)
      return Layer.provide(client, layerHttpClient(transport))
    })
  )
