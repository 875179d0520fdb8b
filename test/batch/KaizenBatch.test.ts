/**
 * KaizenBatch over mock transports: the test decides when and in which order each call is
 * answered, and the transport records what was sent and how many calls were in flight at once.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Chunk, Effect, Either, Exit, Fiber, Option, Queue, Schema, Stream, SubscriptionRef } from "effect"
import { KaizenBatch } from "../../src/index.js"
import type { KaizenClient } from "../../src/index.js"
import type { KaizenAPIError } from "../../src/index.js"
import { decoded, encoded, gated, instant, rejected } from "./support.js"
import type { Pending } from "./support.js"

const requests = (n: number) => Array.from({ length: n }, (_, id) => ({ data: { id } }))

// Answers for the mock: `id: <n>` for each item, a 400 for any item marked `bad`.
const byId = (body: any) => (body.data.bad === true ? rejected(`item ${body.data.id} is bad`) : encoded(`id: ${body.data.id}`))

const resultOf = Either.match({
  onLeft: (error: { readonly message: string }) => `error: ${error.message}`,
  onRight: (response: { readonly result: string }) => response.result
})

/** Takes `n` arrivals (waiting for each) and returns them in arrival order. */
const arrivals = (queue: Queue.Dequeue<Pending>, n: number) =>
  Effect.map(Queue.takeBetween(queue, n, n), Chunk.toReadonlyArray)

/** Waits one turn of the event loop: every fiber that only waits on promises has run by then. */
const nextTurn = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

// A fixed shuffle of 0..7: the order in which the test answers the calls.
const completionOrder = [5, 2, 7, 0, 3, 6, 1, 4]

describe("order", () => {
  it.effect("stream keeps input order whatever order the calls complete in", () =>
    Effect.gen(function*() {
      const gate = yield* gated()
      const fiber = yield* KaizenBatch.stream(requests(8), "compress", { concurrency: 8 }).pipe(
        Stream.runCollect,
        Effect.provide(gate.layer),
        Effect.fork
      )
      const pending = yield* arrivals(gate.arrivals, 8)
      for (const id of completionOrder) {
        const call = pending.find((p) => p.body.data.id === id)!
        yield* call.answer(encoded(`id: ${id}`))
      }
      const results = Chunk.toReadonlyArray(yield* Fiber.join(fiber)).map(resultOf)
      expect(results).toEqual(requests(8).map((r) => `id: ${r.data.id}`))
    }))

  it.effect("streamUnordered gives each result as it completes, with its input's index", () =>
    Effect.gen(function*() {
      const gate = yield* gated()
      const out = yield* Queue.unbounded<readonly [Either.Either<{ readonly result: string }, unknown>, number]>()
      yield* KaizenBatch.streamUnordered(requests(8), "compress", { concurrency: 8 }).pipe(
        Stream.runForEach((item) => Queue.offer(out, item)),
        Effect.provide(gate.layer),
        Effect.fork
      )
      const pending = yield* arrivals(gate.arrivals, 8)
      const seen: Array<number> = []
      for (const id of completionOrder) {
        yield* pending.find((p) => p.body.data.id === id)!.answer(encoded(`id: ${id}`))
        const [result, index] = yield* Queue.take(out)
        expect(resultOf(result as Either.Either<{ readonly result: string }, KaizenAPIError>)).toBe(`id: ${index}`)
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
        Effect.fork
      )
      // Item 0 is held; every other call is answered as it arrives, and each result comes out.
      const [stuck] = yield* arrivals(gate.arrivals, 1)
      expect(stuck!.body.data.id).toBe(0)
      for (let answered = 0; answered < 19; answered++) {
        const [call] = yield* arrivals(gate.arrivals, 1)
        yield* call!.answer(encoded("ok"))
      }
      const before = Chunk.toReadonlyArray(yield* Queue.takeBetween(out, 19, 19)).map(([, index]) => index)
      expect([...before].sort((a, b) => a - b)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1))
      yield* stuck!.answer(encoded("ok"))
      yield* Fiber.join(fiber)
      expect(Chunk.toReadonlyArray(yield* Queue.takeAll(out)).map(([, index]) => index)).toEqual([0])
    }))
})

describe("failures", () => {
  it.effect("each item's failure is a typed value and the other items go on", () =>
    Effect.gen(function*() {
      const mock = instant(byId)
      const input = [
        { data: { id: 0 } },
        { data: { id: 1, bad: true } },
        // BigInt is not JSON: refused locally, nothing sent.
        { data: { id: 2, size: 10n } },
        { data: { id: 3 } }
      ]
      const results = Chunk.toReadonlyArray(
        yield* KaizenBatch.stream(input, "compress").pipe(Stream.runCollect, Effect.provide(mock.layer))
      )
      expect(results.map(Either.isRight)).toEqual([true, false, false, true])
      const [, api, local] = results.map((r) => Either.getLeft(r).pipe(Option.getOrUndefined))
      expect(api).toMatchObject({ _tag: "KaizenAPIError", statusCode: 400, detail: "item 1 is bad" })
      expect(local).toMatchObject({ _tag: "KaizenRequestError", reason: "InvalidRequest" })
      expect(mock.sent.map((s) => s.body.data.id)).toEqual([0, 1, 3])
    }))

  it.effect("an item given as a Left is that item's failure, in its place, counted, and unsent", () =>
    Effect.gen(function*() {
      const mock = instant(byId)
      const reports: Array<KaizenBatch.Progress> = []
      const input = [
        Either.right({ data: { id: 0 } }),
        Either.left("line 2 is not JSON"),
        { data: { id: 2 } },
        Either.right({ data: { id: 3, bad: true } })
      ]
      const results = Chunk.toReadonlyArray(
        yield* KaizenBatch.stream(input, "compress", {
          concurrency: 1,
          onProgress: (p) => Effect.sync(() => reports.push(p))
        }).pipe(Stream.runCollect, Effect.provide(mock.layer))
      )
      expect(results.map(Either.isRight)).toEqual([true, false, true, false])
      expect(Either.getLeft(results[1]!).pipe(Option.getOrUndefined)).toBe("line 2 is not JSON")
      expect(Either.getLeft(results[3]!).pipe(Option.getOrUndefined)).toMatchObject({ _tag: "KaizenAPIError" })
      expect(mock.sent.map((s) => s.body.data.id)).toEqual([0, 2, 3])
      expect(reports.at(-1)).toEqual({ started: 4, succeeded: 2, failed: 2, completed: 4 })

      // With failFast, the Left ends the stream, and nothing after it is sent.
      const failFast = instant(byId)
      const exit = yield* KaizenBatch.stream(input, "compress", { concurrency: 1, failFast: true }).pipe(
        Stream.runCollect,
        Effect.provide(failFast.layer),
        Effect.exit
      )
      const error = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
      expect(Option.getOrUndefined(error)).toBe("line 2 is not JSON")
      expect(failFast.sent.map((s) => s.body.data.id)).toEqual([0])
    }))

  it.effect("the input's own failure ends the stream in its place: every item read before it is answered first", () =>
    Effect.gen(function*() {
      const input = Stream.concat(Stream.fromIterable(requests(5)), Stream.fail("the file went away" as const))
      for (const unordered of [false, true]) {
        const mock = instant(byId)
        const batch = unordered
          ? KaizenBatch.streamUnordered(input, "compress", { concurrency: 3 }).pipe(Stream.map(([result]) => result))
          : KaizenBatch.stream(input, "compress", { concurrency: 3 })
        const elements = Chunk.toReadonlyArray(yield* batch.pipe(Stream.either, Stream.runCollect, Effect.provide(mock.layer)))
        expect(elements.slice(0, 5).map((element) => Either.isRight(element) && Either.isRight(element.right))).toEqual(
          [true, true, true, true, true]
        )
        expect(elements.slice(5)).toEqual([Either.left("the file went away")])
        expect(mock.sent.map((s) => s.body.data.id).sort()).toEqual([0, 1, 2, 3, 4])
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
      expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
    }))

  it.effect("failFast ends the stream with the first typed error and interrupts the calls in flight", () =>
    Effect.gen(function*() {
      const gate = yield* gated()
      const fiber = yield* KaizenBatch.stream(requests(10), "compress", { concurrency: 4, failFast: true }).pipe(
        Stream.runCollect,
        Effect.provide(gate.layer),
        Effect.fork
      )
      const pending = yield* arrivals(gate.arrivals, 4)
      yield* pending[2]!.answer(rejected("no"))
      const exit = yield* Fiber.await(fiber)
      const error = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
      expect(Option.getOrUndefined(error)).toMatchObject({ _tag: "KaizenAPIError", statusCode: 400, detail: "no" })
      // Every other call that started (the three waiting, and any begun as the permit freed)
      // was interrupted, and none is left in flight.
      const started = 4 + (yield* Queue.size(gate.arrivals))
      expect(gate.interrupted()).toBe(started - 1)
      expect(gate.inFlight()).toBe(0)
    }))

  it.effect("a concurrency that is not a whole number >= 1 dies before anything is sent", () =>
    Effect.gen(function*() {
      const mock = instant(byId)
      const exit = yield* KaizenBatch.stream(requests(3), "compress", { concurrency: 0 }).pipe(
        Stream.runCollect,
        Effect.provide(mock.layer),
        Effect.exit
      )
      expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
      expect(Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "").toContain("concurrency must be a whole number >= 1, got 0")
      expect(mock.sent).toEqual([])
    }))
})

describe("concurrency and back-pressure", () => {
  /**
   * Runs `batch` over `gate`, waiting for a full round of calls to be in flight before answering
   * any, so the bound is reached (not only respected) whatever the scheduling; returns how many
   * results came out and the most calls the transport saw in flight at once.
   */
  const runInRounds = (
    gate: Effect.Effect.Success<ReturnType<typeof gated>>,
    batch: Stream.Stream<unknown, never, KaizenClient>,
    total: number,
    round: number
  ) =>
    Effect.gen(function*() {
      const fiber = yield* batch.pipe(Stream.runCollect, Effect.provide(gate.layer), Effect.fork)
      for (let answered = 0; answered < total;) {
        const pending = yield* arrivals(gate.arrivals, Math.min(round, total - answered))
        for (const p of pending) yield* p.answer(encoded("ok"))
        answered += pending.length
      }
      return { results: Chunk.size(yield* Fiber.join(fiber)), maxInFlight: gate.maxInFlight() }
    })

  it.effect("the default bound is the client's connection pool (poolSize: the Node layer's maxConnections)", () =>
    Effect.gen(function*() {
      const gate = yield* gated({}, 3)
      const run = yield* runInRounds(gate, KaizenBatch.stream(requests(10), "compress"), 10, 3)
      expect(run).toEqual({ results: 10, maxInFlight: 3 })
    }))

  it.effect("an explicit concurrency bounds the calls in flight, ordered or not", () =>
    Effect.gen(function*() {
      const options = { concurrency: 2 }
      const ordered = yield* runInRounds(
        yield* gated(),
        KaizenBatch.stream(requests(9), "compress", options),
        9,
        2
      )
      const unordered = yield* runInRounds(
        yield* gated(),
        KaizenBatch.streamUnordered(requests(9), "compress", options),
        9,
        2
      )
      expect(ordered).toEqual({ results: 9, maxInFlight: 2 })
      expect(unordered).toEqual({ results: 9, maxInFlight: 2 })
    }))

  it.effect("an endless lazy source: taking results ends the batch, and the source is read at most a window (2 x concurrency) ahead", () =>
    Effect.gen(function*() {
      const mock = instant(byId)
      let pulled = 0
      function* endless() {
        for (let id = 0;; id++) {
          pulled++
          yield { data: { id } }
        }
      }
      const results = yield* KaizenBatch.stream(endless(), "compress", { concurrency: 4 }).pipe(
        Stream.take(20),
        Stream.runCollect,
        Effect.provide(mock.layer)
      )
      expect(Chunk.toReadonlyArray(results).map(resultOf)).toEqual(requests(20).map((r) => `id: ${r.data.id}`))
      expect(pulled).toBeLessThanOrEqual(20 + 2 * 4)
    }))

  it.effect("in order, a slow item holds at most twice the concurrency of items read past it", () =>
    Effect.gen(function*() {
      const gate = yield* gated()
      const fiber = yield* KaizenBatch.stream(requests(40), "compress", { concurrency: 2 }).pipe(
        Stream.runCollect,
        Effect.provide(gate.layer),
        Effect.fork
      )
      // Item 0 is held; the others are answered as they arrive until no more do. The mock
      // answers through promises only, so after an event-loop turn every call that could start
      // has started.
      const [head] = yield* arrivals(gate.arrivals, 1)
      expect(head!.body.data.id).toBe(0)
      const sent = [0]
      for (;;) {
        yield* nextTurn
        const more = Chunk.toReadonlyArray(yield* Queue.takeAll(gate.arrivals))
        if (more.length === 0) break
        for (const call of more) {
          sent.push(call.body.data.id)
          yield* call.answer(encoded("ok"))
        }
      }
      // The window is 2 x 2 items taken and not yet given out: 0 and the three after it.
      expect(sent).toEqual([0, 1, 2, 3])
      expect(gate.inFlight()).toBe(1)
      // Once the head is answered the rest flows, in order.
      yield* head!.answer(encoded("ok"))
      for (let answered = 4; answered < 40; answered++) {
        const [call] = yield* arrivals(gate.arrivals, 1)
        yield* call!.answer(encoded("ok"))
      }
      expect(Chunk.size(yield* Fiber.join(fiber))).toBe(40)
    }))

  it.effect("interrupting the consumer interrupts every call in flight", () =>
    Effect.gen(function*() {
      const gate = yield* gated()
      const fiber = yield* KaizenBatch.stream(requests(10), "compress", { concurrency: 4 }).pipe(
        Stream.runDrain,
        Effect.provide(gate.layer),
        Effect.fork
      )
      yield* arrivals(gate.arrivals, 4)
      yield* Fiber.interrupt(fiber)
      expect(gate.interrupted()).toBe(4)
      expect(gate.inFlight()).toBe(0)
      expect(yield* Queue.size(gate.arrivals)).toBe(0)
    }))
})

describe("progress", () => {
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

  it.effect("progress as a Stream: a SubscriptionRef set by onProgress, read through its changes", () =>
    Effect.gen(function*() {
      const mock = instant(byId)
      const progress = yield* SubscriptionRef.make({ started: 0, succeeded: 0, failed: 0, completed: 0 })
      const watcher = yield* progress.changes.pipe(
        Stream.takeUntil((p) => p.completed === 50),
        Stream.runCollect,
        Effect.fork
      )
      yield* KaizenBatch.stream(requests(50), "compress", {
        concurrency: 8,
        onProgress: (p) => SubscriptionRef.set(progress, p)
      }).pipe(Stream.runDrain, Effect.provide(mock.layer))
      const seen = Chunk.toReadonlyArray(yield* Fiber.join(watcher))
      expect(seen.at(-1)).toEqual({ started: 50, succeeded: 50, failed: 0, completed: 50 })
      const completed = seen.map((p) => p.completed)
      expect(completed).toEqual([...completed].sort((a, b) => a - b))
    }))
})

describe("per-call options", () => {
  it.effect("requestId names each item's call by its index; headers go on every call", () =>
    Effect.gen(function*() {
      const mock = instant(byId)
      yield* KaizenBatch.streamUnordered(requests(5), "compress", {
        concurrency: 3,
        requestId: (index) => `job-7-item-${index}`,
        headers: { "X-Tenant": "acme" }
      }).pipe(Stream.runDrain, Effect.provide(mock.layer))
      const ids = mock.sent.map((s) => [s.body.data.id, s.requestId])
      expect(ids).toEqual(requests(5).map((r) => [r.data.id, `job-7-item-${r.data.id}`]))
      expect(mock.sent.map((s) => s.tenant)).toEqual(Array(5).fill("acme"))
    }))

  it.effect("a decode route's schema types each result, and a result that does not fit is that item's error", () =>
    Effect.gen(function*() {
      const mock = instant((body) => decoded(body.data === "bad" ? { id: "x" } : { id: Number(body.data.slice(4)) }))
      const User = Schema.Struct({ id: Schema.Number })
      const results = yield* KaizenBatch.stream(
        [{ data: "id: 1" }, { data: "bad" }, { data: "id: 3" }],
        "decompress",
        { schema: User }
      ).pipe(Stream.runCollect, Effect.provide(mock.layer))
      const [first, second, third] = Chunk.toReadonlyArray(results)
      expect(Either.getOrThrow(first!).result.id).toBe(1)
      expect(Either.getOrThrow(third!).result.id).toBe(3)
      expect(Either.getLeft(second!).pipe(Option.getOrUndefined)).toMatchObject({ _tag: "KaizenAPIError" })
    }))
})
