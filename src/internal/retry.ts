/**
 * The retry loop: `Effect.retry(attempt, schedule)`, paying for the schedule only once an
 * attempt has failed. Most calls succeed first time, and building a schedule driver per call
 * is measurable (`npm run bench:cpu`). The first failure is replayed into the schedule, so the
 * policy sees exactly the errors it would have seen.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as Schedule from "effect/Schedule"

export const retryAfterFailure = <A, E>(
  attempt: Effect.Effect<A, E>,
  schedule: Schedule.Schedule<unknown, E>
): Effect.Effect<A, E> =>
  Effect.catchAll(attempt, (first) => {
    let replay: { readonly error: E } | undefined = { error: first }
    return Effect.retry(
      Effect.suspend(() => {
        if (replay === undefined) return attempt
        const { error } = replay
        replay = undefined
        return Effect.fail(error)
      }),
      schedule
    )
  })
