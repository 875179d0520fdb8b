/**
 * The Node transport: the Kaizen client on undici, with a bounded connection pool owned by the
 * layer's Scope, so closing the layer closes every socket. The same limits, timeouts, redirect
 * refusal and pool as the Effect 3 line's `kaizen-effect/node`. A separate entry point,
 * `@kaizen-effect/effect4/node`, so the package root stays free of Node-only modules.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type { Dispatcher } from "undici"
import { envFields } from "./internal/config.js"
import { makeService } from "./internal/client.js"
import { DEFAULT_MAX_RESPONSE_BYTES } from "./internal/defaults.js"
import * as HttpExchange from "./internal/httpExchange.js"
import * as NodeConfig from "./internal/nodeConfig.js"
import { isTimeout, makeAgent, makeHttpClient } from "./internal/nodeTransport.js"
import * as UndiciExchange from "./internal/undiciExchange.js"
import { KaizenClient } from "./KaizenClient.js"
import * as KaizenConfig from "./KaizenConfig.js"
import * as KaizenLocal from "./KaizenLocal.js"

/**
 * The client's options on the Node transport: the core options plus the transport's own.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends KaizenConfig.Options {
  /** The most sockets the connection pool opens, default 64 (`KAIZEN_MAX_CONNECTIONS`). */
  readonly maxConnections?: number | undefined
  /** TLS certificate verification, default `true` (`KAIZEN_VERIFY_SSL`). */
  readonly verifySsl?: boolean | undefined
  /** A PEM file of CA certificates to trust besides Node's roots, read when the layer is built (`KAIZEN_CA_FILE`). */
  readonly caFile?: string | undefined
  /** PEM CA certificates to trust, given inline. */
  readonly ca?: string | undefined
  /** Responses larger than this many bytes fail at once, not retried (default 100 MiB). */
  readonly maxResponseBytes?: number | undefined
  /** An HTTP(S) proxy URL (`KAIZEN_PROXY`); else `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`. */
  readonly proxy?: string | URL | undefined
  /** An undici `Dispatcher` of your own instead of the pool this layer would open; you own its lifetime. */
  readonly dispatcher?: Dispatcher | undefined
}

/**
 * The client options read from the environment: every variable of `KaizenConfig.fromEnv`, plus
 * `KAIZEN_MAX_CONNECTIONS`, `KAIZEN_VERIFY_SSL`, `KAIZEN_CA_FILE` and `KAIZEN_PROXY`.
 *
 * @since 0.1.0
 * @category config
 */
export const fromEnv: Config.Config<Options> = Config.all({ ...envFields, ...NodeConfig.envFields })

/**
 * The Kaizen client service on the Node transport, from options given in code: the pool is
 * opened now and closed with the Scope. With `baseUrl: "local"` it runs on the embedded engine.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<KaizenClient.Service, Config.ConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    const resolved = yield* KaizenConfig.resolve(options)
    if (resolved.baseUrl === KaizenConfig.LOCAL_BASE_URL) return yield* KaizenLocal.make(options)
    const transport = yield* NodeConfig.transportOptions(options, resolved.baseUrl)
    const dispatcher = options.dispatcher ?? (yield* makeAgent(transport))
    const poolSize = options.dispatcher === undefined ? transport.maxConnections : undefined
    const maxResponseBytes = transport.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    // No HttpClient between the client and undici, unless middleware needs one to wrap.
    if (resolved.transformClient === undefined) {
      return yield* makeService(resolved, UndiciExchange.make(dispatcher, resolved, { maxResponseBytes, poolSize }))
    }
    const http = makeHttpClient(dispatcher, { maxResponseBytes, timeoutMillis: Duration.toMillis(resolved.timeout) })
    // Stated where both are built: this transport ends each attempt at the client's timeout itself and never follows a redirect.
    return yield* makeService(resolved, HttpExchange.make(http, resolved, { timeout: { isTimeout }, followsRedirects: false, poolSize }))
  })

/**
 * The Kaizen client on the Node transport, from options given in code (no `KAIZEN_*` variable
 * is read; only a proxy falls back to the standard variables).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<KaizenClient, Config.ConfigError> =>
  Layer.effect(KaizenClient, make(options))

/**
 * The Kaizen client on the Node transport, configured from a `Config`: by default
 * {@link fromEnv}. With `KAIZEN_BASE_URL=local` it runs on the embedded engine.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (config: Config.Config<Options> = fromEnv): Layer.Layer<KaizenClient, Config.ConfigError> =>
  Layer.effect(KaizenClient, Effect.flatMap(config, make))
