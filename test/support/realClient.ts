/**
 * Assertions for the real-socket suites: how a call ended (only ever a typed failure), and no
 * unhandled promise rejection. The clients themselves are built in `clients.ts`.
 */
import { afterAll, afterEach, beforeAll, expect } from "@effect/vitest"
import { Cause, Effect, Exit, Option } from "effect"

// The clients live in clients.ts; suites written before it import these two from here.
export { noEnv, withNodeClient } from "./clients.js"

/**
 * The typed error a call failed with. Fails the test if the call succeeded, died (a defect) or
 * was interrupted: every failure of a Kaizen call must be a value in the error channel.
 */
export const typedFailure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a typed failure, got a success: ${JSON.stringify(exit.value)}`)
  const failure = Cause.failureOption(exit.cause)
  if (Cause.isDie(exit.cause) || Cause.isInterrupted(exit.cause) || Option.isNone(failure)) {
    throw new Error(`expected only a typed failure, got:\n${Cause.pretty(exit.cause)}`)
  }
  return failure.value
}

/** `typedFailure` of running `effect`. */
export const failureOf = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<E, never, R> =>
  Effect.map(Effect.exit(effect), typedFailure)

/**
 * Fails each test after which the process saw an unhandled promise rejection (e.g. an undici
 * promise nobody awaited after an abort).
 */
export const failOnUnhandledRejections = (): void => {
  const seen: Array<unknown> = []
  const record = (reason: unknown) => {
    seen.push(reason)
  }
  beforeAll(() => {
    process.on("unhandledRejection", record)
  })
  afterAll(() => {
    process.off("unhandledRejection", record)
  })
  afterEach(() => {
    expect(seen.splice(0), "unhandled promise rejections").toEqual([])
  })
}
