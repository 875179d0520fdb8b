/**
 * The Node layers' configuration: the transport's own variables are read by the Node layer
 * (not the core), and `layerNodeWith(options)` is the environment with the options on top,
 * field by field, checked on what a loopback server received.
 */
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Layer, Option, Redacted } from "effect"
import { KaizenClient } from "../../src/index.js"
import * as KaizenNode from "../../src/KaizenNode.js"
import { nodeClient } from "../support/clients.js"
import * as FaultServer from "../support/faultServer.js"
import { MockAgent } from "undici"

const withEnv = (env: Record<string, string>) => Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

describe("the Node transport's own variables", () => {
  it.effect("are read by KaizenNode.fromEnv, with their defaults", () =>
    Effect.gen(function*() {
      const defaults = yield* KaizenNode.fromEnv.pipe(withEnv({}))
      expect(defaults).toMatchObject({ maxConnections: 64, verifySsl: true })
      expect(defaults.caFile).toBeUndefined()
      expect(defaults.proxy).toBeUndefined()
      const set = yield* KaizenNode.fromEnv.pipe(withEnv({
        KAIZEN_MAX_CONNECTIONS: "8",
        KAIZEN_VERIFY_SSL: "false",
        KAIZEN_CA_FILE: "/etc/ssl/corp.pem",
        KAIZEN_PROXY: "http://proxy.internal:3128"
      }))
      expect(set).toMatchObject({
        maxConnections: 8,
        verifySsl: false,
        caFile: "/etc/ssl/corp.pem",
        proxy: "http://proxy.internal:3128/"
      })
    }))

  const badValues: ReadonlyArray<readonly [Record<string, string>, string, string]> = [
    [{ KAIZEN_VERIFY_SSL: "maybe" }, "KAIZEN_VERIFY_SSL", "maybe"],
    [{ KAIZEN_MAX_CONNECTIONS: "0" }, "KAIZEN_MAX_CONNECTIONS", ">= 1"],
    [{ KAIZEN_PROXY: "socks5://p:1080" }, "KAIZEN_PROXY", "not supported"],
    [{ KAIZEN_CA_FILE: "/nonexistent/ca.pem" }, "KAIZEN_CA_FILE", "cannot read"]
  ]
  for (const [env, variable, says] of badValues) {
    it.effect(`${variable}=${Object.values(env)[0]} fails the Node layer's construction naming the variable`, () =>
      Effect.gen(function*() {
        const error = yield* Layer.build(KaizenClient.layerNode).pipe(Effect.scoped, withEnv(env), Effect.flip)
        expect(String(error)).toContain(variable)
        expect(String(error)).toContain(says)
      }))
  }
})

describe("layerNodeWith(options)", () => {
  it.scopedLive("is the environment with the options on top, field by field", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({})
      const env = {
        KAIZEN_BASE_URL: server.url,
        KAIZEN_API_KEY: "sk-from-env",
        KAIZEN_TIMEOUT: "7",
        KAIZEN_MAX_RETRIES: "4",
        KAIZEN_HEADERS: "X-Team=env,X-Env=staging",
        KAIZEN_MAX_CONCURRENCY: "3",
        // Overridden below: a bad value is not even read.
        KAIZEN_DEADLINE: "soon",
        KAIZEN_MAX_CONNECTIONS: "zero"
      }
      const { config, poolSize } = yield* Effect.flatMap(KaizenClient, (kaizen) =>
        Effect.as(kaizen.compress({ data: { a: 1 } }), kaizen)).pipe(
          Effect.provide(KaizenClient.layerNodeWith({
            headers: { "X-Team": "code" },
            maxRetries: 0,
            deadline: "20 seconds",
            maxConnections: 2,
            timeout: undefined
          })),
          withEnv(env)
        )
      // From the environment:
      expect(config.baseUrl).toBe(server.url.replace(/\/$/, ""))
      expect(Redacted.value(Option.getOrThrow(config.apiKey))).toBe("sk-from-env")
      expect(Duration.toMillis(config.timeout)).toBe(7000)
      expect(config.maxConcurrency).toBe(3)
      // From the options (headers replace the variable's as a whole, as any option does):
      expect(config.maxRetries).toBe(0)
      expect(Duration.toMillis(config.deadline!)).toBe(20_000)
      expect(config.headers).toEqual({ "x-team": "code" })
      expect(poolSize).toBe(2)
      // And on the wire:
      expect(server.requests).toHaveLength(1)
      const sent = server.requests[0]!.headers
      expect(sent["x-api-key"]).toBe("sk-from-env")
      expect(sent["x-team"]).toBe("code")
      expect(sent["x-env"]).toBeUndefined()
    }))

  it.effect("with KAIZEN_BASE_URL=local runs on the embedded engine, whatever the options leave out", () =>
    Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      expect(kaizen.config.baseUrl).toBe("local")
      expect(Redacted.value(Option.getOrThrow(kaizen.config.apiKey))).toBe("sk-from-env")
      const encoded = yield* kaizen.compress({ data: { a: 1 } })
      expect(encoded.result).toBe("a: 1")
    }).pipe(
      Effect.provide(nodeClient()),
      withEnv({ KAIZEN_BASE_URL: "local", KAIZEN_API_KEY: "sk-from-env" })
    ))
})

describe("a dispatcher of your own", () => {
  it.effect("is used instead of the layer's pool, and the transport still ends a hanging attempt", () =>
    Effect.gen(function*() {
      const agent = new MockAgent()
      agent.disableNetConnect()
      const origin = agent.get("http://kaizen.test")
      origin.intercept({ path: "/v1/compress", method: "POST" }).reply(200, FaultServer.okBody, {
        headers: { "content-type": "application/json" }
      })
      // Never answered: only the transport's own timer can end it (the client adds none here).
      origin.intercept({ path: "/v1/compress", method: "POST" }).reply(200, FaultServer.okBody).delay(60_000)
      const layer = KaizenNode.layer({ baseUrl: "http://kaizen.test", dispatcher: agent, retry: false, timeout: "200 millis" })
      const [first, second] = yield* Effect.flatMap(KaizenClient, (kaizen) =>
        Effect.all([kaizen.compress({ data: { a: 1 } }), Effect.flip(kaizen.compress({ data: { a: 1 } }))])).pipe(
          Effect.provide(layer),
          withEnv({})
        )
      expect(first.result).toBe("a: 1")
      expect(second).toMatchObject({ _tag: "KaizenRequestError", reason: "Timeout" })
      yield* Effect.promise(() => agent.close())
    }), { timeout: 30_000 })
})
