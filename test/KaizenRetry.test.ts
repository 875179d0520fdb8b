import { describe, expect, it } from "@effect/vitest"
import { Clock, Duration, Effect, Exit, Fiber, Option, Random, Ref, TestClock } from "effect"
import { KaizenAPIError, KaizenClient, KaizenError, KaizenRequestError, KaizenRetry } from "../src/index.js"
import type { KaizenConfig } from "../src/index.js"
import { defaultRetry, mockClient } from "./support/clients.js"
import { json } from "./support/mockHttp.js"

const apiError = (statusCode: number, extra: Partial<ConstructorParameters<typeof KaizenAPIError>[0]> = {}) =>
  new KaizenAPIError({ statusCode, message: `status ${statusCode}`, method: "POST", path: "/v1/compress", payload: {}, headers: {}, ...extra })

const transport = new KaizenRequestError({ reason: "Transport", message: "reset" })

/** Runs a failing operation under a policy and records the (test) clock time of each attempt. */
const attemptTimes = (
  errors: ReadonlyArray<KaizenError.KaizenError>,
  policy: ReturnType<typeof KaizenRetry.policy>,
  afterScript: "repeat last" | "succeed" = "repeat last"
) =>
  Effect.gen(function*() {
    const times = yield* Ref.make<Array<number>>([])
    const op = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const seen = yield* Ref.updateAndGet(times, (t) => [...t, now])
      const error = errors[seen.length - 1] ?? (afterScript === "succeed" ? undefined : errors[errors.length - 1])
      return error === undefined ? "ok" : yield* Effect.fail(error)
    })
    const fiber = yield* Effect.fork(Effect.either(Effect.retry(op, policy)))
    // Far more than any delay the policies below can ask for.
    yield* TestClock.adjust(Duration.minutes(10))
    const result = yield* Fiber.join(fiber)
    return { result, times: yield* Ref.get(times) }
  })

describe("KaizenError.isTransient", () => {
  it("retries transport failures, timeouts and 408/409/429/5xx; never the client's own mistakes", () => {
    expect(KaizenError.isTransient(transport)).toBe(true)
    expect(KaizenError.isTransient(new KaizenRequestError({ reason: "Timeout", message: "t" }))).toBe(true)
    expect(KaizenError.isTransient(new KaizenRequestError({ reason: "InvalidRequest", message: "t" }))).toBe(false)
    expect(KaizenError.isTransient(new KaizenRequestError({ reason: "InvalidUrl", message: "t" }))).toBe(false)
    for (const status of [408, 409, 429, 500, 502, 503, 504]) expect(KaizenError.isTransient(apiError(status))).toBe(true)
    for (const status of [400, 401, 403, 404, 413, 422]) expect(KaizenError.isTransient(apiError(status))).toBe(false)
  })

  it("x-should-retry overrides the status either way", () => {
    expect(KaizenError.isTransient(apiError(400, { headers: { "x-should-retry": "true" } }))).toBe(true)
    expect(KaizenError.isTransient(apiError(503, { headers: { "x-should-retry": "false" } }))).toBe(false)
  })
})

describe("KaizenRetry.policy", () => {
  it.effect("stops at once on a non-transient error", () =>
    Effect.gen(function*() {
      const { result, times } = yield* attemptTimes([apiError(422)], KaizenRetry.policy())
      expect(times).toHaveLength(1)
      expect(result._tag).toBe("Left")
    }))

  it.effect("at most maxRetries retries, then the last error", () =>
    Effect.gen(function*() {
      const { result, times } = yield* attemptTimes([apiError(503)], KaizenRetry.policy({ maxRetries: 3 }))
      expect(times).toHaveLength(4)
      expect(result).toMatchObject({ _tag: "Left", left: { statusCode: 503 } })
    }))

  it.effect("succeeds when a retry does", () =>
    Effect.gen(function*() {
      const { result, times } = yield* attemptTimes([apiError(503), transport], KaizenRetry.policy({ maxRetries: 2 }), "succeed")
      expect(times).toHaveLength(3)
      expect(result).toMatchObject({ _tag: "Right", right: "ok" })
    }))

  it.effect("full jitter: each delay is r * min(cap, base * 2^n)", () =>
    Effect.gen(function*() {
      const { times } = yield* attemptTimes(
        [apiError(503)],
        KaizenRetry.policy({ maxRetries: 6, base: "500 millis", cap: "8 seconds" })
      ).pipe(Effect.withRandom(Random.fixed([0.5])))
      const delays = times.slice(1).map((t, i) => t - times[i]!)
      const expected = [500, 1000, 2000, 4000, 8000, 16000].map((ceiling) => Math.round(0.5 * Math.min(8000, ceiling)))
      expect(delays).toEqual(expected)
    }))

  it.effect("the server's Retry-After wins when it is longer than the backoff", () =>
    Effect.gen(function*() {
      const limited = apiError(429, { retryAfter: Duration.seconds(5) })
      const { times } = yield* attemptTimes([limited, limited], KaizenRetry.policy({ maxRetries: 2 })).pipe(
        Effect.withRandom(Random.fixed([0.999]))
      )
      expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual([5000, 5000])
    }))

  it.effect("a Retry-After longer than maxRetryAfter is not slept: the error comes back at once with retryAfter", () =>
    Effect.gen(function*() {
      const limited = apiError(429, { retryAfter: Duration.hours(24) })
      const { result, times } = yield* attemptTimes([limited], KaizenRetry.policy({ maxRetries: 5 }))
      expect(times).toEqual([0])
      expect(result).toMatchObject({ _tag: "Left", left: { statusCode: 429 } })
      const error = (result as { left: KaizenAPIError }).left
      expect(Duration.toSeconds(error.retryAfter!)).toBe(86400)
    }))

  it.effect("a retry wait is interrupted at once", () =>
    Effect.gen(function*() {
      const limited = apiError(429, { retryAfter: Duration.seconds(30) })
      const attempts = yield* Ref.make(0)
      const op = Effect.zipRight(Ref.update(attempts, (n) => n + 1), Effect.fail<KaizenError.KaizenError>(limited))
      const fiber = yield* Effect.fork(Effect.retry(op, KaizenRetry.policy()))
      yield* TestClock.adjust("1 second")
      // One attempt, and the fiber is in the 30-second wait, not finished.
      expect(yield* Ref.get(attempts)).toBe(1)
      expect(yield* Fiber.poll(fiber)).toEqual(Option.none())
      // Interrupted without the clock moving: the wait ended at once, and the call ended by the
      // interruption alone, not with the 429 or a retry's outcome.
      const before = yield* Clock.currentTimeMillis
      const exit = yield* Fiber.interrupt(fiber)
      expect(yield* Clock.currentTimeMillis).toBe(before)
      expect(Exit.isInterrupted(exit)).toBe(true)
      // No retry comes later either.
      yield* TestClock.adjust("1 minute")
      expect(yield* Ref.get(attempts)).toBe(1)
    }))

  it.effect("KaizenRetry.none never retries", () =>
    Effect.gen(function*() {
      const { times } = yield* attemptTimes([apiError(503)], KaizenRetry.none)
      expect(times).toHaveLength(1)
    }))
})

describe("the client retries by default", () => {
  const clientWith = (statuses: Array<number>, headers: Record<string, string> = {}) =>
    mockClient(() => {
      const status = statuses.shift() ?? 200
      return status === 200
        ? json({ status: "success", result: "a: 1" })
        : json({ detail: "busy" }, { status, headers })
    }, { retry: defaultRetry })

  it.effect("503, 503, 200: three attempts with one request ID, and the response carries it", () =>
    Effect.gen(function*() {
      const mock = clientWith([503, 503])
      const fiber = yield* Effect.fork(
        Effect.flatMap(KaizenClient, (k) => k.compress({ data: 1 })).pipe(Effect.provide(mock.layer))
      )
      yield* TestClock.adjust("1 minute")
      const response = yield* Fiber.join(fiber)
      expect(mock.requests).toHaveLength(3)
      const ids = new Set(mock.requests.map((r) => r.headers["x-request-id"]))
      expect(ids.size).toBe(1)
      expect(response.requestId).toBe([...ids][0])
    }))

  it.effect("503 forever: the typed 503 after 1 + KAIZEN_MAX_RETRIES (2) attempts, with the request ID", () =>
    Effect.gen(function*() {
      const mock = clientWith([503, 503, 503, 503, 503])
      const fiber = yield* Effect.fork(
        Effect.flatMap(KaizenClient, (k) => k.compress({ data: 1 })).pipe(Effect.provide(mock.layer), Effect.flip)
      )
      yield* TestClock.adjust("1 minute")
      const error = (yield* Fiber.join(fiber)) as KaizenAPIError
      expect(mock.requests).toHaveLength(3)
      expect(error.statusCode).toBe(503)
      expect(error.requestId).toBe(mock.requests[0]!.headers["x-request-id"])
    }))

  it.effect("an HTTP-date Retry-After is read against the Clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00Z"))
      const mock = mockClient(() =>
        json({ detail: "slow down" }, { status: 429, headers: { "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" } })
      )
      const error = yield* Effect.flatMap(KaizenClient, (k) => k.compress({ data: 1 })).pipe(
        Effect.provide(mock.layer),
        Effect.flip
      )
      expect((error as KaizenAPIError).retryAfter).toEqual(Duration.seconds(3))
    }))

  it.effect("the retry option takes another Schedule, and 0 or false turns retries off", () =>
    Effect.gen(function*() {
      const run = (options: KaizenConfig.Options) =>
        Effect.gen(function*() {
          const mock = mockClient(() => json({ detail: "busy" }, { status: 503 }), options)
          const fiber = yield* Effect.fork(
            Effect.flatMap(KaizenClient, (k) => k.compress({ data: 1 })).pipe(
              Effect.provide(mock.layer),
              Effect.either
            )
          )
          yield* TestClock.adjust("10 minutes")
          yield* Fiber.join(fiber)
          return mock.requests.length
        })
      expect(yield* run({ retry: KaizenRetry.policy({ maxRetries: 5 }) })).toBe(6)
      expect(yield* run({ retry: 0 })).toBe(1)
      expect(yield* run({ retry: false })).toBe(1)
    }))
})
