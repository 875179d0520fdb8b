/**
 * `Effect.retry`, paying for the schedule's driver only once an attempt has failed (the Effect 3
 * line's src/internal/retry.ts; `catchAll` is `catch` in Effect 4). The first failure is
 * replayed into the schedule, so the policy sees every error.
 */
import * as Effect from "effect/Effect"
import type * as Schedule from "effect/Schedule"

export const retryAfterFailure = <A, E>(
  attempt: Effect.Effect<A, E>,
  schedule: Schedule.Schedule<unknown, E>
): Effect.Effect<A, E> =>
  Effect.catch(attempt, (first) => {
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
