/**
 * Fault injection through the real Node layer: each misbehaviour of a loopback server ends in the
 * expected success or typed error (never a defect or an unhandled rejection), with the attempts,
 * waits and request IDs the server observed, and no socket left open afterwards.
 *
 * Timing bounds come from the server's arrival times and only as lower bounds (what the client
 * must have waited), never as upper bounds on how fast something ran.
 */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Duration, Effect, Exit, Fiber, HashMap, Logger, LogLevel, Option } from "effect"
import { KaizenAPIError, KaizenRequestError, KaizenRetry } from "../../src/index.js"
import type { KaizenClient } from "../../src/index.js"
import type * as KaizenNode from "../../src/KaizenNode.js"
import * as FaultServer from "../support/faultServer.js"
import { withLoopbackClient } from "../support/clients.js"
import { failOnUnhandledRejections, failureOf } from "../support/realClient.js"

failOnUnhandledRejections()

// Timers have millisecond resolution and start from the event loop's cached time, so a sleep can
// end up to a millisecond or so before the nominal instant; lower bounds allow for that.
const TIMER_SLACK_MS = 2

const maxRetries = 2
const fastRetry = KaizenRetry.policy({ maxRetries, base: "10 millis" })

/**
 * A fast retry policy under a test's own `options`. The per-attempt timeout stays generous: on a
 * busy machine an answer may take seconds, and a test about statuses must not see a timeout.
 * The tests about timeouts set a short one themselves, against servers that never answer.
 */
const fast = (options: Omit<KaizenNode.Options, "baseUrl"> = {}): Omit<KaizenNode.Options, "baseUrl"> => ({
  timeout: "30 seconds",
  retry: fastRetry,
  ...options
})
const shortTimeout = "300 millis"

const compress = (kaizen: KaizenClient.Service) => kaizen.compress({ data: { a: 1 } })

/**
 * The call's typed error, once the server has seen the client close every connection the call
 * used. Waited for inside the layer, so the call's own abort closed them, not the pool's teardown.
 */
const failsAndAborts = (server: FaultServer.FaultServer) => (kaizen: KaizenClient.Service) =>
  Effect.zipLeft(
    failureOf(compress(kaizen)),
    server.waitUntil("seeing every request's connection closed by the client", () =>
      server.requests.length > 0 && server.requests.every((r) => r.clientClosed))
  )

const sameRequestIdOnEveryAttempt = (server: FaultServer.FaultServer) => {
  const ids = new Set(server.requests.map((r) => r.requestId))
  expect(ids.size).toBe(1)
  const [id] = ids
  expect(id).toMatch(/^[0-9a-f-]{36}$/)
  return id!
}

/** Bounds how long an interrupt may take; without it a hung interrupt only shows as a test timeout. */
const promptly = <A, E>(effect: Effect.Effect<A, E>, what: string) =>
  Effect.timeoutFail(effect, {
    duration: "5 seconds",
    onTimeout: () => new Error(`${what} did not return within 5 seconds`)
  })

describe("Retry-After", () => {
  it.scopedLive("429 with Retry-After: 1, then 200: one retry, at least 1 s later, same request ID", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({
        script: [FaultServer.reply(429, JSON.stringify({ detail: "slow down" }), { "retry-after": "1" })]
      })
      const response = yield* withLoopbackClient(server, fast(), compress)

      expect(response.result).toBe("a: 1")
      expect(server.requests).toHaveLength(2)
      const [first, second] = server.requests
      expect(second!.arrivedAt - first!.arrivedAt).toBeGreaterThanOrEqual(1000 - TIMER_SLACK_MS)
      const id = sameRequestIdOnEveryAttempt(server)
      expect(response.requestId).toBe(id)
      // Non-enumerable: the response serialises exactly as the server sent it.
      expect(Object.keys(response)).not.toContain("requestId")
    }))

  it.scopedLive("429 with an HTTP-date Retry-After, then 200: the retry waits until that date", () =>
    Effect.gen(function*() {
      // HTTP dates have whole-second resolution: the next whole second at least 1 s ahead.
      const retryAt = Math.ceil((Date.now() + 1000) / 1000) * 1000
      const server = yield* FaultServer.make({
        script: [FaultServer.reply(429, "{}", { "retry-after": new Date(retryAt).toUTCString() })]
      })
      const response = yield* withLoopbackClient(server, fast(), compress)

      expect(response.result).toBe("a: 1")
      expect(server.requests).toHaveLength(2)
      expect(server.requests[1]!.arrivedAtWall).toBeGreaterThanOrEqual(retryAt - TIMER_SLACK_MS)
      sameRequestIdOnEveryAttempt(server)
    }))

  it.scopedLive("429 with Retry-After: 86400 is not slept: the typed 429 comes back after one request", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({
        script: [FaultServer.reply(429, JSON.stringify({ detail: "daily quota" }), { "retry-after": "86400" })]
      })
      const error = yield* withLoopbackClient(server, fast(), (kaizen) => failureOf(compress(kaizen)))

      expect(error).toBeInstanceOf(KaizenAPIError)
      expect(error).toMatchObject({ _tag: "KaizenAPIError", statusCode: 429, detail: "daily quota" })
      const retryAfter = (error as KaizenAPIError).retryAfter
      expect(retryAfter && Duration.toSeconds(retryAfter)).toBe(86400)
      expect(server.requests).toHaveLength(1)
    }))
})

describe("statuses", () => {
  it.scopedLive("503, 503, 200: three attempts, then success", () =>
    Effect.gen(function*() {
      const unavailable = FaultServer.reply(503, JSON.stringify({ detail: "upstream busy" }))
      const server = yield* FaultServer.make({ script: [unavailable, unavailable] })
      const response = yield* withLoopbackClient(server, fast(), compress)

      expect(response.result).toBe("a: 1")
      expect(server.requests).toHaveLength(3)
      expect(response.requestId).toBe(sameRequestIdOnEveryAttempt(server))
      // Every retry resends the same body.
      expect(server.requests.map((r) => r.body)).toEqual(Array(3).fill(JSON.stringify({ data: { a: 1 } })))
    }))

  it.scopedLive("503 forever: the typed 503 after maxRetries + 1 attempts", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({ fallback: FaultServer.reply(503, JSON.stringify({ detail: "down" })) })
      const error = yield* withLoopbackClient(server, fast(), (kaizen) => failureOf(compress(kaizen)))

      expect(error).toMatchObject({ _tag: "KaizenAPIError", statusCode: 503, detail: "down" })
      expect(server.requests).toHaveLength(maxRetries + 1)
      expect(error.requestId).toBe(sameRequestIdOnEveryAttempt(server))
    }))

  it.scopedLive("400: one attempt, no retry", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({ fallback: FaultServer.reply(400, JSON.stringify({ detail: "bad KTOF" })) })
      const error = yield* withLoopbackClient(server, fast(), (kaizen) => failureOf(compress(kaizen)))

      expect(error).toMatchObject({ _tag: "KaizenAPIError", statusCode: 400, detail: "bad KTOF" })
      expect(server.requests).toHaveLength(1)
    }))

  it.scopedLive("an empty 200 is a typed malformed-response error, not retried", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({ fallback: FaultServer.empty200 })
      const error = yield* withLoopbackClient(server, fast(), (kaizen) => failureOf(compress(kaizen)))

      expect(error).toBeInstanceOf(KaizenAPIError)
      expect(error).toMatchObject({ _tag: "KaizenAPIError", statusCode: 200, payload: "" })
      expect(error.message).toContain("malformed response: the body is empty")
      expect(server.requests).toHaveLength(1)
    }))
})

describe("broken connections", () => {
  // A connection that breaks once, before the headers or in the middle of the body, costs one retry.
  const breaks = [
    ["reset before the headers", FaultServer.resetBeforeHeaders],
    ["body cut short", FaultServer.cutBody()]
  ] as const
  for (const [what, fault] of breaks) {
    it.scopedLive(`${what}, then 200: retried, success`, () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make({ script: [fault] })
        const response = yield* withLoopbackClient(server, fast(), compress)

        expect(response.result).toBe("a: 1")
        expect(server.requests.map((r) => r.behaviour)).toEqual([fault._tag, "Reply"])
        sameRequestIdOnEveryAttempt(server)
      }))
  }

  it.scopedLive("body cut short on every attempt: a typed Transport error once out of retries", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({ fallback: FaultServer.cutBody() })
      const error = yield* withLoopbackClient(server, fast(), (kaizen) => failureOf(compress(kaizen)))

      expect(error).toBeInstanceOf(KaizenRequestError)
      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "Transport" })
      expect(error.message).toContain("while reading the response body")
      expect(server.requests).toHaveLength(maxRetries + 1)
    }))
})

describe("timeouts and interruption", () => {
  it.scopedLive("a server that never answers: Timeout on every attempt, each request aborted", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({ fallback: FaultServer.hang })
      const error = yield* withLoopbackClient(server, fast({ timeout: shortTimeout }), failsAndAborts(server))

      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "Timeout" })
      expect(error.message).toContain("timed out after 300ms")
      expect(server.requests).toHaveLength(maxRetries + 1)
      expect(error.requestId).toBe(sameRequestIdOnEveryAttempt(server))
    }))

  it.scopedLive("headers, then a stalled body: Timeout, because the per-attempt timeout covers the body", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({ fallback: FaultServer.stallBody() })
      const error = yield* withLoopbackClient(server, fast({ retry: false, timeout: shortTimeout }), failsAndAborts(server))

      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "Timeout" })
      expect(error.message).toContain("no complete response")
      expect(server.requests).toHaveLength(1)
      expect(server.requests[0]!.completed).toBe(false)
    }))

  it.scopedLive("interrupting a hanging call returns at once and closes its connection", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({ fallback: FaultServer.hang })
      yield* withLoopbackClient(server, fast({ timeout: "60 seconds" }), (kaizen) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(compress(kaizen))
          yield* server.waitUntil("receiving the request", () => server.requests.length === 1)
          const exit = yield* promptly(Fiber.interrupt(fiber), "Fiber.interrupt")
          expect(Exit.isInterrupted(exit)).toBe(true)
          yield* server.waitUntil("seeing the interrupted request's connection closed", () =>
            server.requests[0]?.clientClosed === true)
        }))
      expect(server.requests).toHaveLength(1)
    }))

  it.scopedLive("a call still queued for a socket when it times out or is interrupted is never sent", () =>
    Effect.gen(function*() {
      // One connection: the first call holds it (the server never answers it), the next ones
      // wait in the pool's queue. Then a call that is answered: the requests the server saw
      // show whether a queued call went out once the socket was free.
      const server = yield* FaultServer.make({ script: [FaultServer.hang], fallback: FaultServer.ok })
      const ids = yield* withLoopbackClient(server, fast({ retry: false, maxConnections: 1 }), (kaizen) =>
        Effect.gen(function*() {
          const holder = yield* Effect.fork(kaizen.compress({ data: { a: 1 } }, { requestId: "holder" }))
          yield* server.waitUntil("receiving the first request", () => server.requests.length === 1)
          const timedOut = yield* Effect.fork(
            kaizen.compress({ data: { a: 1 } }, { requestId: "queued-timeout" }).pipe(
              Effect.timeoutFail({ duration: "200 millis", onTimeout: () => "expired" as const }),
              Effect.flip
            )
          )
          const interrupted = yield* Effect.fork(kaizen.compress({ data: { a: 1 } }, { requestId: "queued-interrupt" }))
          expect(yield* Fiber.join(timedOut)).toBe("expired")
          expect(Exit.isInterrupted(yield* promptly(Fiber.interrupt(interrupted), "Fiber.interrupt"))).toBe(true)
          // Frees the socket: a queued call not abandoned would be sent now, before the next one.
          expect(Exit.isInterrupted(yield* promptly(Fiber.interrupt(holder), "Fiber.interrupt"))).toBe(true)
          yield* kaizen.compress({ data: { a: 1 } }, { requestId: "after" })
          return server.requests.map((r) => r.requestId)
        }))
      expect(ids).toEqual(["holder", "after"])
    }))

  it.scopedLive("interrupting a call during a long Retry-After wait returns at once", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({
        script: [FaultServer.reply(429, "{}", { "retry-after": "30" })]
      })
      // The policy logs each retry, with its delay, just before sleeping: the signal that the
      // call is in the wait.
      const retryScheduled = yield* Deferred.make<unknown>()
      const retryLog = Logger.make(({ annotations }) => {
        const delay = HashMap.get(annotations, "kaizen.delay_ms")
        if (Option.isSome(delay)) Deferred.unsafeDone(retryScheduled, Exit.succeed(delay.value))
      })
      const retry = KaizenRetry.policy({ maxRetries, base: "10 millis", maxRetryAfter: "60 seconds" })
      yield* withLoopbackClient(server, fast({ retry }), (kaizen) =>
        Effect.gen(function*() {
          const fiber = yield* compress(kaizen).pipe(
            Effect.provide(Logger.replace(Logger.defaultLogger, retryLog)),
            Logger.withMinimumLogLevel(LogLevel.Debug),
            Effect.fork
          )
          const delayMs = yield* promptly(Deferred.await(retryScheduled), "scheduling the retry")
          expect(delayMs).toBeGreaterThanOrEqual(30_000)
          const exit = yield* promptly(Fiber.interrupt(fiber), "Fiber.interrupt")
          expect(Exit.isInterrupted(exit)).toBe(true)
        }))
      expect(server.requests).toHaveLength(1)
    }))

  it.scopedLive("an overall deadline across retries ends the call with a Timeout naming the deadline", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({ fallback: FaultServer.hang })
      // The retries would take 21 x 300 ms: the deadline ends them. The second attempt is due
      // about 310 ms in, so it reaches the server with well over a second to spare on a busy
      // machine (with a 700 ms deadline it did not always).
      const retries = 20
      const error = yield* withLoopbackClient(
        server,
        fast({
          timeout: shortTimeout,
          deadline: "2 seconds",
          retry: KaizenRetry.policy({ maxRetries: retries, base: "10 millis" })
        }),
        failsAndAborts(server)
      )

      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "Timeout" })
      expect(error.message).toContain("deadline")
      expect(error.message).toContain("after 2s")
      // At least one retry happened, and the deadline cut the retries short.
      expect(server.requests.length).toBeGreaterThanOrEqual(2)
      expect(server.requests.length).toBeLessThan(retries + 1)
    }))
})

describe("client-side limits", () => {
  it.scopedLive("maxConcurrency: 2 with 10 calls: the server never has more than 2 in flight", () =>
    Effect.gen(function*() {
      // Each answer waits 200 ms, so the two calls in flight overlap at the server even when a
      // busy machine is slow to accept the second one's connection.
      const server = yield* FaultServer.make({ fallback: FaultServer.slow(200) })
      const calls = 10
      yield* withLoopbackClient(server, fast({ maxConcurrency: 2 }), (kaizen) =>
        Effect.all(Array.from({ length: calls }, () => compress(kaizen)), { concurrency: "unbounded" }))

      expect(server.requests).toHaveLength(calls)
      // Exactly 2: the limit was reached (the calls did overlap) and never exceeded.
      expect(server.maxInFlight()).toBe(2)
    }))

  it.scopedLive("maxRequestsPerSecond: 5 with 10 calls: the arrivals spread over about a second", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make()
      const calls = 10
      yield* withLoopbackClient(server, fast({ maxRequestsPerSecond: 5 }), (kaizen) =>
        Effect.all(Array.from({ length: calls }, () => compress(kaizen)), { concurrency: "unbounded" }))

      expect(server.requests).toHaveLength(calls)
      const arrivals = server.requests.map((r) => r.arrivedAt)
      // A bucket of 5 refilled every 200 ms: the last 5 wait about 1 s in all. Generous bound.
      expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual(800)
    }))
})

describe("trace propagation", () => {
  const traceHeaders = (server: FaultServer.FaultServer) => {
    const headers = server.requests[0]!.headers
    return { traceparent: headers["traceparent"], b3: headers["b3"] }
  }

  it.scopedLive("no traceparent or b3 by default, even inside a span", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make()
      yield* withLoopbackClient(server, fast(), (kaizen) => compress(kaizen).pipe(Effect.withSpan("caller")))

      expect(traceHeaders(server)).toEqual({ traceparent: undefined, b3: undefined })
    }))

  it.scopedLive("tracePropagation: true inside a span sends the caller's trace", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make()
      const traceId = yield* withLoopbackClient(server, fast({ tracePropagation: true }), (kaizen) =>
        Effect.gen(function*() {
          const span = yield* Effect.currentSpan
          yield* compress(kaizen)
          return span.traceId
        }).pipe(Effect.withSpan("caller")))

      const { b3, traceparent } = traceHeaders(server)
      expect(traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`))
      expect(b3).toMatch(new RegExp(`^${traceId}-[0-9a-f]{16}-[01]`))
    }))
})
