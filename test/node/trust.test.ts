/**
 * Trust, through real sockets on loopback: the key is sent only to the configured origin (a
 * redirect to another host is a typed error, and that host receives nothing), and failures
 * that would repeat on every attempt fail once, with their own reason, instead of being
 * retried. Each ends with no socket left open and no unhandled rejection.
 */
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { KaizenAPIError, KaizenClient, KaizenRequestError, KaizenRetry } from "../../src/index.js"
import * as KaizenNode from "../../src/KaizenNode.js"
import * as NodeTransport from "../../src/internal/nodeTransport.js"
import { NodeHttpClient } from "@effect/platform-node"
import * as FaultServer from "../support/faultServer.js"
import { clientOver, noEnv, nodeClient } from "../support/clients.js"
import { failOnUnhandledRejections, failureOf } from "../support/realClient.js"

failOnUnhandledRejections()

const retries = KaizenRetry.policy({ maxRetries: 2, base: "1 millis" })

// @effect/platform-node's own undici client, over the same bounded, scoped pool.
const platformUndici = NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
  Layer.provide(Layer.scoped(NodeHttpClient.Dispatcher, NodeTransport.makeAgent()))
)

// The three transports a user may put under the client.
const transports = {
  "the Node layer": (baseUrl: string) => nodeClient({ baseUrl, apiKey: "sk-secret", retry: retries }),
  "the platform's undici client": (baseUrl: string) =>
    clientOver(platformUndici, { baseUrl, apiKey: "sk-secret", retry: retries }),
  "fetch": (baseUrl: string) => clientOver(FetchHttpClient.layer, { baseUrl, apiKey: "sk-secret", retry: retries })
} as const

const compressOn = (layer: Layer.Layer<KaizenClient, unknown>) =>
  failureOf(Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress({ data: { a: 1 } }))).pipe(
    Effect.provide(layer),
    Effect.withConfigProvider(noEnv)
  )

describe("no credential crosses an origin", () => {
  for (const [name, layerFor] of Object.entries(transports)) {
    it.scopedLive(`${name}: a 307 to another host is a typed error naming it, and that host receives nothing`, () =>
      Effect.gen(function*() {
        const elsewhere = yield* FaultServer.make({ host: "127.0.0.2" })
        const server = yield* FaultServer.make({
          fallback: FaultServer.reply(307, "", { location: `${elsewhere.url}/v1/compress` })
        })
        const error = yield* compressOn(layerFor(server.url))
        expect(error).toBeInstanceOf(KaizenAPIError)
        const apiError = error as KaizenAPIError
        expect(apiError.statusCode).toBe(307)
        expect(apiError.message).toContain(`a redirect to ${elsewhere.url}`)
        expect(apiError.message).toContain("does not follow")
        expect(apiError.message).not.toContain("sk-secret")
        // Not retried either: a redirect answers the same way every time.
        expect(server.requests).toHaveLength(1)
        expect(elsewhere.requests).toHaveLength(0)
        // fetch on Node keeps its socket in the global dispatcher's pool, which no layer owns
        // or closes; the transports kaizen-effect pools close theirs with the layer.
        if (name !== "fetch") yield* server.awaitNoOpenSockets()
      }))
  }
})

describe("deterministic failures fail once, with their own reason", () => {
  it.scopedLive("a response over maxResponseBytes: InvalidResponse, one attempt, saying what to raise", () =>
    Effect.gen(function*() {
      const big = JSON.stringify({ status: "success", result: "x".repeat(256 * 1024) })
      const server = yield* FaultServer.make({ fallback: FaultServer.reply(200, big) })
      const error = yield* compressOn(
        nodeClient({ baseUrl: server.url, retry: retries, maxResponseBytes: 64 * 1024 })
      )
      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "InvalidResponse" })
      expect((error as KaizenRequestError).message).toContain("maxResponseBytes")
      expect(server.requests).toHaveLength(1)
      yield* server.awaitNoOpenSockets()
    }))

  for (const [name, layerFor] of Object.entries(transports).filter(([name]) => name !== "fetch")) {
    it.scopedLive(`${name}: response headers over the parser's limit: InvalidResponse, one attempt`, () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make({
          fallback: FaultServer.reply(200, FaultServer.okBody, { "x-padding": "p".repeat(128 * 1024) })
        })
        const error = yield* compressOn(layerFor(server.url))
        expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "InvalidResponse" })
        expect(server.requests).toHaveLength(1)
        yield* server.awaitNoOpenSockets()
      }))
  }

  it.scopedLive("a per-call requestId or header HTTP cannot carry: InvalidRequest, nothing sent", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({})
      const layer = nodeClient({ baseUrl: server.url, retry: retries })
      const bad = [
        { requestId: "a\r\nb" },
        { headers: { "bad name": "x" } },
        { headers: { "x-note": "line\nbreak" } },
        { headers: { "x-note": "snow ☃" } }
      ]
      for (const options of bad) {
        const error = yield* failureOf(Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress({ data: 1 }, options))).pipe(
          Effect.provide(layer),
          Effect.withConfigProvider(noEnv)
        )
        expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "InvalidRequest" })
        expect((error as KaizenRequestError).message).toContain("nothing was sent")
      }
      expect(server.requests).toHaveLength(0)
    }))

  it.scopedLive("an API key ending in a newline fails the layer naming the setting, never the key; nothing sent", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({})
      const env = ConfigProvider.fromMap(new Map([["KAIZEN_BASE_URL", server.url], ["KAIZEN_API_KEY", "sk-secret\n"]]))
      const fromEnv = yield* Layer.build(KaizenNode.layerConfig()).pipe(Effect.scoped, Effect.withConfigProvider(env), Effect.flip)
      expect(String(fromEnv)).toContain("KAIZEN_API_KEY")
      expect(String(fromEnv)).not.toContain("sk-secret")
      const inCode = yield* Layer.build(KaizenNode.layer({ baseUrl: server.url, apiKey: "sk-secret\n" })).pipe(
        Effect.scoped,
        Effect.withConfigProvider(noEnv),
        Effect.flip
      )
      expect(String(inCode)).toContain("apiKey")
      expect(String(inCode)).not.toContain("sk-secret")
      expect(server.requests).toHaveLength(0)
    }))
})
