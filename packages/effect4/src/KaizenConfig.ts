/**
 * Client configuration: options in code, or Effect `Config` read from the environment. Every
 * value is validated once, when the layer is built: a bad value fails layer construction with a
 * `ConfigError` that names the variable (or option), never the first call.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import type * as HttpClient from "effect/http/HttpClient"
import {
  checkApiKey,
  decodeDuration,
  envFields,
  fromResult,
  parseBaseUrl,
  parseRetries,
  positiveInt,
  positiveNumber,
  toRedacted
} from "./internal/config.js"
import * as Defaults from "./internal/defaults.js"
import { checkHeaders } from "./internal/headers.js"
import type { KaizenError } from "./KaizenError.js"

/**
 * The production Kaizen API.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_URL: string = Defaults.DEFAULT_BASE_URL

/**
 * The `baseUrl` that selects the embedded Kaizen engine instead of the network.
 *
 * @since 0.1.0
 * @category constants
 */
export const LOCAL_BASE_URL: string = Defaults.LOCAL_BASE_URL

/**
 * Options for the client. Every field is optional; omitted ones take the defaults.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default `https://api.getkaizen.io/`; `"local"` selects the embedded engine (on the Node layer). */
  readonly baseUrl?: string | URL | undefined
  /** Sent as `x-api-key` and `Authorization: Bearer`. A plain string is wrapped in `Redacted` at once. */
  readonly apiKey?: Redacted.Redacted<string> | string | undefined
  /** Per-attempt timeout, default 30 seconds. */
  readonly timeout?: Duration.Input | undefined
  /** Extra headers sent on every request. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /**
   * Retries (default 2, `KAIZEN_MAX_RETRIES`): a number of retries under `KaizenRetry.policy`
   * (transient failures only, backoff with jitter, `Retry-After` honoured); a `Schedule` over
   * the Kaizen error of your own; or `false` (like `0`) for none.
   */
  readonly retry?: number | Schedule.Schedule<unknown, KaizenError> | false | undefined
  /** An overall deadline for one call across all its attempts and waits (default none). */
  readonly deadline?: Duration.Input | undefined
  /** At most this many requests in flight across all calls of the client (default unlimited). */
  readonly maxConcurrency?: number | undefined
  /**
   * A sustained rate of requests started per second, as a token bucket (Effect 4's
   * `effect/persistence/RateLimiter` over its in-memory store): bursts of up to this many, then
   * one every `1/n` s (default unlimited; `KAIZEN_MAX_REQUESTS_PER_SECOND`).
   */
  readonly maxRequestsPerSecond?: number | undefined
  /**
   * A rate limit that every attempt (each retry too) passes through, in place of the token
   * bucket of `maxRequestsPerSecond`: for example one shared by many processes through Redis
   * (`RateLimiter.makeWithRateLimiter` from `effect/persistence/RateLimiter`, its errors
   * handled). Waiting for a permit counts against the call's deadline, and is interruptible.
   */
  readonly rateLimiter?: RateLimit | undefined
  /**
   * Send W3C `traceparent` / `b3` headers to the Kaizen API, default `false`: trace context
   * is internal detail that a third-party API has no need for. Opt in for your own gateway.
   */
  readonly tracePropagation?: boolean | undefined
  /** HttpClient middleware applied after the client's own (base URL, headers). */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * A rate limit as a function over an attempt: what the Effect 3 line's `effect/RateLimiter` is.
 *
 * @since 0.1.0
 * @category models
 */
export type RateLimit = <A, E, R>(attempt: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

/**
 * Configuration after validation and defaults.
 *
 * @since 0.1.0
 * @category models
 */
export interface Resolved {
  /** Without a trailing slash, so paths append as `${baseUrl}/v1/...`; or `"local"`. */
  readonly baseUrl: string
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly timeout: Duration.Duration
  readonly headers: Readonly<Record<string, string>>
  readonly retry: number | Schedule.Schedule<unknown, KaizenError> | false
  readonly deadline: Duration.Duration | undefined
  readonly maxConcurrency: number | undefined
  readonly maxRequestsPerSecond: number | undefined
  readonly rateLimiter: RateLimit | undefined
  readonly tracePropagation: boolean
  readonly transformClient: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * Validates options given in code and applies the defaults. A bad value fails with a
 * `ConfigError` naming the option.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (options: Options = {}): Effect.Effect<Resolved, Config.ConfigError> =>
  Effect.gen(function*() {
    const baseUrl = yield* fromResult("baseUrl", parseBaseUrl(String(options.baseUrl ?? DEFAULT_BASE_URL)))
    const timeout = options.timeout === undefined
      ? Defaults.DEFAULT_TIMEOUT
      : yield* fromResult("timeout", decodeDuration(options.timeout))
    const deadline = options.deadline === undefined
      ? undefined
      : yield* fromResult("deadline", decodeDuration(options.deadline))
    const maxConcurrency = options.maxConcurrency === undefined
      ? undefined
      : yield* fromResult("maxConcurrency", positiveInt("max concurrency")(options.maxConcurrency))
    const maxRequestsPerSecond = options.maxRequestsPerSecond === undefined
      ? undefined
      : yield* fromResult("maxRequestsPerSecond", positiveNumber("max requests per second")(options.maxRequestsPerSecond))
    const retry = typeof options.retry === "number" || options.retry === undefined
      ? yield* fromResult("retry", parseRetries(options.retry ?? Defaults.DEFAULT_RETRIES))
      : options.retry
    const headers = yield* fromResult("headers", checkHeaders(options.headers ?? {}))
    const apiKey = toRedacted(options.apiKey)
    if (Option.isSome(apiKey)) yield* fromResult("apiKey", checkApiKey(apiKey.value))
    return {
      baseUrl,
      apiKey,
      timeout,
      headers,
      retry,
      deadline,
      maxConcurrency,
      maxRequestsPerSecond,
      rateLimiter: options.rateLimiter,
      tracePropagation: options.tracePropagation ?? false,
      transformClient: options.transformClient
    }
  })

/**
 * The client options read from the environment:
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | `KAIZEN_BASE_URL` | `https://api.getkaizen.io/` | API root, or `local` for the embedded engine |
 * | `KAIZEN_API_KEY` | none | the key (read as `Redacted`) |
 * | `KAIZEN_TIMEOUT` | `30` | per-attempt timeout, seconds (decimal) |
 * | `KAIZEN_MAX_RETRIES` | `2` | retries after the first attempt, under the default policy |
 * | `KAIZEN_HEADERS` | none | extra headers: `Name=value,Other=value` or a JSON object |
 * | `KAIZEN_DEADLINE` | none | overall deadline of one call across retries, seconds |
 * | `KAIZEN_MAX_CONCURRENCY` | none | requests in flight at once, across all calls |
 * | `KAIZEN_MAX_REQUESTS_PER_SECOND` | none | sustained requests per second (token bucket) |
 *
 * The Node transport's own variables are read by `@kaizen-effect/effect4/node` (`KaizenNode.fromEnv`).
 *
 * @since 0.1.0
 * @category config
 */
export const fromEnv: Config.Config<Options> = Config.all(envFields)
