/**
 * The cache layers' options checked and defaulted (a bad one is a `ConfigError` naming it),
 * and what the layers share: loading an optional peer, the store's namespace, ioredis defaults.
 *
 * @internal
 */
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { fromEither, nonNegativeDuration, positiveInt, positiveNumber } from "../internal/config.js"
import { shownUrl } from "../internal/errors.js"
import type { RedisConnection } from "../KaizenCache.js"

export const DEFAULT_CAPACITY = 1000

// The cache's options go through the client's validators (internal/config.ts): one path.
export const positiveInteger = (
  name: string,
  value: number | undefined,
  fallback: number
): Effect.Effect<number, ConfigError.ConfigError> => fromEither(name, positiveInt(name)(value ?? fallback))

export const positiveRate = (name: string, value: number): Effect.Effect<number, ConfigError.ConfigError> =>
  fromEither(name, positiveNumber(name)(value))

export const duration = (
  name: string,
  value: Duration.DurationInput | undefined,
  fallback: Duration.DurationInput
): Effect.Effect<Duration.Duration, ConfigError.ConfigError> => fromEither(name, nonNegativeDuration(name)(value ?? fallback))

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
export const redisOptions = (options: RedisConnection): RedisConnection => ({ maxRetriesPerRequest: 1, ...options })

/**
 * The store's namespace: the cache version and the Kaizen base URL (without credentials, which
 * must not end up in a store's keys), so deployments and formats never share entries.
 */
export const namespace = (version: string, baseUrl: string): string => `kaizen-effect:cache:${version}:${shownUrl(baseUrl)}`
