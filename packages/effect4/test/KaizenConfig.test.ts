import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { KaizenConfig } from "../src/index.js"

const fromEnv = (env: Record<string, string>) =>
  KaizenConfig.fromEnv.pipe(Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env }))))

describe("KaizenConfig", () => {
  it.effect("reads every KAIZEN_* variable, the key as Redacted", () =>
    Effect.gen(function*() {
      const options = yield* fromEnv({
        KAIZEN_BASE_URL: "http://127.0.0.1:8787/",
        KAIZEN_API_KEY: "sk-env",
        KAIZEN_TIMEOUT: "2.5",
        KAIZEN_MAX_RETRIES: "5",
        KAIZEN_HEADERS: "X-Team=search,X-Env=ci",
        KAIZEN_DEADLINE: "10",
        KAIZEN_MAX_CONCURRENCY: "4"
      })
      expect(options.baseUrl).toBe("http://127.0.0.1:8787")
      expect(Redacted.isRedacted(options.apiKey)).toBe(true)
      expect(Redacted.value(options.apiKey as Redacted.Redacted<string>)).toBe("sk-env")
      expect(String(options.apiKey)).not.toContain("sk-env")
      expect(Duration.toMillis(options.timeout as Duration.Duration)).toBe(2500)
      expect(options.retry).toBe(5)
      expect(options.headers).toEqual({ "x-team": "search", "x-env": "ci" })
      expect(Duration.toMillis(options.deadline as Duration.Duration)).toBe(10_000)
      expect(options.maxConcurrency).toBe(4)
    }))

  it.effect("defaults when nothing is set", () =>
    Effect.gen(function*() {
      const options = yield* fromEnv({})
      expect(options.baseUrl).toBe(KaizenConfig.DEFAULT_BASE_URL)
      expect(options.apiKey).toBeUndefined()
      expect(options.retry).toBe(2)
      expect(Duration.toMillis(options.timeout as Duration.Duration)).toBe(30_000)
      const resolved = yield* KaizenConfig.resolve(options)
      expect(resolved.baseUrl).toBe("https://api.getkaizen.io")
      expect(Option.isNone(resolved.apiKey)).toBe(true)
    }))

  it.effect("a bad variable fails naming it, never repeating a key", () =>
    Effect.gen(function*() {
      for (
        const [name, value, pattern] of [
          ["KAIZEN_TIMEOUT", "-1", /KAIZEN_TIMEOUT/],
          ["KAIZEN_TIMEOUT", "soon", /KAIZEN_TIMEOUT/],
          ["KAIZEN_MAX_RETRIES", "-2", /KAIZEN_MAX_RETRIES/],
          ["KAIZEN_BASE_URL", "ftp://x", /KAIZEN_BASE_URL/],
          ["KAIZEN_DEADLINE", "abc", /KAIZEN_DEADLINE/],
          ["KAIZEN_MAX_CONCURRENCY", "0", /KAIZEN_MAX_CONCURRENCY/],
          ["KAIZEN_HEADERS", "nonsense", /KAIZEN_HEADERS/]
        ] as const
      ) {
        const error = yield* Effect.flip(fromEnv({ [name]: value }))
        expect(error.message, `${name}=${value}`).toMatch(pattern)
      }
      const key = yield* Effect.flip(fromEnv({ KAIZEN_API_KEY: "sk-secret\n" }))
      expect(key.message).toMatch(/KAIZEN_API_KEY/)
      expect(key.message).not.toContain("sk-secret")
    }))

  it.effect("an empty key is no key", () =>
    Effect.gen(function*() {
      const resolved = yield* KaizenConfig.resolve(yield* fromEnv({ KAIZEN_API_KEY: "  " }))
      expect(Option.isNone(resolved.apiKey)).toBe(true)
    }))

  it.effect("options in code are validated, each error naming the option", () =>
    Effect.gen(function*() {
      expect((yield* Effect.flip(KaizenConfig.resolve({ timeout: -1 }))).message).toMatch(/timeout/)
      expect((yield* Effect.flip(KaizenConfig.resolve({ retry: 1.5 }))).message).toMatch(/retry/)
      expect((yield* Effect.flip(KaizenConfig.resolve({ baseUrl: "http://u:p@host" }))).message).toMatch(/credentials/)
      expect((yield* Effect.flip(KaizenConfig.resolve({ headers: { "Bad Name": "x" } }))).message).toMatch(/headers/)
      expect((yield* Effect.flip(KaizenConfig.resolve({ maxConcurrency: 0 }))).message).toMatch(/maxConcurrency/)
      const resolved = yield* KaizenConfig.resolve({ baseUrl: new URL("http://h:1/api/"), apiKey: "sk", timeout: "5 seconds" })
      expect(resolved.baseUrl).toBe("http://h:1/api")
      expect(Duration.toMillis(resolved.timeout)).toBe(5000)
    }))
})
