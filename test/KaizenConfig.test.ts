import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Either, Layer, Option, Redacted } from "effect"
import { readFileSync } from "node:fs"
import { KaizenClient, KaizenConfig } from "../src/index.js"
import { parseHeaders } from "../src/internal/headers.js"
import { version } from "../src/contract/version.js"
import { json, mockHttp } from "./support/mockHttp.js"

const fromEnv = (env: Record<string, string>) =>
  Effect.flatMap(KaizenConfig.fromEnv, KaizenConfig.resolve).pipe(
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
  )

describe("configuration from the environment", () => {
  it.effect("defaults", () =>
    Effect.gen(function*() {
      const config = yield* fromEnv({})
      expect(config.baseUrl).toBe("https://api.getkaizen.io")
      expect(Option.isNone(config.apiKey)).toBe(true)
      expect(Duration.toMillis(config.timeout)).toBe(30_000)
      expect(config.retry).toBe(2)
      expect(config.headers).toEqual({})
      expect(config.tracePropagation).toBe(false)
    }))

  it.effect("every variable is read", () =>
    Effect.gen(function*() {
      const config = yield* fromEnv({
        KAIZEN_BASE_URL: "http://127.0.0.1:8787/",
        KAIZEN_API_KEY: "sk-live-abc",
        KAIZEN_TIMEOUT: "2.5",
        KAIZEN_MAX_RETRIES: "5",
        KAIZEN_HEADERS: "X-Team=search,X-Note=a%20b",
        KAIZEN_DEADLINE: "60",
        KAIZEN_MAX_CONCURRENCY: "4",
        KAIZEN_MAX_REQUESTS_PER_SECOND: "10"
      })
      expect(config.baseUrl).toBe("http://127.0.0.1:8787")
      expect(Redacted.value(Option.getOrThrow(config.apiKey))).toBe("sk-live-abc")
      expect(Duration.toMillis(config.timeout)).toBe(2500)
      expect(config.retry).toBe(5)
      expect(config.headers).toEqual({ "x-team": "search", "x-note": "a b" })
      expect(Duration.toSeconds(config.deadline!)).toBe(60)
      expect(config.maxConcurrency).toBe(4)
      expect(config.maxRequestsPerSecond).toBe(10)
    }))

  it.effect("KAIZEN_HEADERS also takes a JSON object; an empty key means no key", () =>
    Effect.gen(function*() {
      const config = yield* fromEnv({ KAIZEN_HEADERS: "{\"X-Request-ID\":\"abc\"}", KAIZEN_API_KEY: "" })
      expect(config.headers).toEqual({ "x-request-id": "abc" })
      expect(Option.isNone(config.apiKey)).toBe(true)
    }))

  const badValues: Array<[Record<string, string>, string, string]> = [
    [{ KAIZEN_TIMEOUT: "soon" }, "KAIZEN_TIMEOUT", "soon"],
    [{ KAIZEN_TIMEOUT: "-1" }, "KAIZEN_TIMEOUT", "positive"],
    [{ KAIZEN_TIMEOUT: "0" }, "KAIZEN_TIMEOUT", "positive"],
    [{ KAIZEN_BASE_URL: "ftp://files.example" }, "KAIZEN_BASE_URL", "http(s)"],
    [{ KAIZEN_BASE_URL: "api.getkaizen.io" }, "KAIZEN_BASE_URL", "not a URL"],
    [{ KAIZEN_MAX_RETRIES: "-2" }, "KAIZEN_MAX_RETRIES", ">= 0"],
    [{ KAIZEN_MAX_RETRIES: "many" }, "KAIZEN_MAX_RETRIES", "many"],
    [{ KAIZEN_HEADERS: "no-equals-sign" }, "KAIZEN_HEADERS", "Name=value"],
    [{ KAIZEN_HEADERS: "{\"Bad Name\":\"x\"}" }, "KAIZEN_HEADERS", "header name"],
    [{ KAIZEN_HEADERS: "X-Note=a%0Ab" }, "KAIZEN_HEADERS", "line break"],
    [{ KAIZEN_API_KEY: "sk-secret-123\n" }, "KAIZEN_API_KEY", "line break"],
    [{ KAIZEN_BASE_URL: "https://user:hunter2@kaizen.example/" }, "KAIZEN_BASE_URL", "credentials"]
  ]
  for (const [env, variable, says] of badValues) {
    it.effect(`${variable}=${Object.values(env)[0]} fails layer construction naming the variable`, () =>
      Effect.gen(function*() {
        const mock = mockHttp(() => json({}))
        const error = yield* Layer.build(KaizenClient.layerConfig().pipe(Layer.provide(mock.layer))).pipe(
          Effect.scoped,
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
          Effect.flip
        )
        expect(error._op).toBe("InvalidData")
        expect(String(error)).toContain(variable)
        // A secret in the value is never repeated.
        expect(String(error)).not.toContain("sk-secret-123")
        expect(String(error)).not.toContain("hunter2")
        expect(String(error)).toContain(says)
      }))
  }
})

describe("options in code", () => {
  it.effect("are validated with the option's name", () =>
    Effect.gen(function*() {
      const bad = [
        [{ timeout: -5 }, "timeout"],
        [{ timeout: "soon" as never }, "timeout"],
        [{ baseUrl: "mailto:x@y" }, "baseUrl"],
        [{ retry: 1.5 }, "retry"],
        [{ headers: { "x-a": "line\nbreak" } }, "headers"],
        [{ maxConcurrency: 0 }, "maxConcurrency"],
        [{ maxRequestsPerSecond: -1 }, "maxRequestsPerSecond"],
        [{ deadline: 0 }, "deadline"],
        [{ apiKey: "sk-secret-123\r\n" }, "apiKey"],
        [{ apiKey: "sk-secret-123\u2028" }, "apiKey"],
        [{ baseUrl: "https://user:sk-secret-123@kaizen.example" }, "baseUrl"]
      ] as const
      for (const [options, name] of bad) {
        const error = yield* Effect.flip(KaizenConfig.resolve(options))
        expect(String(error)).toContain(name)
        expect(String(error)).not.toContain("sk-secret-123")
      }
    }))

  it.effect("a plain-string key is wrapped in Redacted at once", () =>
    Effect.gen(function*() {
      const config = yield* KaizenConfig.resolve({ apiKey: "sk-plain", baseUrl: "local" })
      expect(Redacted.isRedacted(Option.getOrThrow(config.apiKey))).toBe(true)
      expect(config.baseUrl).toBe("local")
    }))
})

describe("parseHeaders", () => {
  it("reads both formats and refuses what HTTP would refuse", () => {
    expect(parseHeaders("A=1, B = two ")).toEqual(Either.right({ a: "1", b: "two" }))
    expect(parseHeaders("")).toEqual(Either.right({}))
    expect(Either.isLeft(parseHeaders("{\"a\": 1}"))).toBe(true)
    expect(Either.isLeft(parseHeaders("[1]"))).toBe(true)
    expect(Either.isLeft(parseHeaders("a=%E0%A4%A"))).toBe(true)
  })
})

it("the User-Agent version is package.json's", () => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
  expect(version).toBe(pkg.version)
})
