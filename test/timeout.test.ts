/**
 * The client-side timeout (src/internal/timeout.ts), which any transport but kaizen's own gets:
 * on the live clock one child fiber and a platform timer, under a TestClock `Effect.timeoutFail`.
 * Either way an expired attempt is interrupted (its transport sees the abort) before the typed
 * `Timeout` error is returned, and an interrupted caller takes its attempt down with it.
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Deferred, Effect, Exit, Fiber, Layer, Schedule, TestClock } from "effect"
import { KaizenClient } from "../src/index.js"
import { timeoutFail } from "../src/internal/timeout.js"
import { clientOver, withClient } from "./support/clients.js"
import { failureOf } from "./support/realClient.js"

const answer = JSON.stringify({ operation: "compress", status: "success", result: "a: 1" })

/**
 * A transport built as users build one (`HttpClient.make`): it answers after `delayMillis`, or
 * never, and records whether each request's abort signal fired and when the call ended.
 */
const transport = (delayMillis: number | "never") => {
  const signals: Array<AbortSignal> = []
  const requested = Effect.runSync(Deferred.make<void>())
  const client = HttpClient.make((request, _url, signal) => {
    signals.push(signal)
    Deferred.unsafeDone(requested, Exit.void)
    return Effect.async<HttpClientResponse.HttpClientResponse>((resume) => {
      if (delayMillis === "never") return
      const timer = setTimeout(
        () => resume(Effect.succeed(HttpClientResponse.fromWeb(request, new Response(answer)))),
        delayMillis
      )
      return Effect.sync(() => clearTimeout(timer))
    })
  })
  /** `requested` completes when the first request reaches the transport. */
  return { signals, requested, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

describe("on the live clock (one child fiber and a timer)", () => {
  it.live("a transport that never answers: Timeout, and the request was aborted before it returned", () =>
    Effect.gen(function*() {
      const { layer, signals } = transport("never")
      const error = yield* withClient(
        clientOver(layer, { timeout: "150 millis" }),
        (kaizen) =>
          Effect.map(failureOf(kaizen.compress({ data: { a: 1 } })), (error) => ({
            error,
            // Read the moment the error is returned, not after the layer is gone.
            abortedWhenReturned: signals.map((s) => s.aborted)
          }))
      )
      expect(error.error).toMatchObject({ _tag: "KaizenRequestError", reason: "Timeout", operation: "compress" })
      expect(error.error.message).toContain("timed out after 150ms")
      expect(error.abortedWhenReturned).toEqual([true])
      expect(signals).toHaveLength(1)
    }))

  it.live("an answer within the timeout is returned, and its request is not aborted", () =>
    Effect.gen(function*() {
      const { layer, signals } = transport(20)
      const result = yield* withClient(clientOver(layer, { timeout: "30 seconds" }), (kaizen) =>
        kaizen.compress({ data: { a: 1 } }))
      expect(result.result).toBe("a: 1")
      expect(signals.map((s) => s.aborted)).toEqual([false])
    }))

  it.live("each retry gets its own timeout; the deadline ends the whole call", () =>
    Effect.gen(function*() {
      const { layer, signals } = transport("never")
      // Retries without end, so only the deadline can end the call (the client's own policy,
      // with random backoff, ran out of retries first in some runs). The first attempt's timer
      // expires 40 times sooner than the deadline's, so it always fires first; a second
      // attempt then needs only the 10 ms wait: nearly two seconds of margin on a busy machine.
      const error = yield* withClient(
        clientOver(layer, { timeout: "50 millis", retry: Schedule.spaced("10 millis"), deadline: "2 seconds" }),
        (kaizen) => failureOf(kaizen.compress({ data: { a: 1 } }))
      )
      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "Timeout" })
      expect(error.message).toContain("overall deadline across retries")
      expect(signals.length).toBeGreaterThan(1)
      expect(signals.every((s) => s.aborted)).toBe(true)
    }))

  it.live("interrupting the caller interrupts the attempt and aborts its request", () =>
    Effect.gen(function*() {
      const { layer, requested, signals } = transport("never")
      const abortedWhenReturned = yield* withClient(clientOver(layer, { timeout: "1 minute" }), (kaizen) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(kaizen.compress({ data: { a: 1 } }))
          yield* Deferred.await(requested)
          const exit = yield* Fiber.interrupt(fiber)
          expect(Exit.isInterrupted(exit)).toBe(true)
          return signals.map((s) => s.aborted)
        }))
      expect(abortedWhenReturned).toEqual([true])
    }))

  it.live("the helper passes the effect's own success, failure and defect through unchanged", () =>
    Effect.gen(function*() {
      const timedOut = () => "timed out" as const
      expect(yield* timeoutFail(Effect.succeed(1), 1000, timedOut)).toBe(1)
      expect(yield* Effect.flip(timeoutFail(Effect.fail("own"), 1000, timedOut))).toBe("own")
      const defect = yield* Effect.exit(timeoutFail(Effect.die("boom"), 1000, timedOut))
      expect(Exit.isFailure(defect) && Cause.isDie(defect.cause)).toBe(true)
      // An effect that ignores interruption delays the timeout error until it has finished.
      const finished = yield* Deferred.make<void>()
      const slow = Effect.uninterruptible(Effect.zipRight(Effect.sleep("80 millis"), Deferred.succeed(finished, undefined)))
      expect(yield* Effect.flip(timeoutFail(slow, 10, timedOut))).toBe("timed out")
      expect(yield* Deferred.isDone(finished)).toBe(true)
    }))
})

/** setTimeout's largest delay: Node fires a longer one after 1 ms (with a TimeoutOverflowWarning). */
const MAX_TIMER_MILLIS = 2 ** 31 - 1

/** Records the delay of every platform timer set while the scope is open. */
const timerDelays = Effect.acquireRelease(
  Effect.sync(() => {
    const original = globalThis.setTimeout
    const delays: Array<number> = []
    globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
      delays.push(args[1] ?? 0)
      return original(...args)
    }) as typeof setTimeout
    return { delays, original }
  }),
  ({ original }) => Effect.sync(() => (globalThis.setTimeout = original))
)

/**
 * Answers after one turn of the platform's shortest timer. Its timer is set after any timer the
 * timeout sets, so a timeout that fires at once (an overflowed delay, run as 1 ms) fires first:
 * the outcome is decided by the order of two timers, not by how long anything took.
 */
const afterOneTimer = <A>(value: A) =>
  Effect.async<A>((resume) => {
    const timer = setTimeout(() => resume(Effect.succeed(value)), 1)
    return Effect.sync(() => clearTimeout(timer))
  })

describe("timeouts beyond setTimeout's maximum (~24.8 days)", () => {
  it.live("the helper: the effect's answer, and no platform timer longer than the maximum", () =>
    Effect.gen(function*() {
      const { delays } = yield* timerDelays
      const timedOut = () => "timed out" as const
      expect(yield* timeoutFail(afterOneTimer("answer"), MAX_TIMER_MILLIS + 1, timedOut)).toBe("answer")
      expect(yield* timeoutFail(afterOneTimer("answer"), 30 * 24 * 3600_000, timedOut)).toBe("answer")
      expect(delays.filter((delay) => delay > MAX_TIMER_MILLIS)).toEqual([])
    }).pipe(Effect.scoped))

  it.live("the client: a 30-day timeout and a 40-day deadline let an answer through", () =>
    Effect.gen(function*() {
      const { delays } = yield* timerDelays
      const { layer, signals } = transport(1)
      const result = yield* withClient(clientOver(layer, { timeout: "30 days", deadline: "40 days" }), (kaizen) =>
        kaizen.compress({ data: { a: 1 } }))
      expect(result.result).toBe("a: 1")
      expect(signals.map((s) => s.aborted)).toEqual([false])
      expect(delays.filter((delay) => delay > MAX_TIMER_MILLIS)).toEqual([])
    }).pipe(Effect.scoped))
})

describe("under a TestClock (Effect.timeoutFail, so the test's clock decides)", () => {
  it.effect("the attempt expires when the test clock passes the timeout, and not before", () =>
    Effect.gen(function*() {
      const { layer, signals } = transport("never")
      const fiber = yield* Effect.fork(
        Effect.flatMap(KaizenClient, (kaizen) => failureOf(kaizen.compress({ data: { a: 1 } }))).pipe(
          Effect.provide(clientOver(layer, { timeout: "30 seconds" }))
        )
      )
      yield* TestClock.adjust("29 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber)
      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "Timeout" })
      expect(signals.map((s) => s.aborted)).toEqual([true])
    }))
})
