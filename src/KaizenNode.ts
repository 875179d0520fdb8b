/**
 * The Node transport: the Kaizen client on undici, with a bounded connection pool owned by the
 * layer's Scope, so closing the layer closes every socket. A separate entry point,
 * `kaizen-effect/node`, so the package root stays free of Node-only modules.
 *
 * @module kaizen-effect/node
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type { Dispatcher } from "undici"
import { makeService } from "./internal/client.js"
import { envFields } from "./internal/config.js"
import { DEFAULT_MAX_RESPONSE_BYTES } from "./internal/defaults.js"
import * as HttpExchange from "./internal/httpExchange.js"
import * as NodeConfig from "./internal/nodeConfig.js"
import { makeAgent, makeHttpClient } from "./internal/nodeTransport.js"
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
  /** The most sockets the connection pool opens, default 64 (`KAIZEN_MAX_CONNECTIONS`); a batch keeps as many calls in flight. */
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
 * The Kaizen client service on the Node transport, from options given in code: the pool is
 * opened now and closed with the Scope. The client leaves each attempt's timeout to this
 * transport, which arms one timer per request. With `baseUrl: "local"` it runs on the embedded
 * engine instead (`KaizenLocal.make`): no network, no key.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { Effect } from "effect"
 * import * as KaizenNode from "kaizen-effect/node"
 * const health = Effect.scoped(Effect.flatMap(KaizenNode.make({ baseUrl: "local" }), (kaizen) => kaizen.health()))
 */
export const make = (options: Options = {}): Effect.Effect<KaizenClient.Service, ConfigError.ConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    const resolved = yield* KaizenConfig.resolve(options)
    if (resolved.baseUrl === KaizenConfig.LOCAL_BASE_URL) return yield* KaizenLocal.make(options)
    const transport = yield* NodeConfig.transportOptions(options, resolved.baseUrl)
    const dispatcher = options.dispatcher ?? (yield* makeAgent(transport))
    const poolSize = options.dispatcher === undefined ? transport.maxConnections : undefined
    // No HttpClient between the client and undici, unless middleware needs one to wrap.
    if (resolved.transformClient === undefined) {
      const maxResponseBytes = transport.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
      return yield* makeService(resolved, UndiciExchange.make(dispatcher, resolved, { maxResponseBytes, poolSize }))
    }
    const http = makeHttpClient(dispatcher, { ...transport, timeout: resolved.timeout })
    // Stated where both are built: this transport ends each attempt at the client's timeout
    // itself, never follows a redirect, and makes no platform spans.
    return yield* makeService(
      resolved,
      HttpExchange.make(http, resolved, {
        timeout: { isTimeout: UndiciClient.isTimeout },
        followsRedirects: false,
        platformSpans: false,
        poolSize
      })
    )
  })

/**
 * The Kaizen client on the Node transport, from options given in code: no `KAIZEN_*` variable
 * is read (see {@link layerConfig} for that); only a proxy falls back to the standard
 * `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import * as KaizenNode from "kaizen-effect/node"
 * const live = KaizenNode.layer({ baseUrl: "http://127.0.0.1:8787", retry: 5, maxConnections: 16 })
 */
export const layer = (options: Options = {}): Layer.Layer<KaizenClient, ConfigError.ConfigError> =>
  Layer.scoped(KaizenClient, make(options))

/**
 * The Kaizen client on the Node transport, configured from a `Config`: by default
 * {@link fromEnv}, the `KAIZEN_*` environment. With `KAIZEN_BASE_URL=local` it runs on the
 * embedded engine. To set some options in code and read the rest from the environment, map
 * the `Config`: `Config.map(KaizenNode.fromEnv, (env) => ({ ...env, maxConnections: 16 }))`.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { Config } from "effect"
 * import * as KaizenNode from "kaizen-effect/node"
 * const live = KaizenNode.layerConfig()
 * const tuned = KaizenNode.layerConfig(Config.map(KaizenNode.fromEnv, (env) => ({ ...env, maxConnections: 16 })))
 */
export const layerConfig = (config: Config.Config<Options> = fromEnv): Layer.Layer<KaizenClient, ConfigError.ConfigError> =>
  Layer.scoped(KaizenClient, Effect.flatMap(config, make))
