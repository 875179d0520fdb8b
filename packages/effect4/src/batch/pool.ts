/**
 * A stream mapped through `f` by a fixed pool of worker fibers over a sliding window, results in
 * input or completion order: the Effect 3 line's src/batch/pool.ts on Effect 4. Why not
 * `Stream.mapEffect(f, { concurrency })`, which forks a fiber per element (and, in order, queues
 * a join per element): it costs more CPU per item, here as in the Effect 3 line (BENCHMARKS.md,
 * "Why the machinery exists"), and it reads an Iterable a chunk ahead, past the window. The
 * bounding, order, read-ahead and back-pressure are tested in test/KaizenBatch.test.ts.
 *
 * `concurrency` workers loop: each takes the next item (its index), runs `f` and stores the result;
 * the consumer takes every result ready (in order: the run from the next index on) as one chunk. An
 * item is taken only while fewer than `window` are taken and not yet consumed, so memory stays flat.
 * The state is plain JavaScript: every change is one synchronous step on the one thread.
 *
 * An Iterable is read one item at a time, as a worker takes it (`Stream.fromIterable` reads a chunk
 * ahead); a Stream a chunk at a time, only when the window has room. Room is made when the consumer
 * pulls again (it has dealt with what it was given), so at most `window` items are read past the
 * results it asked for.
 *
 * An input failure (a Stream's, or an iterator's throw as an `UnknownError`) ends the stream after
 * the results of every item read before it. A failure of `f` is that item's `Failure` (with
 * `settle`) or, like a defect, ends the stream at once: the run's scope closes, interrupting every
 * call in flight.
 *
 * @internal
 */
import type * as Arr from "effect/Array"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Pull from "effect/Pull"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import * as Stream from "effect/Stream"

export interface PoolOptions {
  /** Workers, so the most calls of `f` at once (a whole number >= 1; above {@link MAX_CONCURRENCY}, that). */
  readonly concurrency: number
  /** True: results in completion order, each as `[result, index]`. False: in input order. */
  readonly unordered: boolean
  /**
   * True: a failure of `f` is that item's result, as a `Result.Failure` (successes are
   * `Result.Success`es), and the run goes on. False: it ends the run.
   */
  readonly settle: boolean
}

/**
 * The most workers: each is a fiber and two ring slots made up front, so 1e6 would cost seconds for any
 * input; more calls at once than this would only queue for sockets anyway.
 */
export const MAX_CONCURRENCY = 4096

/** A free slot of the ordered results. */
const EMPTY: unique symbol = Symbol("EMPTY")

/**
 * How many items may be taken and not yet consumed: the calls in flight plus as many results
 * again waiting for a slow one before them (ordered) or for the consumer.
 */
const windowOf = (concurrency: number) => 2 * concurrency

/**
 * Runs `f` after the I/O callbacks of the event loop's current turn (`setImmediate` where there
 * is one, else a zero timer). Responses arrive one socket callback at a time, and a consumer
 * woken by the first would take one result per chunk; every chunk costs the stream machinery
 * downstream, so the consumer is woken once the turn is over and takes all that arrived in it.
 */
const afterTurn = (f: () => void): void => {
  if (typeof globalThis.setImmediate === "function") globalThis.setImmediate(f)
  else setTimeout(f, 0)
}

/**
 * How long a woken consumer lets results gather: until half the concurrency is ready, no call is in
 * flight, or this many turns have passed. Fewer, larger chunks cost the stream downstream less;
 * workers never wait for them, half the concurrency being well inside the window.
 */
const MAX_TURNS = 3

const iteratorThrew = (error: unknown) => new Cause.UnknownError(error, "KaizenBatch: the input iterator threw")

/**
 * Maps `input` through `f`, `concurrency` calls at a time (see the module's comment): starts
 * the workers in `scope`, and gives the pull of the results (for a channel, so the stream is one
 * layer, whose every chunk passes through nothing else). Closing `scope` interrupts the workers
 * and closes the input.
 */
export const mapPool = <A, B, E, E2, R, R2>(
  input: Stream.Stream<A, E, R> | Iterable<A>,
  f: (item: A, index: number) => Effect.Effect<B, E2, R2>,
  options: PoolOptions,
  scope: Scope.Scope
): Effect.Effect<
  Pull.Pull<Arr.NonEmptyReadonlyArray<unknown>, E | E2 | Cause.UnknownError, void>,
  never,
  R | R2
> =>
  Effect.gen(function*() {
    const { settle, unordered } = options
    const concurrency = Math.min(options.concurrency, MAX_CONCURRENCY)
    const window = windowOf(concurrency)

    // The input: the chunk being taken from, and whether (and how) the input ended: once ended,
    // `inputEnd` is what the consumer fails with after the last result (`Done`, or the failure).
    let buffer: ReadonlyArray<A> = []
    let position = 0
    let inputEnded = false
    let inputEnd: Effect.Effect<never, E | Cause.UnknownError | Cause.Done> = Cause.done()
    const endInput = (end: Effect.Effect<never, E | Cause.UnknownError | Cause.Done>) => {
      inputEnded = true
      inputEnd = end
      wakeConsumer()
    }
    const isStream = Stream.isStream(input)
    const pull = isStream ? yield* Scope.provide(scope)(Stream.toPull(input as Stream.Stream<A, E, R>)) : Effect.never
    let iterator: Iterator<A> | undefined = undefined
    const thrown = (error: unknown) => endInput(Effect.fail(iteratorThrew(error)))
    if (!isStream) {
      try {
        iterator = (input as Iterable<A>)[Symbol.iterator]()
      } catch (error) {
        inputEnded = true
        inputEnd = Effect.fail(iteratorThrew(error))
      }
      // Ended early (Stream.take, an interruption): the iterator's `finally` blocks run.
      yield* Scope.addFinalizer(
        scope,
        Effect.sync(() => {
          if (inputEnded || iterator === undefined) return
          try {
            iterator.return?.()
          } catch {
            // Its own failure, after the batch: nobody is left to tell.
          }
        })
      )
    }
    // Items taken (the next index), results given to the consumer, and results it has dealt
    // with (it pulled again): the window counts from the last, so a dropped chunk reads no more.
    let taken = 0
    let consumed = 0
    let released = 0
    // Ordered results wait in a ring of `window` slots; unordered ones in arrival order.
    const slots: Array<unknown> = unordered ? [] : new Array(window).fill(EMPTY)
    let arrived: Array<readonly [unknown, number]> = []
    // What ends the run at once: a failure of `f` or a defect.
    let fatal: Cause.Cause<E | E2> | undefined = undefined
    // Who waits: the consumer for a result, workers for room in the window. A wait is an
    // `Effect.callback` whose resume is kept here and called by whoever makes progress; it needs
    // no canceler (an interrupted fiber ignores a later resume), so it costs no finalizer.
    let consumerWaits: ((effect: Effect.Effect<void>) => void) | undefined = undefined
    let workersWait: Array<(effect: Effect.Effect<void>) => void> = []
    const consumerWait = Effect.callback<void>((resume) => {
      consumerWaits = resume
    })
    const workersWaitForRoom = Effect.callback<void>((resume) => {
      workersWait.push(resume)
    })

    // Results stored so far: `taken - stored` calls are in flight.
    let stored = 0
    const batchSize = Math.max(1, Math.floor(concurrency / 2))
    /** How many results the consumer would take now. */
    const readyCount = (): number => {
      if (unordered) return arrived.length
      let n = 0
      while (consumed + n < taken && slots[(consumed + n) % window] !== EMPTY) n++
      return n
    }
    function wakeConsumer() {
      const resume = consumerWaits
      if (resume === undefined) return
      consumerWaits = undefined
      let turns = 0
      const check = () => {
        turns++
        if (turns >= MAX_TURNS || fatal !== undefined || taken === stored || readyCount() >= batchSize) resume(Effect.void)
        else afterTurn(check)
      }
      afterTurn(check)
    }
    const wakeWorkers = () => {
      if (workersWait.length === 0) return
      const waiting = workersWait
      workersWait = []
      for (const resume of waiting) resume(Effect.void)
    }

    const store = (index: number, result: unknown) => {
      stored++
      if (unordered) {
        arrived.push([result, index])
        wakeConsumer()
      } else {
        slots[index % window] = result
        if (index === consumed) wakeConsumer()
      }
    }

    // One worker refills the buffer at a time; the others wait for it, then look again.
    const lock = Semaphore.makeUnsafe(1)
    const refill: Effect.Effect<void, never, R> = lock.withPermits(1)(Effect.suspend(() => {
      if (position < buffer.length || inputEnded) return Effect.void
      return Effect.matchCauseEffect(pull, {
        onSuccess: (chunk) => {
          buffer = chunk
          position = 0
          return Effect.void
        },
        onFailure: (cause) => {
          if (Pull.isDoneCause(cause)) {
            endInput(Cause.done())
            return Effect.void
          }
          const failure = Cause.findError(cause)
          // A defect or an interruption of the input is the batch's, at once.
          if (Result.isFailure(failure)) return Effect.failCause(cause as Cause.Cause<never>)
          endInput(Effect.fail(failure.success as E))
          return Effect.void
        }
      })
    }))

    // A worker: its next step is built when the previous one ends, so the continuation of each
    // call stores the result and returns the next call, with no step of its own in between.
    // The continuations are the worker's own, made once; the item's index is the worker's too.
    const makeWorker = (): Effect.Effect<void, E2, R | R2> => {
      let index = 0
      const onSuccess = (result: B) => {
        store(index, settle ? Result.succeed(result) : result)
        return step()
      }
      const onFailure = (error: E2) => {
        store(index, Result.fail(error))
        return step()
      }
      const settled = { onFailure, onSuccess }
      const start = (item: A): Effect.Effect<void, E2, R | R2> => {
        index = taken++
        const call = f(item, index)
        return settle ? Effect.matchEffect(call, settled) : Effect.flatMap(call, onSuccess)
      }
      const step = (): Effect.Effect<void, E2, R | R2> => {
        if (fatal !== undefined) return Effect.void
        if (taken - released >= window) return Effect.andThen(workersWaitForRoom, worker)
        if (position < buffer.length) return start(buffer[position++]!)
        if (inputEnded) return Effect.void
        if (iterator === undefined) return Effect.andThen(refill, worker)
        let next: IteratorResult<A>
        try {
          next = iterator.next()
        } catch (error) {
          thrown(error)
          return Effect.void
        }
        if (next.done === true) {
          endInput(Cause.done())
          return Effect.void
        }
        return start(next.value)
      }
      const worker = Effect.suspend(step)
      return worker
    }

    // Any failure of a worker ends the run at once (the consumer fails with it).
    const supervised = (worker: Effect.Effect<void, E2, R | R2>) =>
      Effect.catchCause(worker, (cause) =>
        Effect.sync(() => {
          if (fatal === undefined && !Cause.hasInterruptsOnly(cause)) {
            fatal = cause
            wakeConsumer()
          }
        }))
    for (let i = 0; i < concurrency; i++) yield* Effect.forkIn(supervised(makeWorker()), scope)

    /** The results ready for the consumer, in its order; empty when none is. */
    const ready = (): Array<unknown> => {
      if (unordered) {
        const out = arrived
        arrived = []
        consumed += out.length
        return out
      }
      const out: Array<unknown> = []
      for (let slot = consumed % window; slots[slot] !== EMPTY; slot = consumed % window) {
        out.push(slots[slot])
        slots[slot] = EMPTY
        consumed++
      }
      return out
    }

    const next: Pull.Pull<Arr.NonEmptyReadonlyArray<unknown>, E | E2 | Cause.UnknownError, void> = Effect.suspend(() => {
      if (fatal !== undefined) return Effect.failCause(fatal)
      if (released !== consumed) {
        released = consumed
        wakeWorkers()
      }
      const out = ready()
      if (out.length > 0) return Effect.succeed(out as unknown as Arr.NonEmptyReadonlyArray<unknown>)
      // Every item read has been given out: the input's end (or its failure) is next.
      if (inputEnded && consumed === taken) return inputEnd
      return Effect.andThen(consumerWait, next)
    })
    return next
  })
