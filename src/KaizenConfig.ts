/**
 * Client configuration: options in code, or Effect `Config` read from the environment.
 *
 * Every value is validated once, when the layer is built: a bad value fails layer
 * construction with a `ConfigError` that names the variable (or option), never the first call.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as RateLimiter from "effect/RateLimiter"
import * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import { checkApiKey, decodeDuration, envFields, fromEither, parseBaseUrl, parseRetries, positiveInt, positiveNumber, toRedacted } from "./internal/config.js"
import * as Defaults from "./internal/defaults.js"
import { DEFAULT_RETRIES, DEFAULT_TIMEOUT } from "./internal/defaults.js"
import { checkHeaders } from "./internal/headers.js"
import type { KaizenError } from "./KaizenError.js"

/**
 * The production Kaizen API.
 *
 * @since 0.1.0
 * @category constants
 * @example
 * import { KaizenConfig } from "kaizen-effect"
 * KaizenConfig.DEFAULT_BASE_URL // "https://api.getkaizen.io/"
 */
export const DEFAULT_BASE_URL: string = Defaults.DEFAULT_BASE_URL

/**
 * The `baseUrl` that selects the embedded Kaizen engine instead of the network.
 *
 * @since 0.1.0
 * @category constants
 * @example
 * import { KaizenConfig } from "kaizen-effect"
 * process.env.KAIZEN_BASE_URL = KaizenConfig.LOCAL_BASE_URL
 */
export const LOCAL_BASE_URL: string = Defaults.LOCAL_BASE_URL

/**
 * Options for the client. Every field is optional; omitted ones take the defaults below.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import { Redacted } from "effect"
 * import type { KaizenConfig } from "kaizen-effect"
 * const options: KaizenConfig.Options = {
 *   baseUrl: "https://api.getkaizen.io/",
 *   apiKey: Redacted.make("sk-..."),
 *   timeout: "10 seconds",
 *   headers: { "X-Team": "search" }
 * }
 */
export interface Options {
  /** Default `https://api.getkaizen.io/`; `"local"` selects the embedded engine. */
  readonly baseUrl?: string | URL | undefined
  /** Sent as `x-api-key` and `Authorization: Bearer`. A plain string is wrapped in `Redacted` at once. */
  readonly apiKey?: Redacted.Redacted<string> | string | undefined
  /** Per-attempt timeout, default 30 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Extra headers sent on every request (e.g. `X-Request-ID`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /**
   * Retries, one option for every form (default 2, `KAIZEN_MAX_RETRIES`): a number of retries
   * after the first attempt under `KaizenRetry.policy` (transient failures only, backoff with
   * jitter, `Retry-After` honoured); a `Schedule` over the Kaizen error of your own; or `false`
   * (like `0`) for none.
   */
  readonly retry?: number | Schedule.Schedule<unknown, KaizenError> | false | undefined
  /** An overall deadline for one call across all its attempts and waits (default none). */
  readonly deadline?: Duration.DurationInput | undefined
  /** At most this many requests in flight across all calls of the client (default unlimited). */
  readonly maxConcurrency?: number | undefined
  /**
   * A sustained rate of requests started per second, as a token bucket (Effect's
   * `RateLimiter`): bursts of up to this many, then one every `1/n` s (default unlimited).
   */
  readonly maxRequestsPerSecond?: number | undefined
  /**
   * A rate limiter that every attempt (each retry too) passes through, in place of the
   * per-process token bucket of `maxRequestsPerSecond`: for example one shared by many
   * processes through Redis. Waiting for a permit counts against the call's deadline, and is
   * interruptible.
   */
  readonly rateLimiter?: RateLimiter.RateLimiter | undefined
  /**
   * Send W3C `traceparent` / `b3` headers to the Kaizen API, default `false`: trace context
   * is internal detail that a third-party API has no need for. Opt in for your own gateway.
   */
  readonly tracePropagation?: boolean | undefined
  /** HttpClient middleware applied after the client's own (base URL, headers). */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * Configuration after validation and defaults.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import { Effect } from "effect"
 * import { KaizenConfig } from "kaizen-effect"
 * const resolved = Effect.runSync(KaizenConfig.resolve({ timeout: "5 seconds" }))
 * resolved.baseUrl // "https://api.getkaizen.io"
 */
export interface Resolved {
  /** Without a trailing slash, so paths append as `${baseUrl}/v1/...`; or `"local"`. */
  readonly baseUrl: string
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly timeout: Duration.Duration
  readonly headers: Readonly<Record<string, string>>
  /** A whole number of retries under the default policy, your `Schedule`, or `false` for none. */
  readonly retry: number | Schedule.Schedule<unknown, KaizenError> | false
  readonly deadline: Duration.Duration | undefined
  readonly maxConcurrency: number | undefined
  readonly maxRequestsPerSecond: number | undefined
  readonly rateLimiter: RateLimiter.RateLimiter | undefined
  readonly tracePropagation: boolean
  readonly transformClient: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * Validates options given in code and applies the defaults. A bad value fails with a
 * `ConfigError` naming the option.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { Effect } from "effect"
 * import { KaizenConfig } from "kaizen-effect"
 * Effect.runSync(Effect.either(KaizenConfig.resolve({ timeout: -1 }))) // Left(ConfigError: timeout ...)
 */
export const resolve = (options: Options = {}): Effect.Effect<Resolved, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const baseUrl = yield* fromEither("baseUrl", parseBaseUrl(String(options.baseUrl ?? DEFAULT_BASE_URL)))
    const timeout = options.timeout === undefined
      ? DEFAULT_TIMEOUT
      : yield* fromEither("timeout", decodeDuration(options.timeout))
    const deadline = options.deadline === undefined
      ? undefined
      : yield* fromEither("deadline", decodeDuration(options.deadline))
    const maxConcurrency = options.maxConcurrency === undefined
      ? undefined
      : yield* fromEither("maxConcurrency", positiveInt("max concurrency")(options.maxConcurrency))
    const maxRequestsPerSecond = options.maxRequestsPerSecond === undefined
      ? undefined
      : yield* fromEither("maxRequestsPerSecond", positiveNumber("max requests per second")(options.maxRequestsPerSecond))
    const retry = typeof options.retry === "number" || options.retry === undefined
      ? yield* fromEither("retry", parseRetries(options.retry ?? DEFAULT_RETRIES))
      : options.retry
    const headers = yield* fromEither("headers", checkHeaders(options.headers ?? {}))
    const apiKey = toRedacted(options.apiKey)
    if (Option.isSome(apiKey)) yield* fromEither("apiKey", checkApiKey(apiKey.value))
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
 * | `KAIZEN_MAX_RETRIES` | `2` | `retry`: retries after the first attempt, under the default policy |
 * | `KAIZEN_HEADERS` | none | extra headers: `Name=value,Other=value` or a JSON object |
 * | `KAIZEN_DEADLINE` | none | overall deadline of one call across retries, seconds |
 * | `KAIZEN_MAX_CONCURRENCY` | none | requests in flight at once, across all calls |
 * | `KAIZEN_MAX_REQUESTS_PER_SECOND` | none | sustained requests per second (token bucket) |
 *
 * The Node transport's own variables (`KAIZEN_MAX_CONNECTIONS`, `KAIZEN_VERIFY_SSL`,
 * `KAIZEN_CA_FILE`, `KAIZEN_PROXY`) are read by `kaizen-effect/node` (`KaizenNode.fromEnv`).
 *
 * @since 0.1.0
 * @category config
 * @example
 * import { Effect } from "effect"
 * import { KaizenConfig } from "kaizen-effect"
 * const options = Effect.runSync(KaizenConfig.fromEnv)
 */
export const fromEnv: Config.Config<Options> = Config.all(envFields)
