/**
 * How the benchmarks run an Effect client: `concurrency` worker fibers, each looping over
 * calls, the Effect form of the promise loops that run the raw clients. (Effect.forEach over
 * every call would fork a fiber per call, a cost the raw clients are not charged.)
 */
import { Effect } from "effect"

/** Runs `calls` calls of `call(i)` over `concurrency` looping worker fibers. */
export const runWorkers = <E, R>(
  calls: number,
  concurrency: number,
  call: (index: number) => Effect.Effect<unknown, E, R>
): Effect.Effect<void, E, R> => {
  let next = 0
  const worker = Effect.whileLoop({
    while: () => next < calls,
    body: () => call(next++),
    step: () => {}
  })
  return Effect.forEach(Array.from({ length: concurrency }), () => worker, { concurrency, discard: true })
}
