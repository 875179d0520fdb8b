import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/testing/TestClock"
import { KaizenConfig, KaizenLocal } from "../src/index.js"
import * as KaizenNode from "../src/KaizenNode.js"
import { json, serve } from "./support/server.js"

describe("client-side limits", () => {
  it.effect("maxRequestsPerSecond: a token bucket, under the TestClock (bursts of n, then n per second)", () =>
    Effect.gen(function*() {
      const kaizen = yield* KaizenLocal.make({ maxRequestsPerSecond: 2 })
      let done = 0
      const fiber = yield* Effect.forkChild(
        Effect.forEach(Array.from({ length: 6 }, (_, i) => i), (i) => Effect.tap(kaizen.compress({ data: i }), () => Effect.sync(() => done++)), {
          concurrency: "unbounded"
        })
      )
      yield* TestClock.adjust("1 millis")
      expect(done).toBe(2)
      yield* TestClock.adjust("1 second")
      expect(done).toBe(4)
      yield* TestClock.adjust("1 second")
      expect(done).toBe(6)
      yield* Fiber.join(fiber)
    }))

  it.effect("rateLimiter: a limit of your own wraps every attempt, retries too", () =>
    Effect.gen(function*() {
      let passed = 0
      const kaizen = yield* KaizenLocal.make({
        rateLimiter: (attempt) => Effect.andThen(Effect.sync(() => passed++), attempt)
      })
      yield* kaizen.compress({ data: 1 })
      yield* kaizen.health()
      expect(passed).toBe(2)
    }))

  it.live("maxConcurrency: at most n requests in flight across all calls", () =>
    Effect.gen(function*() {
      let inFlight = 0
      let most = 0
      const server = yield* serve(async (request, response) => {
        inFlight++
        most = Math.max(most, inFlight)
        await new Promise((resolve) => setTimeout(resolve, 10))
        inFlight--
        json(response, 200, { result: "ok" })
      })
      const kaizen = yield* KaizenNode.make({ baseUrl: server.url, maxConcurrency: 2 })
      yield* Effect.forEach(Array.from({ length: 10 }, (_, i) => i), (i) => kaizen.compress({ data: i }), { concurrency: "unbounded" })
      expect(server.requests.length).toBe(10)
      expect(most).toBeLessThanOrEqual(2)
    }).pipe(Effect.scoped))

  it.effect("KAIZEN_MAX_REQUESTS_PER_SECOND is read and validated", () =>
    Effect.gen(function*() {
      const read = (env: Record<string, string>) =>
        KaizenConfig.fromEnv.pipe(Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env }))))
      expect((yield* read({ KAIZEN_MAX_REQUESTS_PER_SECOND: "0.5" })).maxRequestsPerSecond).toBe(0.5)
      expect((yield* Effect.flip(read({ KAIZEN_MAX_REQUESTS_PER_SECOND: "0" }))).message).toMatch(/KAIZEN_MAX_REQUESTS_PER_SECOND/)
      expect((yield* Effect.flip(KaizenConfig.resolve({ maxRequestsPerSecond: -1 }))).message).toMatch(/maxRequestsPerSecond/)
    }))
})
