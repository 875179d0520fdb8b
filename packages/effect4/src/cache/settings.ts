/**
 * The cache layers' options checked and defaulted (a bad one is a `ConfigError` naming it),
 * and what the layers share: loading an optional peer, the store's namespace, ioredis defaults.
 *
 * @internal
 */
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { fromResult, invalid, positiveInt, positiveNumber } from "../internal/config.js"
import { shownUrl } from "../internal/errors.js"
import type { RedisConnection } from "./options.js"

export const DEFAULT_CAPACITY = 1000
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024

// The cache's options go through the client's validators (internal/config.ts): one path.
export const positiveInteger = (
  name: string,
  value: number | undefined,
  fallback: number
): Effect.Effect<number, Config.ConfigError> => fromResult(name, positiveInt(name)(value ?? fallback))

export const positiveRate = (name: string, value: number): Effect.Effect<number, Config.ConfigError> =>
  fromResult(name, positiveNumber(name)(value))

/** A duration of zero or more (zero turns a tier off): the Effect 3 line's `nonNegativeDuration`. */
const nonNegativeDuration = (what: string) => (input: Duration.Input): Result.Result<Duration.Duration, string> =>
  Option.match(Duration.fromInput(input), {
    onNone: () => Result.fail(`${what} must be a duration such as "1 hour", got ${String(input)}`),
    onSome: (d) =>
      Duration.isGreaterThanOrEqualTo(d, Duration.zero)
        ? Result.succeed(d)
        : Result.fail(`${what} must be a duration such as "1 hour", got ${String(input)}`)
  })

export const duration = (
  name: string,
  value: Duration.Input | undefined,
  fallback: Duration.Input
): Effect.Effect<Duration.Duration, Config.ConfigError> => fromResult(name, nonNegativeDuration(name)(value ?? fallback))

/** An optional peer, loaded when a layer needs it; missing, it is a setup defect that says so. */
export const optionalPeer = <A>(name: string, load: () => Promise<A>): Effect.Effect<A> =>
  Effect.orDie(Effect.tryPromise({
    try: load,
    catch: (cause) => new Error(`@kaizen-effect/effect4/cache needs ${name} for this layer: npm install ${name}`, { cause })
  }))

/**
 * ioredis holds a command caught by a dropped connection for up to `maxRetriesPerRequest` (20)
 * reconnections; 0 fails it at once, so the caller falls back instead. The caller's options win.
 */
export const redisOptions = (options: RedisConnection): RedisConnection => ({ maxRetriesPerRequest: 0, ...options })

const MIN_SECRET = 16

/**
 * The shared stores' secret: the `secret` option, else `KAIZEN_CACHE_SECRET`. Entries are filed
 * under HMACs keyed by it, so it must be the same across the fleet and unknown to whoever can
 * read the store. Never shown in an error.
 */
export const secret = (
  given: Redacted.Redacted<string> | string | undefined
): Effect.Effect<Redacted.Redacted<string>, Config.ConfigError> => {
  const check = (name: string, value: Redacted.Redacted<string>) =>
    Redacted.value(value).length >= MIN_SECRET
      ? Effect.succeed(value)
      : Effect.fail(invalid(
        name,
        `${name} must be at least ${MIN_SECRET} characters (e.g. the output of \`openssl rand -hex 32\`); it is not shown`
      ))
  if (given !== undefined) return check("secret", Redacted.isRedacted(given) ? given as Redacted.Redacted<string> : Redacted.make(given as string))
  return Effect.flatMap(Config.Redacted("KAIZEN_CACHE_SECRET"), (value) => check("KAIZEN_CACHE_SECRET", value))
}

/**
 * A rate as the window a server counts in: `limit` starts per `intervalMillis`. Below 1/s that
 * is one start per `1/rate` s (0.5/s: one every 2 s); above, `floor(rate)` per `floor(rate)/rate` s,
 * which is 1 s for a whole rate.
 */
export const windowOf = (ratePerSecond: number): { readonly limit: number; readonly intervalMillis: number } => {
  const limit = Math.max(1, Math.floor(ratePerSecond))
  return { limit, intervalMillis: (limit / ratePerSecond) * 1000 }
}

/**
 * The store's namespace: the cache version and the Kaizen base URL (without credentials, which
 * must not end up in a store's keys), so deployments and formats never share entries.
 */
export const namespace = (version: string, baseUrl: string): string => `kaizen-effect:cache:${version}:${shownUrl(baseUrl)}`
