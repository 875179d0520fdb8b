/**
 * The cache layers' options checked and defaulted (a bad one is a `ConfigError` naming it),
 * and what the layers share: loading an optional peer, the store's namespace, ioredis defaults.
 *
 * @internal
 */
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { RedisOptions } from "ioredis"
import { shownUrl } from "../internal/errors.js"

export const DEFAULT_CAPACITY = 1000

export const positiveInteger = (
  name: string,
  value: number | undefined,
  fallback: number
): Effect.Effect<number, ConfigError.ConfigError> =>
  value === undefined
    ? Effect.succeed(fallback)
    : Number.isSafeInteger(value) && value > 0
    ? Effect.succeed(value)
    : Effect.fail(ConfigError.InvalidData([name], `${name} must be a whole number > 0, got ${value}`))

export const positiveRate = (name: string, value: number): Effect.Effect<number, ConfigError.ConfigError> =>
  Number.isFinite(value) && value > 0
    ? Effect.succeed(value)
    : Effect.fail(ConfigError.InvalidData([name], `${name} must be a number > 0, got ${value}`))

export const duration = (
  name: string,
  value: Duration.DurationInput | undefined,
  fallback: Duration.DurationInput
): Effect.Effect<Duration.Duration, ConfigError.ConfigError> => {
  const decoded = Duration.decodeUnknown(value ?? fallback)
  return decoded._tag === "Some" && Duration.greaterThanOrEqualTo(decoded.value, Duration.zero)
    ? Effect.succeed(decoded.value)
    : Effect.fail(ConfigError.InvalidData([name], `${name} must be a duration such as "1 hour", got ${String(value)}`))
}

/** An optional peer, loaded when a layer needs it; missing, it is a setup defect that says so. */
export const optionalPeer = <A>(name: string, load: () => Promise<A>): Effect.Effect<A> =>
  Effect.orDieWith(
    Effect.tryPromise(load),
    (cause) => new Error(`kaizen-effect/cache needs ${name} for this layer: npm install ${name}`, { cause })
  )

/**
 * ioredis holds a command issued during an outage for up to `maxRetriesPerRequest` (20)
 * reconnection attempts; 1 keeps that queue short. The caller's options win.
 */
export const redisOptions = (options: RedisOptions): RedisOptions => ({ maxRetriesPerRequest: 1, ...options })

/**
 * The store's namespace: the cache version and the Kaizen base URL (without credentials, which
 * must not end up in a store's keys), so deployments and formats never share entries.
 */
export const namespace = (version: string, baseUrl: string): string => `kaizen-effect:cache:${version}:${shownUrl(baseUrl)}`
