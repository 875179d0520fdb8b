/**
 * Progress counts of one run of a batch (the Effect 3 line's src/batch/progress.ts, with
 * `tapBoth` as `tap` and `tapError`), reported to the callback after every item
 * that completes.
 *
 * @internal
 */
import * as Effect from "effect/Effect"

/** The counts of one run; `completed` is `succeeded + failed`, and `started - completed` are in flight. */
export interface Progress {
  readonly started: number
  readonly succeeded: number
  readonly failed: number
  readonly completed: number
}

/** Wraps each call so that it counts; returns the call unchanged when nobody listens. */
export type Tracker = <A, E>(call: Effect.Effect<A, E>) => Effect.Effect<A, E>

/**
 * A tracker for one run. The counters are plain numbers, not `Ref`s: every fiber of the run
 * updates them on the one JavaScript thread, and each update is one synchronous step, so no
 * count is lost and none costs an Effect of its own.
 */
export const tracker = (onProgress: ((progress: Progress) => Effect.Effect<void>) | undefined): Tracker => {
  if (onProgress === undefined) return (call) => call
  let started = 0
  let succeeded = 0
  let failed = 0
  // A snapshot per report, so a callback that keeps it (or a SubscriptionRef that holds it)
  // sees the counts as they were, not as they become.
  const report = () => onProgress({ started, succeeded, failed, completed: succeeded + failed })
  return (call) =>
    Effect.suspend(() => {
      started++
      // Effect 4 has no `tapBoth`: `tap` and `tapError` count the two outcomes.
      return call.pipe(
        Effect.tap(() => {
          succeeded++
          return report()
        }),
        Effect.tapError(() => {
          failed++
          return report()
        })
      )
    })
}
