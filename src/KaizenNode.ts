/**
 * The Node transport: `@effect/platform-node`'s undici client over a bounded connection pool
 * owned by the layer's Scope.
 *
 * `NodeHttpClient.layer` (node:http) opens a TCP connection per request, and
 * `NodeHttpClient.layerUndici`'s own `Agent` has no connection limit (about two sockets per
 * concurrent request); this layer gives undici an `Agent({ connections })` that is destroyed
 * when the layer's scope closes, so nothing is left open.
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { Agent } from "undici"
import { KaizenClient, makeWith } from "./KaizenClient.js"
import * as KaizenConfig from "./KaizenConfig.js"

/**
 * Options of the Node transport.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenNode } from "kaizen-effect"
 * const options: KaizenNode.TransportOptions = { maxConnections: 16, verifySsl: true }
 */
export interface TransportOptions {
  /** The most sockets the pool opens (default 64). */
  readonly maxConnections?: number | undefined
  /** TLS certificate verification (default true). */
  readonly verifySsl?: boolean | undefined
}

/**
 * An undici `Agent` bounded to `maxConnections` sockets, destroyed (every socket closed) when
 * the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { Effect } from "effect"
 * import { KaizenNode } from "kaizen-effect"
 * const agent = Effect.scoped(KaizenNode.makeAgent({ maxConnections: 8 }))
 */
export const makeAgent = (options: TransportOptions = {}): Effect.Effect<Agent, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() =>
      new Agent({
        connections: options.maxConnections ?? 64,
        connect: { rejectUnauthorized: options.verifySsl ?? true }
      })
    ),
    (agent) => Effect.promise(() => agent.destroy())
  )

/**
 * An `HttpClient` on undici over a bounded pool owned by the layer's Scope.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { Layer } from "effect"
 * import { KaizenClient, KaizenNode } from "kaizen-effect"
 * const live = KaizenClient.layer({ baseUrl: "http://127.0.0.1:8787" }).pipe(
 *   Layer.provide(KaizenNode.layerHttpClient({ maxConnections: 16 }))
 * )
 */
export const layerHttpClient = (options: TransportOptions = {}): Layer.Layer<HttpClient.HttpClient> =>
  NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
    Layer.provide(Layer.scoped(NodeHttpClient.Dispatcher, makeAgent(options)))
  )

/**
 * The Kaizen client on the Node transport, configured from a `Config` (by default the
 * environment). With `baseUrl` `"local"` it runs on the embedded engine.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * import { KaizenNode } from "kaizen-effect"
 * const live = KaizenNode.layerConfig()
 */
export const layerConfig = (
  config: Config.Config<KaizenConfig.Options> = KaizenConfig.fromEnv
): Layer.Layer<KaizenClient, ConfigError.ConfigError> =>
  Layer.unwrapEffect(
    Effect.map(Effect.flatMap(config, KaizenConfig.resolve), (resolved) =>
      Layer.effect(KaizenClient, makeWith(resolved)).pipe(
        Layer.provide(layerHttpClient({ maxConnections: resolved.maxConnections, verifySsl: resolved.verifySsl }))
      ))
  )
