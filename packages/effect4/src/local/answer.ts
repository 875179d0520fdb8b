/**
 * The engine's plain answers as Effects (the Effect 3 line's src/local/answer.ts): an answer
 * given now stays synchronous, one that waits for a tokenizer is awaited. A 500 that an engine
 * bug caused is logged here, in the caller's fiber, as the engine itself logs nothing.
 *
 * @internal
 */
import * as Effect from "effect/Effect"

export const fromEngine = <A extends object>(answer: A | Promise<A>): Effect.Effect<A> => {
  const logged = (value: A): Effect.Effect<A> =>
    !("defect" in value)
      ? Effect.succeed(value)
      : Effect.as(Effect.logError("Kaizen engine: unexpected failure", (value as { defect: unknown }).defect), value)
  // The engine's promises never reject: a failure inside it is an answer (a 500) too.
  return answer instanceof Promise ? Effect.flatMap(Effect.promise(() => answer), logged) : logged(answer)
}
