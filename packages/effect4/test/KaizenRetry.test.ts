import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/testing/TestClock"
import { KaizenAPIError, KaizenError, KaizenRequestError, KaizenRetry } from "../src/index.js"

const api = (statusCode: number, headers: Record<string, string> = {}, retryAfter?: Duration.Duration) =>
  new KaizenAPIError({ statusCode, message: `status ${statusCode}`, method: "POST", path: "/v1/compress", payload: {}, headers, retryAfter })

/** Fails with each error in turn, then succeeds; counts attempts and when each was made. */
const script = (errors: ReadonlyArray<KaizenError.KaizenError>) => {
  const at: Array<number> = []
  const attempt = Effect.flatMap(Effect.clockWith((clock) => Effect.succeed(clock.currentTimeMillisUnsafe())), (now) => {
    at.push(now)
    const error = errors[at.length - 1]
    return error === undefined ? Effect.succeed("ok") : Effect.fail(error)
  })
  return { at, attempt }
}

/** Runs `effect` under the TestClock, moving time on far enough for any wait. */
const settle = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(effect)
    for (let i = 0; i < 20; i++) yield* TestClock.adjust("10 minutes")
    return yield* Fiber.await(fiber)
  })

describe("KaizenRetry", () => {
  it.effect("retries transient errors up to maxRetries, then gives the last error back", () =>
    Effect.gen(function*() {
      const { at, attempt } = script([api(503), api(503), api(503), api(503)])
      const exit = yield* settle(Effect.retry(attempt, KaizenRetry.policy({ maxRetries: 2 })))
      expect(exit._tag).toBe("Failure")
      expect(at.length).toBe(3)
    }))

  it.effect("succeeds once the server recovers", () =>
    Effect.gen(function*() {
      const { at, attempt } = script([api(503), new KaizenRequestError({ reason: "Timeout", message: "t" })])
      const exit = yield* settle(Effect.retry(attempt, KaizenRetry.policy()))
      expect(exit._tag).toBe("Success")
      expect(at.length).toBe(3)
    }))

  it.effect("never retries what is not transient: 400, 401, 413, 422, a refused request, a bad certificate", () =>
    Effect.gen(function*() {
      const refused = [
        api(400),
        api(401),
        api(413),
        api(422),
        api(503, { "x-should-retry": "false" }),
        new KaizenRequestError({ reason: "InvalidRequest", message: "bad" }),
        new KaizenRequestError({ reason: "InvalidResponse", message: "too large" }),
        new KaizenRequestError({ reason: "Transport", message: "tls", cause: { code: "CERT_HAS_EXPIRED" } })
      ]
      for (const error of refused) {
        const { at, attempt } = script([error, error])
        yield* settle(Effect.retry(attempt, KaizenRetry.policy()))
        expect(at.length, error.message).toBe(1)
      }
      expect(KaizenError.isTransient(api(400, { "x-should-retry": "true" }))).toBe(true)
    }))

  it.effect("waits at least the server's Retry-After, and the backoff never longer than cap", () =>
    Effect.gen(function*() {
      const wait = Duration.seconds(7)
      const { at, attempt } = script([api(429, {}, wait), api(503)])
      const exit = yield* settle(Effect.retry(attempt, KaizenRetry.policy({ base: "1 second", cap: "2 seconds" })))
      expect(exit._tag).toBe("Success")
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(7000)
      expect(at[2]! - at[1]!).toBeLessThanOrEqual(2000)
    }))

  it.effect("a Retry-After longer than maxRetryAfter is not slept: the error goes back at once, carrying it", () =>
    Effect.gen(function*() {
      const { at, attempt } = script([api(429, {}, Duration.hours(2))])
      const exit = yield* settle(Effect.retry(attempt, KaizenRetry.policy()))
      expect(at.length).toBe(1)
      expect(exit._tag).toBe("Failure")
      expect(KaizenRetry.retryAfterOf(api(429, {}, Duration.hours(2)))).toEqual(Duration.hours(2))
      expect(KaizenRetry.retryAfterOf(new KaizenRequestError({ reason: "Timeout", message: "t" }))).toBeUndefined()
    }))

  it.effect("none: the first failure is returned", () =>
    Effect.gen(function*() {
      const { at, attempt } = script([api(503), api(503)])
      yield* settle(Effect.retry(attempt, KaizenRetry.none))
      expect(at.length).toBe(1)
    }))

  it.effect("while: a predicate of your own decides", () =>
    Effect.gen(function*() {
      const { at, attempt } = script([api(400), api(400)])
      const exit = yield* settle(Effect.retry(attempt, KaizenRetry.policy({ while: (e) => e._tag === "KaizenAPIError" })))
      expect(exit._tag).toBe("Success")
      expect(at.length).toBe(3)
    }))
})
