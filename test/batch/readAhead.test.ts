/**
 * How far KaizenBatch reads its input ahead, what an iterator that throws does, and what a huge
 * concurrency costs: counted in items pulled, results and calls, never in time.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Chunk, Effect, Either, Exit, Fiber, Option, Queue, Stream } from "effect"
import { KaizenBatch } from "../../src/index.js"
import { MAX_CONCURRENCY } from "../../src/batch/pool.js"
import { encoded, gated, instant } from "./support.js"

const byId = (body: any) => encoded(`id: ${body.data.id}`)

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

const ids = (results: Chunk.Chunk<unknown>) =>
  Chunk.toReadonlyArray(results).map((r: any) =>
    Either.getOrThrow<{ readonly result: string }, unknown>(Array.isArray(r) ? r[0] : r).result
  )

describe("read-ahead", () => {
  // Taking 10 results may leave at most a window (2 x concurrency) of items read past them.
  for (const concurrency of [1, 4, 16]) {
    for (const unordered of [false, true]) {
      it.effect(`an Iterable, concurrency ${concurrency}${unordered ? ", unordered" : ""}: taking 10 reads at most 10 + 2 x ${concurrency}`, () =>
        Effect.gen(function*() {
          const source = counting()
          const batch = unordered
            ? KaizenBatch.streamUnordered(source.items(), "compress", { concurrency })
            : KaizenBatch.stream(source.items(), "compress", { concurrency })
          const results = yield* (batch as Stream.Stream<unknown, unknown, any>).pipe(
            Stream.take(10),
            Stream.runCollect,
            Effect.provide(instant(byId).layer)
          )
          expect(Chunk.size(results)).toBe(10)
          if (!unordered) expect(ids(results)).toEqual(Array.from({ length: 10 }, (_, id) => `id: ${id}`))
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
      expect(Chunk.size(results)).toBe(10)
      expect(source.state.pulled).toBeLessThanOrEqual(18)
    }))

  it.effect("calls held: an Iterable is read only as far as the calls in flight", () =>
    Effect.gen(function*() {
      const source = counting()
      const gate = yield* gated()
      const fiber = yield* KaizenBatch.stream(source.items(), "compress", { concurrency: 4 }).pipe(
        Stream.runDrain,
        Effect.provide(gate.layer),
        Effect.fork
      )
      yield* Effect.map(Queue.takeBetween(gate.arrivals, 4, 4), Chunk.toReadonlyArray)
      yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
      expect(source.state.pulled).toBe(4)
      yield* Fiber.interrupt(fiber)
    }))
})

describe("an iterator that throws", () => {
  class Broken extends Error {}
  const failingAt = (n: number) =>
    function*() {
      for (let id = 0; id < n; id++) yield { data: { id } }
      throw new Broken(`item ${n} could not be read`)
    }

  for (const unordered of [false, true]) {
    it.effect(`ends the batch with an UnknownException in its place, after every item read before it${unordered ? " (unordered)" : ""}`, () =>
      Effect.gen(function*() {
        const mock = instant(byId)
        const input = failingAt(99)()
        const batch = (unordered
          ? KaizenBatch.streamUnordered(input, "compress", { concurrency: 4 }).pipe(Stream.map(([result]) => result))
          : KaizenBatch.stream(input, "compress", { concurrency: 4 })) as Stream.Stream<
            Either.Either<{ readonly result: string }, unknown>,
            Cause.UnknownException,
            any
          >
        const elements = Chunk.toReadonlyArray(yield* batch.pipe(Stream.either, Stream.runCollect, Effect.provide(mock.layer)))
        expect(elements).toHaveLength(100)
        const results = elements.slice(0, 99).map((e) => Either.getOrThrow(Either.getOrThrow(e)).result)
        const expected = Array.from({ length: 99 }, (_, id) => `id: ${id}`)
        expect(unordered ? [...results].sort() : results).toEqual(unordered ? [...expected].sort() : expected)
        const last = elements[99]!
        expect(Either.isLeft(last)).toBe(true)
        const error = Either.isLeft(last) ? last.left : undefined
        expect(error).toBeInstanceOf(Cause.UnknownException)
        expect((error as Cause.UnknownException).error).toBeInstanceOf(Broken)
        expect(mock.sent).toHaveLength(99)
      }))
  }

  it.effect("failFast: the same typed failure, never a defect; an iterator that cannot be made is one too", () =>
    Effect.gen(function*() {
      const exit = yield* KaizenBatch.stream(failingAt(3)(), "compress", { concurrency: 2, failFast: true }).pipe(
        Stream.runCollect,
        Effect.provide(instant(byId).layer),
        Effect.exit
      )
      expect(Exit.isFailure(exit) && !Cause.isDie(exit.cause)).toBe(true)
      const failure = Exit.isFailure(exit) ? Option.getOrUndefined(Cause.failureOption(exit.cause)) : undefined
      expect(failure).toBeInstanceOf(Cause.UnknownException)

      const mock = instant(byId)
      const unmakeable: Iterable<{ data: unknown }> = {
        [Symbol.iterator]: () => {
          throw new Broken("no iterator")
        }
      }
      const none = yield* KaizenBatch.stream(unmakeable, "compress").pipe(Stream.runCollect, Effect.provide(mock.layer), Effect.exit)
      expect(Exit.isFailure(none) && !Cause.isDie(none.cause)).toBe(true)
      const error = Exit.isFailure(none) ? Option.getOrUndefined(Cause.failureOption(none.cause)) : undefined
      expect((error as Cause.UnknownException).error).toBeInstanceOf(Broken)
      expect(mock.sent).toEqual([])
    }))
})

describe("a huge concurrency", () => {
  it.effect("1e6 over 20 items: every result, nothing extra", () =>
    Effect.gen(function*() {
      const mock = instant(byId)
      const results = yield* KaizenBatch.stream(Array.from({ length: 20 }, (_, id) => ({ data: { id } })), "compress", {
        concurrency: 1e6
      }).pipe(Stream.runCollect, Effect.provide(mock.layer))
      expect(ids(results)).toEqual(Array.from({ length: 20 }, (_, id) => `id: ${id}`))
    }))

  it.effect(`is capped at ${MAX_CONCURRENCY} calls in flight`, () =>
    Effect.gen(function*() {
      const source = counting()
      const gate = yield* gated()
      const fiber = yield* KaizenBatch.stream(source.items(), "compress", { concurrency: 1e6 }).pipe(
        Stream.runDrain,
        Effect.provide(gate.layer),
        Effect.fork
      )
      yield* Queue.takeBetween(gate.arrivals, MAX_CONCURRENCY, MAX_CONCURRENCY)
      yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
      expect(gate.maxInFlight()).toBe(MAX_CONCURRENCY)
      expect(source.state.pulled).toBe(MAX_CONCURRENCY)
      yield* Fiber.interrupt(fiber)
    }))
})
