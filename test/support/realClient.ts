/**
 * Helpers for the real-socket suites: the Kaizen client on the real Node transport, isolated
 * from the machine's environment, and assertions on how a call ended.
 */
import { afterAll, afterEach, beforeAll, expect } from "@effect/vitest"
import { Cause, ConfigProvider, Effect, Exit, Option } from "effect"
import type { ConfigError } from "effect"
import { KaizenClient } from "../../src/index.js"
import type * as KaizenNode from "../../src/KaizenNode.js"

/**
 * An empty environment. The Node layer reads `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` when no
 * proxy is configured; on a machine that sets them, loopback calls would otherwise go to a proxy.
 */
export const noEnv: ConfigProvider.ConfigProvider = ConfigProvider.fromMap(new Map())

/**
 * Runs `use` with a client built by `KaizenClient.layerNodeWith(options)`; the layer (and its
 * connection pool) is closed when `use` ends, however it ends.
 */
export const withNodeClient = <A, E>(
  options: KaizenNode.Options,
  use: (kaizen: KaizenClient.Service) => Effect.Effect<A, E>
): Effect.Effect<A, E | ConfigError.ConfigError> =>
  Effect.flatMap(KaizenClient, use).pipe(
    Effect.provide(KaizenClient.layerNodeWith(options)),
    Effect.withConfigProvider(noEnv)
  )

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
