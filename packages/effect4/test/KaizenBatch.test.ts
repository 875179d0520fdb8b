import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { MAX_CONCURRENCY } from "../src/batch/pool.js"
import { KaizenBatch, KaizenClient, KaizenLocal } from "../src/index.js"
import type { KaizenError } from "../src/KaizenError.js"
import * as KaizenNode from "../src/KaizenNode.js"
import { json, serve } from "./support/server.js"

const rows = Array.from({ length: 40 }, (_, id) => ({ data: { id, name: `user-${id}` } }))

describe("KaizenBatch", () => {
  it.effect("stream: every item in input order, each a Result, on the engine", () =>
    Effect.gen(function*() {
      const results = yield* KaizenBatch.stream(rows, "compress").pipe(Stream.runCollect, Effect.provide(KaizenLocal.layer()))
      expectTypeOf(results[0]!).toEqualTypeOf<Result.Result<KaizenBatch.Response<"compress">, KaizenError>>()
      expect(results.length).toBe(40)
      results.forEach((result, i) => {
        expect(Result.isSuccess(result) && result.success.result).toBe(`id: ${i}\nname: user-${i}`)
      })
    }))

  it.effect("a bad item is its own Failure, in its place; an item given as a Failure is not sent", () =>
    Effect.gen(function*() {
      const items: Array<KaizenBatch.Request<"compress", string>> = [
        { data: 1 },
        { data: 2, options: { indent: 0 } },
        Result.fail("line 3 did not parse"),
        Result.succeed({ data: 4 })
      ]
      const progress: Array<KaizenBatch.Progress> = []
      const results = yield* KaizenBatch.stream(items, "compress", {
        concurrency: 2,
        onProgress: (p) => Effect.sync(() => progress.push(p))
      }).pipe(Stream.runCollect, Effect.provide(KaizenLocal.layer()))
      expect(results.map((r) => r._tag)).toEqual(["Success", "Failure", "Failure", "Success"])
      expect(Result.isFailure(results[2]!) && results[2].failure).toBe("line 3 did not parse")
      expect(progress.at(-1)).toEqual({ started: 4, succeeded: 2, failed: 2, completed: 4 })
    }))

  it.effect("failFast: the stream fails with the first typed error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        KaizenBatch.stream([{ data: 1 }, { data: 2, options: { indent: 0 } }], "compress", { failFast: true }).pipe(
          Stream.runCollect,
          Effect.provide(KaizenLocal.layer())
        )
      )
      expect(error._tag).toBe("KaizenRequestError")
    }))

  it.effect("decode routes take a schema; data-last form works in a pipe", () =>
    Effect.gen(function*() {
      const Point = Schema.Struct({ x: Schema.Number })
      const results = yield* Stream.fromIterable([{ data: "x: 1" }, { data: "x: 2" }]).pipe(
        KaizenBatch.stream("decompress", { schema: Point, failFast: true }),
        Stream.runCollect,
        Effect.provide(KaizenLocal.layer())
      )
      expect(results.map((r) => r.result.x)).toEqual([1, 2])
    }))

  it.live("streamUnordered on the Node layer: completion order with the index, at most `concurrency` in flight", () =>
    Effect.gen(function*() {
      let inFlight = 0
      let most = 0
      const server = yield* serve(async (request, response) => {
        inFlight++
        most = Math.max(most, inFlight)
        const { data } = JSON.parse(request.body) as { data: number }
        // The first item answers last.
        await new Promise((resolve) => setTimeout(resolve, data === 0 ? 150 : 5))
        inFlight--
        json(response, 200, { result: String(data) })
      })
      const kaizen = KaizenNode.layer({ baseUrl: server.url })
      const items = Array.from({ length: 12 }, (_, i) => ({ data: i }))
      const results = yield* KaizenBatch.streamUnordered(items, "compress", { concurrency: 3, failFast: true }).pipe(
        Stream.runCollect,
        Effect.provide(kaizen)
      )
      expect(results.length).toBe(12)
      expect(results.map(([, index]) => index).sort((a, b) => a - b)).toEqual(items.map((_, i) => i))
      expect(results[0]![1]).not.toBe(0)
      for (const [response, index] of results) expect(response.result).toBe(String(index))
      expect(most).toBeLessThanOrEqual(3)
    }).pipe(Effect.scoped))

  it.effect("a concurrency that is not a whole number >= 1 is a defect, nothing sent", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        KaizenBatch.stream([{ data: 1 }], "compress", { concurrency: 0 }).pipe(Stream.runCollect, Effect.provide(KaizenLocal.layer()))
      )
      expect(exit._tag === "Failure" && String(exit.cause)).toMatch(/concurrency must be a whole number/)
      expect(KaizenClient).toBeDefined()
    }))
})

// --- The Effect 3 line's pool tests (test/batch/KaizenBatch.test.ts, readAhead.test.ts), ported -----
// Over mock transports: the test decides when and in which order each call is answered, and the
// transport records what was sent and how many calls were in flight at once; counted in items
// pulled, results and calls, never in time.

/** The body the client sent, parsed. */
const bodyOf = (request: HttpClientRequest.HttpClientRequest): any => {
  const body = request.body
  if (body._tag === "Uint8Array") return JSON.parse(body.text ?? new TextDecoder().decode(body.body))
  if (body._tag === "Raw" && typeof body.body === "string") return JSON.parse(body.body)
  throw new Error(`unexpected body ${body._tag}`)
}

type Answer = { readonly status: number; readonly body: unknown }
const encoded = (result: string): Answer => ({ status: 200, body: { operation: "compress", status: "success", result } })
const rejected = (detail: string): Answer => ({ status: 400, body: { detail } })
// `id: <n>` for each item, a 400 for any item marked `bad`.
const byId = (body: any) => (body.data.bad === true ? rejected(`item ${body.data.id} is bad`) : encoded(`id: ${body.data.id}`))

const respond = (request: HttpClientRequest.HttpClientRequest, answer: Answer) =>
  HttpClientResponse.fromWeb(
    request,
    new Response(JSON.stringify(answer.body), { status: answer.status, headers: { "content-type": "application/json" } })
  )

/** One request waiting for the test's answer. */
interface Pending {
  readonly body: any
  readonly answer: (answer: Answer) => Effect.Effect<void>
}

/**
 * A client (retries off) over a transport that holds each request until the test answers it,
 * counting the requests in flight at once; `poolSize` as a Node layer's pool would say it.
 */
const gated = (poolSize?: number) =>
  Effect.gen(function*() {
    const arrivals = yield* Queue.unbounded<Pending>()
    let inFlight = 0
    let maxInFlight = 0
    let interrupted = 0
    const http = HttpClient.make((request) =>
      Effect.gen(function*() {
        const reply = yield* Deferred.make<Answer>()
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        yield* Queue.offer(arrivals, { body: bodyOf(request), answer: (answer) => Effect.asVoid(Deferred.succeed(reply, answer)) })
        const answer = yield* Deferred.await(reply).pipe(
          Effect.onInterrupt(() => Effect.sync(() => interrupted++)),
          Effect.ensuring(Effect.sync(() => inFlight--))
        )
        return respond(request, answer)
      })
    )
    return {
      arrivals,
      inFlight: () => inFlight,
      maxInFlight: () => maxInFlight,
      interrupted: () => interrupted,
      layer: Layer.effect(KaizenClient, Effect.map(Effect.service(KaizenClient), (kaizen) => ({ ...kaizen, poolSize }))).pipe(
        Layer.provide(KaizenClient.layer({ baseUrl: "http://kaizen.test", retry: false })),
        Layer.provide(Layer.succeed(HttpClient.HttpClient, http)),
        Layer.orDie
      )
    }
  })
type Gate = Effect.Success<ReturnType<typeof gated>>

/** A client (retries off) over a transport that answers at once with `answer(body)`. */
const instant = (answer: (body: any) => Answer) => {
  const sent: Array<any> = []
  const http = HttpClient.make((request) =>
    Effect.sync(() => {
      const body = bodyOf(request)
      sent.push(body)
      return respond(request, answer(body))
    })
  )
  return {
    sent,
    layer: KaizenClient.layer({ baseUrl: "http://kaizen.test", retry: false }).pipe(
      Layer.provide(Layer.succeed(HttpClient.HttpClient, http)),
      Layer.orDie
    )
  }
}

const requests = (n: number) => Array.from({ length: n }, (_, id) => ({ data: { id } }))

/** Takes `n` arrivals (waiting for each) and returns them in arrival order. */
const arrivals = (queue: Queue.Dequeue<Pending>, n: number) => Queue.takeBetween(queue, n, n)

/** Waits one turn of the event loop: every fiber that only waits on promises has run by then. */
const nextTurn = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

const resultOf = (result: unknown) =>
  Result.match(result as Result.Result<{ readonly result: string }, { readonly message: string }>, {
    onFailure: (error) => `error: ${error.message}`,
    onSuccess: (response) => response.result
  })

/** An endless source that counts the items read from it, and whether it was closed. */
const counting = () => {
  const state = { pulled: 0, closed: false }
  function* items() {
    try {
      for (let id = 0;; id++) {
        state.pulled++
        yield { data: { id } }
      }
    } finally {
      state.closed = true
    }
  }
  return { state, items }
}

// A fixed shuffle of 0..7: the order in which the test answers the calls.
const completionOrder = [5, 2, 7, 0, 3, 6, 1, 4]

describe("KaizenBatch's worker pool: order", () => {
  it.effect("stream keeps input order whatever order the calls complete in", () =>
    Effect.gen(function*() {
      const gate = yield* gated()
      const fiber = yield* KaizenBatch.stream(requests(8), "compress", { concurrency: 8 }).pipe(
        Stream.runCollect,
        Effect.provide(gate.layer),
        Effect.forkChild
      )
      const pending = yield* arrivals(gate.arrivals, 8)
      for (const id of completionOrder) yield* pending.find((p) => p.body.data.id === id)!.answer(encoded(`id: ${id}`))
      expect((yield* Fiber.join(fiber)).map(resultOf)).toEqual(requests(8).map((r) => `id: ${r.data.id}`))
    }))

  it.effect("streamUnordered gives each result as it completes, with its input's index", () =>
    Effect.gen(function*() {
      const gate = yield* gated()
      const out = yield* Queue.unbounded<readonly [unknown, number]>()
      yield* KaizenBatch.streamUnordered(requests(8), "compress", { concurrency: 8 }).pipe(
        Stream.runForEach((item) => Queue.offer(out, item)),
        Effect.provide(gate.layer),
        Effect.forkChild
      )
      const pending = yield* arrivals(gate.arrivals, 8)
      const seen: Array<number> = []
      for (const id of completionOrder) {
        yield* pending.find((p) => p.body.data.id === id)!.answer(encoded(`id: ${id}`))
        const [result, index] = yield* Queue.take(out)
        expect(resultOf(result)).toBe(`id: ${index}`)
        seen.push(index)
      }
      expect(seen).toEqual(completionOrder)
    }))

  it.effect("streamUnordered: an item that never completes holds back none of the others", () =>
    Effect.gen(function*() {
      const gate = yield* gated()
      const out = yield* Queue.unbounded<readonly [unknown, number]>()
      const fiber = yield* KaizenBatch.streamUnordered(requests(20), "compress", { concurrency: 2 }).pipe(
        Stream.runForEach((item) => Queue.offer(out, item)),
        Effect.provide(gate.layer),
        Effect.forkChild
      )
      // Item 0 is held; every other call is answered as it arrives, and each result comes out.
      const [stuck] = yield* arrivals(gate.arrivals, 1)
      expect(stuck!.body.data.id).toBe(0)
      for (let answered = 0; answered < 19; answered++) {
        const [call] = yield* arrivals(gate.arrivals, 1)
        yield* call!.answer(encoded("ok"))
      }
      const before = (yield* Queue.takeBetween(out, 19, 19)).map(([, index]) => index)
      expect([...before].sort((a, b) => a - b)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1))
      yield* stuck!.answer(encoded("ok"))
      yield* Fiber.join(fiber)
      expect((yield* Queue.clear(out)).map(([, index]) => index)).toEqual([0])
    }))
})

describe("KaizenBatch's worker pool: failures", () => {
  it.effect("the input's own failure ends the stream in its place: every item read before it is answered first", () =>
    Effect.gen(function*() {
      const input = Stream.concat(Stream.fromIterable(requests(5)), Stream.fail("the file went away" as const))
      for (const unordered of [false, true]) {
        const mock = instant(byId)
        const batch = unordered
          ? KaizenBatch.streamUnordered(input, "compress", { concurrency: 3 }).pipe(Stream.map(([result]) => result))
          : KaizenBatch.stream(input, "compress", { concurrency: 3 })
        const elements = yield* batch.pipe(Stream.result, Stream.runCollect, Effect.provide(mock.layer))
        expect(elements.slice(0, 5).map((element) => Result.isSuccess(element) && Result.isSuccess(element.success))).toEqual(
          [true, true, true, true, true]
        )
        expect(elements.slice(5)).toEqual([Result.fail("the file went away")])
        expect(mock.sent.map((body) => body.data.id).sort()).toEqual([0, 1, 2, 3, 4])
      }
    }))

  it.effect("a defect in the input stream is a defect of the batch", () =>
    Effect.gen(function*() {
      const mock = instant(byId)
      const exit = yield* KaizenBatch.stream(Stream.concat(Stream.fromIterable(requests(2)), Stream.die("boom")), "compress").pipe(
        Stream.runCollect,
        Effect.provide(mock.layer),
        Effect.exit
      )
      expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(true)
    }))

  it.effect("failFast ends the stream with the first typed error and interrupts the calls in flight", () =>
    Effect.gen(function*() {
      const gate = yield* gated()
      const fiber = yield* KaizenBatch.stream(requests(10), "compress", { concurrency: 4, failFast: true }).pipe(
        Stream.runCollect,
        Effect.provide(gate.layer),
        Effect.forkChild
      )
      const pending = yield* arrivals(gate.arrivals, 4)
      yield* pending[2]!.answer(rejected("no"))
      const exit = yield* Effect.exit(Fiber.join(fiber))
      const error = Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : undefined
      expect(error?._tag === "Some" && error.value).toMatchObject({ _tag: "KaizenAPIError", statusCode: 400, detail: "no" })
      // Every other call that started (the three waiting, and any begun as the worker moved on)
      // was interrupted, and none is left in flight.
      const started = 4 + (yield* Queue.size(gate.arrivals))
      expect(gate.interrupted()).toBe(started - 1)
      expect(gate.inFlight()).toBe(0)
    }))

  class Broken extends Error {}
  const failingAt = (n: number) =>
    function*() {
      for (let id = 0; id < n; id++) yield { data: { id } }
      throw new Broken(`item ${n} could not be read`)
    }

  for (const unordered of [false, true]) {
    it.effect(`an iterator that throws ends the batch with an UnknownError in its place, after every item read before it${unordered ? " (unordered)" : ""}`, () =>
      Effect.gen(function*() {
        const mock = instant(byId)
        const input = failingAt(99)()
        const batch: Stream.Stream<unknown, Cause.UnknownError, KaizenClient> = unordered
          ? KaizenBatch.streamUnordered(input, "compress", { concurrency: 4 }).pipe(Stream.map(([result]) => result))
          : KaizenBatch.stream(input, "compress", { concurrency: 4 })
        const elements = yield* batch.pipe(Stream.result, Stream.runCollect, Effect.provide(mock.layer))
        expect(elements).toHaveLength(100)
        const results = elements.slice(0, 99).map((e) => resultOf(Result.getOrThrow(e)))
        const expected = Array.from({ length: 99 }, (_, id) => `id: ${id}`)
        expect(unordered ? [...results].sort() : results).toEqual(unordered ? [...expected].sort() : expected)
        const last = elements[99]!
        expect(Result.isFailure(last)).toBe(true)
        const error = Result.isFailure(last) ? last.failure : undefined
        expect(Cause.isUnknownError(error)).toBe(true)
        expect((error as Cause.UnknownError).cause).toBeInstanceOf(Broken)
        expect(mock.sent).toHaveLength(99)
      }))
  }

  it.effect("failFast: an iterator's throw is the same typed failure, never a defect; an iterator that cannot be made is one too", () =>
    Effect.gen(function*() {
      const exit = yield* KaizenBatch.stream(failingAt(3)(), "compress", { concurrency: 2, failFast: true }).pipe(
        Stream.runCollect,
        Effect.provide(instant(byId).layer),
        Effect.exit
      )
      expect(Exit.isFailure(exit) && !Cause.hasDies(exit.cause)).toBe(true)
      const failure = Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : undefined
      expect(failure?._tag === "Some" && Cause.isUnknownError(failure.value)).toBe(true)

      const mock = instant(byId)
      const unmakeable: Iterable<{ data: unknown }> = {
        [Symbol.iterator]: () => {
          throw new Broken("no iterator")
        }
      }
      const none = yield* KaizenBatch.stream(unmakeable, "compress").pipe(Stream.runCollect, Effect.provide(mock.layer), Effect.exit)
      expect(Exit.isFailure(none) && !Cause.hasDies(none.cause)).toBe(true)
      const error = Exit.isFailure(none) ? Cause.findErrorOption(none.cause) : undefined
      expect(error?._tag === "Some" && (error.value as Cause.UnknownError).cause).toBeInstanceOf(Broken)
      expect(mock.sent).toEqual([])
    }))
})

describe("KaizenBatch's worker pool: concurrency, read-ahead and back-pressure", () => {
  /**
   * Runs `batch` over `gate`, waiting for a full round of calls to be in flight before answering
   * any, so the bound is reached (not only respected) whatever the scheduling.
   */
  const runInRounds = (gate: Gate, batch: Stream.Stream<unknown, never, KaizenClient>, total: number, round: number) =>
    Effect.gen(function*() {
      const fiber = yield* batch.pipe(Stream.runCollect, Effect.provide(gate.layer), Effect.forkChild)
      for (let answered = 0; answered < total;) {
        const pending = yield* arrivals(gate.arrivals, Math.min(round, total - answered))
        for (const p of pending) yield* p.answer(encoded("ok"))
        answered += pending.length
      }
      return { results: (yield* Fiber.join(fiber)).length, maxInFlight: gate.maxInFlight() }
    })

  it.effect("the default bound is the client's connection pool (poolSize: the Node layer's maxConnections)", () =>
    Effect.gen(function*() {
      const run = yield* runInRounds(yield* gated(3), KaizenBatch.stream(requests(10), "compress"), 10, 3)
      expect(run).toEqual({ results: 10, maxInFlight: 3 })
    }))

  it.effect("an explicit concurrency bounds the calls in flight, ordered or not", () =>
    Effect.gen(function*() {
      const ordered = yield* runInRounds(yield* gated(), KaizenBatch.stream(requests(9), "compress", { concurrency: 2 }), 9, 2)
      const unordered = yield* runInRounds(
        yield* gated(),
        KaizenBatch.streamUnordered(requests(9), "compress", { concurrency: 2 }),
        9,
        2
      )
      expect(ordered).toEqual({ results: 9, maxInFlight: 2 })
      expect(unordered).toEqual({ results: 9, maxInFlight: 2 })
    }))

  // Taking 10 results may leave at most a window (2 x concurrency) of items read past them.
  for (const concurrency of [1, 4, 16]) {
    for (const unordered of [false, true]) {
      it.effect(`an Iterable, concurrency ${concurrency}${unordered ? ", unordered" : ""}: taking 10 reads at most 10 + 2 x ${concurrency}`, () =>
        Effect.gen(function*() {
          const source = counting()
          const batch: Stream.Stream<unknown, unknown, KaizenClient> = unordered
            ? KaizenBatch.streamUnordered(source.items(), "compress", { concurrency })
            : KaizenBatch.stream(source.items(), "compress", { concurrency })
          const results = yield* batch.pipe(Stream.take(10), Stream.runCollect, Effect.provide(instant(byId).layer))
          expect(results).toHaveLength(10)
          if (!unordered) expect(results.map(resultOf)).toEqual(Array.from({ length: 10 }, (_, id) => `id: ${id}`))
          expect(source.state.pulled).toBeGreaterThanOrEqual(10)
          expect(source.state.pulled).toBeLessThanOrEqual(10 + 2 * concurrency)
          // Ended early, the generator is closed (its `finally` ran).
          expect(source.state.closed).toBe(true)
        }))
    }
  }

  it.effect("a Stream of single items, concurrency 4: taking 10 reads at most 10 + 8", () =>
    Effect.gen(function*() {
      const source = counting()
      const results = yield* KaizenBatch.stream(Stream.fromIteratorSucceed(source.items(), 1), "compress", { concurrency: 4 }).pipe(
        Stream.take(10),
        Stream.runCollect,
        Effect.provide(instant(byId).layer)
      )
      expect(results).toHaveLength(10)
      expect(source.state.pulled).toBeLessThanOrEqual(18)
    }))

  it.effect("calls held: an Iterable is read only as far as the calls in flight", () =>
    Effect.gen(function*() {
      const source = counting()
      const gate = yield* gated()
      const fiber = yield* KaizenBatch.stream(source.items(), "compress", { concurrency: 4 }).pipe(
        Stream.runDrain,
        Effect.provide(gate.layer),
        Effect.forkChild
      )
      yield* arrivals(gate.arrivals, 4)
      yield* nextTurn
      expect(source.state.pulled).toBe(4)
      yield* Fiber.interrupt(fiber)
    }))

  it.effect("in order, a stuck item holds at most twice the concurrency of items taken; unordered, none", () =>
    Effect.gen(function*() {
      for (const unordered of [false, true]) {
        const gate = yield* gated()
        const batch: Stream.Stream<unknown, never, KaizenClient> = unordered
          ? KaizenBatch.streamUnordered(requests(40), "compress", { concurrency: 2 })
          : KaizenBatch.stream(requests(40), "compress", { concurrency: 2 })
        const fiber = yield* batch.pipe(Stream.runCollect, Effect.provide(gate.layer), Effect.forkChild)
        // Item 0 is held; the others are answered as they arrive until no more do. The mock
        // answers through promises only, so after an event-loop turn every call that could start
        // has started.
        const [head] = yield* arrivals(gate.arrivals, 1)
        expect(head!.body.data.id).toBe(0)
        const sent = [0]
        for (;;) {
          yield* nextTurn
          const more = yield* Queue.clear(gate.arrivals)
          if (more.length === 0) break
          for (const call of more) {
            sent.push(call.body.data.id)
            yield* call.answer(encoded("ok"))
          }
        }
        // In order, the window is 2 x 2 items taken and not yet given out: 0 and the three after
        // it. Unordered, every other item was given out as it came, so all 40 were sent.
        expect(sent).toEqual(unordered ? Array.from({ length: 40 }, (_, id) => id) : [0, 1, 2, 3])
        expect(gate.inFlight()).toBe(1)
        // Once the head is answered the rest flows, in order.
        yield* head!.answer(encoded("ok"))
        for (let answered = sent.length; answered < 40; answered++) {
          const [call] = yield* arrivals(gate.arrivals, 1)
          yield* call!.answer(encoded("ok"))
        }
        expect(yield* Fiber.join(fiber)).toHaveLength(40)
      }
    }))

  it.effect("interrupting the consumer interrupts every call in flight", () =>
    Effect.gen(function*() {
      const gate = yield* gated()
      const fiber = yield* KaizenBatch.stream(requests(10), "compress", { concurrency: 4 }).pipe(
        Stream.runDrain,
        Effect.provide(gate.layer),
        Effect.forkChild
      )
      yield* arrivals(gate.arrivals, 4)
      yield* Fiber.interrupt(fiber)
      expect(gate.interrupted()).toBe(4)
      expect(gate.inFlight()).toBe(0)
      expect(yield* Queue.size(gate.arrivals)).toBe(0)
    }))

  it.effect("1e6 over 20 items: every result, nothing extra", () =>
    Effect.gen(function*() {
      const results = yield* KaizenBatch.stream(requests(20), "compress", { concurrency: 1e6 }).pipe(
        Stream.runCollect,
        Effect.provide(instant(byId).layer)
      )
      expect(results.map(resultOf)).toEqual(Array.from({ length: 20 }, (_, id) => `id: ${id}`))
    }))

  // Live: 4,096 calls each hold a timeout timer, which the TestClock would warn of.
  it.live(`a huge concurrency is capped at ${MAX_CONCURRENCY} calls in flight`, () =>
    Effect.gen(function*() {
      const source = counting()
      const gate = yield* gated()
      const fiber = yield* KaizenBatch.stream(source.items(), "compress", { concurrency: 1e6 }).pipe(
        Stream.runDrain,
        Effect.provide(gate.layer),
        Effect.forkChild
      )
      yield* arrivals(gate.arrivals, MAX_CONCURRENCY)
      yield* nextTurn
      expect(gate.maxInFlight()).toBe(MAX_CONCURRENCY)
      expect(source.state.pulled).toBe(MAX_CONCURRENCY)
      yield* Fiber.interrupt(fiber)
    }))
})

describe("KaizenBatch's worker pool: progress", () => {
  it.effect("onProgress gets the counts after every item, from zero on every run", () =>
    Effect.gen(function*() {
      const mock = instant(byId)
      const reports: Array<KaizenBatch.Progress> = []
      const input = [0, 1, 2, 3, 4].map((id) => ({ data: { id, bad: id % 2 === 1 } }))
      const batch = KaizenBatch.stream(input, "compress", {
        concurrency: 1,
        onProgress: (p) => Effect.sync(() => reports.push(p))
      })
      yield* Stream.runDrain(batch).pipe(Effect.provide(mock.layer))
      expect(reports).toEqual([
        { started: 1, succeeded: 1, failed: 0, completed: 1 },
        { started: 2, succeeded: 1, failed: 1, completed: 2 },
        { started: 3, succeeded: 2, failed: 1, completed: 3 },
        { started: 4, succeeded: 2, failed: 2, completed: 4 },
        { started: 5, succeeded: 3, failed: 2, completed: 5 }
      ])
      reports.length = 0
      yield* Stream.runDrain(batch).pipe(Effect.provide(mock.layer))
      expect(reports[0]).toEqual({ started: 1, succeeded: 1, failed: 0, completed: 1 })
      expect(reports).toHaveLength(5)
    }))
})
