/**
 * The Node layers' configuration: the transport's own variables are read by the Node layer
 * (not the core); `layer(options)` reads nothing from the environment, and `layerConfig` over
 * a mapped `fromEnv` is the environment with code on top, checked on what a loopback server
 * received.
 */
import { describe, expect, it } from "@effect/vitest"
import { Config, ConfigProvider, Duration, Effect, Layer, Option, Redacted } from "effect"
import { KaizenClient } from "../../src/index.js"
import * as KaizenNode from "../../src/KaizenNode.js"
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
        const error = yield* Layer.build(KaizenNode.layerConfig()).pipe(Effect.scoped, withEnv(env), Effect.flip)
        expect(String(error)).toContain(variable)
        expect(String(error)).toContain(says)
      }))
  }
})

describe("layer(options) and layerConfig(config)", () => {
  it.scopedLive("layerConfig over a mapped fromEnv is the environment with the code's options on top", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({})
      const env = {
        KAIZEN_BASE_URL: server.url,
        KAIZEN_API_KEY: "sk-from-env",
        KAIZEN_TIMEOUT: "7",
        KAIZEN_MAX_RETRIES: "4",
        KAIZEN_HEADERS: "X-Team=env,X-Env=staging",
        KAIZEN_MAX_CONCURRENCY: "3",
        KAIZEN_MAX_CONNECTIONS: "5"
      }
      const config = Config.map(KaizenNode.fromEnv, (fromEnv): KaizenNode.Options => ({
        ...fromEnv,
        headers: { "X-Team": "code" },
        retry: 0,
        deadline: "20 seconds",
        maxConnections: 2
      }))
      const { config: resolved, poolSize } = yield* Effect.flatMap(KaizenClient, (kaizen) =>
        Effect.as(kaizen.compress({ data: { a: 1 } }), kaizen)).pipe(
          Effect.provide(KaizenNode.layerConfig(config)),
          withEnv(env)
        )
      // From the environment:
      expect(resolved.baseUrl).toBe(server.url.replace(/\/$/, ""))
      expect(Redacted.value(Option.getOrThrow(resolved.apiKey))).toBe("sk-from-env")
      expect(Duration.toMillis(resolved.timeout)).toBe(7000)
      expect(resolved.maxConcurrency).toBe(3)
      // From the code (headers replace the variable's as a whole, as any option does):
      expect(resolved.retry).toBe(0)
      expect(Duration.toMillis(resolved.deadline!)).toBe(20_000)
      expect(resolved.headers).toEqual({ "x-team": "code" })
      expect(poolSize).toBe(2)
      // And on the wire:
      expect(server.requests).toHaveLength(1)
      const sent = server.requests[0]!.headers
      expect(sent["x-api-key"]).toBe("sk-from-env")
      expect(sent["x-team"]).toBe("code")
      expect(sent["x-env"]).toBeUndefined()
    }))

  it.scopedLive("layer(options) reads nothing from the environment", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({})
      // Variables that would fail the layer, or change the call, if they were read.
      const env = { KAIZEN_BASE_URL: "http://127.0.0.1:1", KAIZEN_API_KEY: "sk-from-env", KAIZEN_MAX_CONNECTIONS: "zero" }
      const kaizen = yield* Effect.flatMap(KaizenClient, (kaizen) => Effect.as(kaizen.compress({ data: { a: 1 } }), kaizen)).pipe(
        Effect.provide(KaizenNode.layer({ baseUrl: server.url, retry: false })),
        withEnv(env)
      )
      expect(kaizen.config.baseUrl).toBe(server.url.replace(/\/$/, ""))
      expect(Option.isNone(kaizen.config.apiKey)).toBe(true)
      expect(kaizen.poolSize).toBe(64)
      expect(server.requests).toHaveLength(1)
      expect(server.requests[0]!.headers["x-api-key"]).toBeUndefined()
    }))

  it.effect("layerConfig() with KAIZEN_BASE_URL=local runs on the embedded engine", () =>
    Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      expect(kaizen.config.baseUrl).toBe("local")
      expect(Redacted.value(Option.getOrThrow(kaizen.config.apiKey))).toBe("sk-from-env")
      const encoded = yield* kaizen.compress({ data: { a: 1 } })
      expect(encoded.result).toBe("a: 1")
    }).pipe(
      Effect.provide(KaizenNode.layerConfig()),
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
