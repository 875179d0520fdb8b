/**
 * Every Kaizen client the suite builds, built here once:
 *
 * - over a mock `HttpClient` that records each request (`mockClient`, `withMockClient`), or over
 *   any `HttpClient` layer a test writes itself (`clientOver`);
 * - on the embedded engine: the direct layer (`engineClient`, `KaizenLocal.layer`) and the
 *   HTTP-text one (`engineOverHttp`, `KaizenLocal.layerHttpClient()` under `KaizenClient.layer`);
 * - on the real Node transport against a loopback server (`nodeClient`, `withNodeClient`,
 *   `withLoopbackClient`), isolated from the machine's environment.
 *
 * Each starts from `retry: false`, so every attempt a test sees is one it asked for. A test that
 * wants retries says so: a `Schedule`, or `retry: defaultRetry` for the client's own policy.
 *
 * The public testing story (README "Testing your code", examples/testing.ts) is the mock
 * `HttpClient` layer of `mockHttp.ts` under `KaizenClient.layer`: `mockClient` is exactly that.
 */
import type { HttpClient } from "@effect/platform"
import { ConfigProvider, Effect, Layer } from "effect"
import type { ConfigError } from "effect"
import { KaizenClient, KaizenLocal } from "../../src/index.js"
import type { KaizenConfig } from "../../src/index.js"
import * as KaizenNode from "../../src/KaizenNode.js"
import type { FaultServer } from "./faultServer.js"
import { type Handler, mockHttp, type Recorded } from "./mockHttp.js"

/**
 * `retry: defaultRetry` asks for the client's own policy (`KaizenRetry.policy` with two
 * retries), exactly as when the option is left out.
 */
export const defaultRetry = undefined

/** The test defaults under a test's own options. */
const withDefaults = <O extends KaizenConfig.Options>(options: O): O => ({ retry: false, ...options })

/** The client over any `HttpClient` layer (a transport a test wrote, a failing one, the engine's). */
export const clientOver = <E, R>(
  http: Layer.Layer<HttpClient.HttpClient, E, R>,
  options: KaizenConfig.Options = {}
): Layer.Layer<KaizenClient, ConfigError.ConfigError | E, R> =>
  KaizenClient.layer(withDefaults(options)).pipe(Layer.provide(http))

/** Runs `use` with the client `layer` provides; the layer is closed when `use` ends. */
export const withClient = <A, E, R, LE, LR>(
  layer: Layer.Layer<KaizenClient, LE, LR>,
  use: (kaizen: KaizenClient.Service) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | LE, Exclude<R, KaizenClient> | LR> => Effect.flatMap(KaizenClient, use).pipe(Effect.provide(layer))

export interface MockClient {
  /** Every request the client sent, in order. */
  readonly requests: ReadonlyArray<Recorded>
  readonly layer: Layer.Layer<KaizenClient, ConfigError.ConfigError>
}

/** The client over a mock `HttpClient` answering with `handler` and recording each request. */
export const mockClient = (handler: Handler, options: KaizenConfig.Options = {}): MockClient => {
  const mock = mockHttp(handler)
  return { requests: mock.requests, layer: clientOver(mock.layer, options) }
}

/** Runs `use` with a `mockClient`: its result and the requests it sent. */
export const withMockClient = <A, E>(
  handler: Handler,
  use: (kaizen: KaizenClient.Service) => Effect.Effect<A, E>,
  options: KaizenConfig.Options = {}
): Effect.Effect<{ readonly result: A; readonly requests: ReadonlyArray<Recorded> }, E | ConfigError.ConfigError> => {
  const mock = mockClient(handler, options)
  return Effect.map(withClient(mock.layer, use), (result) => ({ result, requests: mock.requests }))
}

/** The direct layer on the embedded engine (`KaizenLocal.layer`): values in, no HTTP text. */
export const engineClient = (options: KaizenLocal.ClientOptions = {}): Layer.Layer<KaizenClient, ConfigError.ConfigError> =>
  KaizenLocal.layer(withDefaults(options))

/**
 * The ordinary client over the engine's `HttpClient` (`KaizenLocal.layerHttpClient()`, or `engine` such as
 * `KaizenLocal.layerHttpClient({ maxBodyBytes })`): real HTTP text, every client behaviour.
 */
export const engineOverHttp = (
  options: KaizenConfig.Options = {},
  engine: Layer.Layer<HttpClient.HttpClient> = KaizenLocal.layerHttpClient()
): Layer.Layer<KaizenClient, ConfigError.ConfigError> => clientOver(engine, { baseUrl: "local", ...options })

/**
 * An empty environment. The Node layer reads `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` when no
 * proxy is configured; on a machine that sets them, loopback calls would otherwise go to a proxy.
 */
export const noEnv: ConfigProvider.ConfigProvider = ConfigProvider.fromMap(new Map())

/**
 * The client on the real Node transport (`KaizenNode.layer`), from `options` alone.
 */
export const nodeClient = (options: KaizenNode.Options = {}): Layer.Layer<KaizenClient, ConfigError.ConfigError> =>
  KaizenNode.layer(withDefaults(options))

/**
 * Runs `use` with a `nodeClient` under an empty environment; the layer (and its connection
 * pool) is closed when `use` ends, however it ends.
 */
export const withNodeClient = <A, E>(
  options: KaizenNode.Options,
  use: (kaizen: KaizenClient.Service) => Effect.Effect<A, E>
): Effect.Effect<A, E | ConfigError.ConfigError> =>
  withClient(nodeClient(options), use).pipe(Effect.withConfigProvider(noEnv))

/**
 * `withNodeClient` against a loopback `server`, then waits until the server has no open socket:
 * closing the layer must have closed every connection the calls used.
 */
export const withLoopbackClient = <A, E>(
  server: FaultServer,
  options: Omit<KaizenNode.Options, "baseUrl">,
  use: (kaizen: KaizenClient.Service) => Effect.Effect<A, E>
): Effect.Effect<A, E | ConfigError.ConfigError> =>
  withNodeClient({ baseUrl: server.url, ...options }, use).pipe(Effect.zipLeft(server.awaitNoOpenSockets()))
