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
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as RateLimiter from "effect/RateLimiter"
import * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
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
export const DEFAULT_BASE_URL = "https://api.getkaizen.io/"

/**
 * The `baseUrl` that selects the embedded Kaizen engine instead of the network.
 *
 * @since 0.1.0
 * @category constants
 * @example
 * import { KaizenConfig } from "kaizen-effect"
 * process.env.KAIZEN_BASE_URL = KaizenConfig.LOCAL_BASE_URL
 */
export const LOCAL_BASE_URL = "local"

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
  /** Retries after the first attempt, default 2. */
  readonly maxRetries?: number | undefined
  /** TLS certificate verification, default `true`; turning it off must be explicit. */
  readonly verifySsl?: boolean | undefined
  /** Extra headers sent on every request (e.g. `X-Request-ID`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /**
   * The retry policy applied to every operation: a `Schedule` over the Kaizen error, or
   * `false` for none. Default `KaizenRetry.policy({ maxRetries })`.
   */
  readonly retry?: Schedule.Schedule<unknown, KaizenError> | false | undefined
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
  /** Node transport only: the most sockets the connection pool opens, default 64. */
  readonly maxConnections?: number | undefined
  /** Node transport only: a PEM file of CA certificates to trust (e.g. a corporate CA). */
  readonly caFile?: string | undefined
  /** Node transport only: PEM CA certificates to trust, given inline. */
  readonly ca?: string | undefined
  /**
   * Node transport only: an HTTP(S) proxy URL for every request. When not set, the standard
   * `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` variables are honoured.
   */
  readonly proxy?: string | URL | undefined
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
  readonly maxRetries: number
  readonly verifySsl: boolean
  readonly headers: Readonly<Record<string, string>>
  readonly retry: Schedule.Schedule<unknown, KaizenError> | false | undefined
  readonly deadline: Duration.Duration | undefined
  readonly maxConcurrency: number | undefined
  readonly maxRequestsPerSecond: number | undefined
  readonly rateLimiter: RateLimiter.RateLimiter | undefined
  readonly maxConnections: number
  readonly caFile: string | undefined
  readonly ca: string | undefined
  /** The proxy, and whether it came from the standard variables (then `NO_PROXY` applies). */
  readonly proxy: { readonly url: string; readonly fromEnvironment: boolean; readonly noProxy?: string | undefined } | undefined
  readonly tracePropagation: boolean
  readonly transformClient: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

// --- one validator per value, shared by the environment and the in-code options ---------------

const parseBaseUrl = (input: string): Either.Either<string, string> => {
  const trimmed = input.trim()
  if (trimmed === LOCAL_BASE_URL) return Either.right(LOCAL_BASE_URL)
  let url: URL
  try {
    url = new URL(trimmed)
  } catch {
    return Either.left(`"${input}" is not a URL; expected e.g. https://api.getkaizen.io/ (or "local")`)
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Either.left(`"${url.protocol}" is not supported; the base URL must be http(s)://... (or "local")`)
  }
  if (url.search !== "" || url.hash !== "") {
    return Either.left("the base URL must not have a query string or fragment")
  }
  // Paths are appended to it, so a trailing slash is dropped to avoid `//v1/...`.
  return Either.right(url.href.replace(/\/+$/, ""))
}

const parseTimeoutSeconds = (seconds: number): Either.Either<Duration.Duration, string> =>
  Number.isFinite(seconds) && seconds > 0
    ? Either.right(Duration.millis(Math.round(seconds * 1000)))
    : Either.left(`timeout must be a positive number of seconds, got ${seconds}`)

const positiveInt = (what: string) => (n: number): Either.Either<number, string> =>
  Number.isInteger(n) && n >= 1 ? Either.right(n) : Either.left(`${what} must be a whole number >= 1, got ${n}`)

const positiveNumber = (what: string) => (n: number): Either.Either<number, string> =>
  Number.isFinite(n) && n > 0 ? Either.right(n) : Either.left(`${what} must be a positive number, got ${n}`)

const parseProxyUrl = (input: string): Either.Either<string, string> => {
  try {
    const url = new URL(input.trim())
    return url.protocol === "http:" || url.protocol === "https:"
      ? Either.right(url.href)
      : Either.left(`"${url.protocol}" proxies are not supported; use http://host:port or https://host:port`)
  } catch {
    return Either.left(`"${input}" is not a proxy URL; expected e.g. http://proxy.internal:3128`)
  }
}

const decodeDuration = (input: Duration.DurationInput): Either.Either<Duration.Duration, string> =>
  Option.match(Duration.decodeUnknown(input), {
    onNone: () => Either.left(`"${String(input)}" is not a duration`),
    onSome: (d) => parseTimeoutSeconds(Duration.toMillis(d) / 1000)
  })

const parseMaxRetries = (n: number): Either.Either<number, string> =>
  Number.isInteger(n) && n >= 0 ? Either.right(n) : Either.left(`max retries must be a whole number >= 0, got ${n}`)

// RFC 9110 token characters: anything else would be refused by the HTTP stack at send time.
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

const checkHeaders = (headers: Readonly<Record<string, unknown>>): Either.Either<Record<string, string>, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (!headerName.test(name)) return Either.left(`"${name}" is not a valid header name`)
    if (typeof value !== "string") return Either.left(`header "${name}" must be a string`)
    if (/[\r\n\0]/.test(value)) return Either.left(`header "${name}" contains a line break or NUL`)
    out[name.toLowerCase()] = value
  }
  return Either.right(out)
}

/**
 * Parses `KAIZEN_HEADERS`: either a JSON object (`{"X-Team":"search"}`) or comma-separated
 * `name=value` pairs with URL-encoded values, the format of `OTEL_EXPORTER_OTLP_HEADERS`
 * (`X-Team=search,X-Request-ID=abc`).
 *
 * @since 0.1.0
 * @category parsing
 * @example
 * import { KaizenConfig } from "kaizen-effect"
 * KaizenConfig.parseHeaders("X-Team=search,X-Env=dev") // Right({ "x-team": "search", "x-env": "dev" })
 */
export const parseHeaders = (input: string): Either.Either<Record<string, string>, string> => {
  const text = input.trim()
  if (text === "") return Either.right({})
  if (text.startsWith("{")) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return Either.left("is not valid JSON; use {\"Name\":\"value\"} or Name=value,Other=value")
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return Either.left("must be a JSON object of header names to string values")
    }
    return checkHeaders(parsed as Record<string, unknown>)
  }
  const pairs: Record<string, string> = {}
  for (const part of text.split(",")) {
    if (part.trim() === "") continue
    const eq = part.indexOf("=")
    if (eq <= 0) return Either.left(`"${part.trim()}" is not of the form Name=value`)
    let value: string
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim())
    } catch {
      return Either.left(`the value of "${part.slice(0, eq).trim()}" is not valid URL encoding`)
    }
    pairs[part.slice(0, eq).trim()] = value
  }
  return checkHeaders(pairs)
}

const optionalConfig = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

const invalid = (name: string, message: string) => ConfigError.InvalidData([name], message)

const fromEither = <A>(name: string, either: Either.Either<A, string>): Effect.Effect<A, ConfigError.ConfigError> =>
  Either.match(either, {
    onLeft: (message) => Effect.fail(invalid(name, message)),
    onRight: Effect.succeed
  })

const toRedacted = (key: Redacted.Redacted<string> | string | undefined): Option.Option<Redacted.Redacted<string>> => {
  if (key === undefined) return Option.none()
  const redacted = Redacted.isRedacted(key) ? key : Redacted.make(key)
  // An empty key (e.g. `KAIZEN_API_KEY=` in a .env file) means "no key", not "send an empty header".
  return Redacted.value(redacted).trim() === "" ? Option.none() : Option.some(redacted)
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
      ? Duration.seconds(30)
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
    const proxy = options.proxy === undefined
      ? undefined
      : { url: yield* fromEither("proxy", parseProxyUrl(String(options.proxy))), fromEnvironment: false }
    const maxRetries = yield* fromEither("maxRetries", parseMaxRetries(options.maxRetries ?? 2))
    const headers = yield* fromEither("headers", checkHeaders(options.headers ?? {}))
    const maxConnections = yield* fromEither("maxConnections", positiveInt("max connections")(options.maxConnections ?? 64))
    return {
      baseUrl,
      apiKey: toRedacted(options.apiKey),
      timeout,
      maxRetries,
      verifySsl: options.verifySsl ?? true,
      headers,
      retry: options.retry,
      deadline,
      maxConcurrency,
      maxRequestsPerSecond,
      rateLimiter: options.rateLimiter,
      maxConnections,
      caFile: options.caFile,
      ca: options.ca,
      proxy,
      tracePropagation: options.tracePropagation ?? false,
      transformClient: options.transformClient
    }
  })

const validated = <A, B>(config: Config.Config<A>, parse: (a: A) => Either.Either<B, string>): Config.Config<B> =>
  // An empty path: Config prefixes the variable's name itself.
  Config.mapOrFail(config, (a) => Either.mapLeft(parse(a), (message) => ConfigError.InvalidData([], message)))

/**
 * The client options read from the environment:
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | `KAIZEN_BASE_URL` | `https://api.getkaizen.io/` | API root, or `local` for the embedded engine |
 * | `KAIZEN_API_KEY` | none | the key (read as `Redacted`) |
 * | `KAIZEN_TIMEOUT` | `30` | per-attempt timeout, seconds (decimal) |
 * | `KAIZEN_MAX_RETRIES` | `2` | retries after the first attempt |
 * | `KAIZEN_VERIFY_SSL` | `true` | TLS certificate verification |
 * | `KAIZEN_HEADERS` | none | extra headers: `Name=value,Other=value` or a JSON object |
 * | `KAIZEN_DEADLINE` | none | overall deadline of one call across retries, seconds |
 * | `KAIZEN_MAX_CONCURRENCY` | none | requests in flight at once, across all calls |
 * | `KAIZEN_MAX_REQUESTS_PER_SECOND` | none | sustained requests per second (token bucket) |
 * | `KAIZEN_MAX_CONNECTIONS` | `64` | connection pool size of the Node transport |
 * | `KAIZEN_CA_FILE` | none | PEM file of extra CA certificates (Node transport) |
 * | `KAIZEN_PROXY` | `HTTPS_PROXY` | HTTP(S) proxy URL (Node transport) |
 *
 * @since 0.1.0
 * @category config
 * @example
 * import { Effect } from "effect"
 * import { KaizenConfig } from "kaizen-effect"
 * const options = Effect.runSync(KaizenConfig.fromEnv)
 */
export const fromEnv: Config.Config<Options> = Config.all({
  baseUrl: validated(Config.string("KAIZEN_BASE_URL"), parseBaseUrl).pipe(Config.withDefault(DEFAULT_BASE_URL)),
  apiKey: Config.redacted("KAIZEN_API_KEY").pipe(Config.option, Config.map(Option.getOrUndefined)),
  timeout: validated(Config.number("KAIZEN_TIMEOUT"), parseTimeoutSeconds).pipe(
    Config.withDefault(Duration.seconds(30))
  ),
  maxRetries: validated(Config.integer("KAIZEN_MAX_RETRIES"), parseMaxRetries).pipe(Config.withDefault(2)),
  verifySsl: Config.boolean("KAIZEN_VERIFY_SSL").pipe(Config.withDefault(true)),
  headers: validated(Config.string("KAIZEN_HEADERS"), parseHeaders).pipe(Config.withDefault({})),
  deadline: optionalConfig(validated(Config.number("KAIZEN_DEADLINE"), parseTimeoutSeconds)),
  maxConcurrency: optionalConfig(validated(Config.integer("KAIZEN_MAX_CONCURRENCY"), positiveInt("max concurrency"))),
  maxRequestsPerSecond: optionalConfig(
    validated(Config.number("KAIZEN_MAX_REQUESTS_PER_SECOND"), positiveNumber("max requests per second"))
  ),
  maxConnections: validated(Config.integer("KAIZEN_MAX_CONNECTIONS"), positiveInt("max connections")).pipe(
    Config.withDefault(64)
  ),
  caFile: optionalConfig(Config.nonEmptyString("KAIZEN_CA_FILE")),
  proxy: optionalConfig(validated(Config.nonEmptyString("KAIZEN_PROXY"), parseProxyUrl))
})

const proxyVariable = (name: string) =>
  Config.option(
    validated(Config.nonEmptyString(name.toUpperCase()).pipe(Config.orElse(() => Config.nonEmptyString(name))), parseProxyUrl)
  )

/**
 * The proxy the standard variables name for a target, as curl chooses it: `HTTPS_PROXY` for an
 * `https:` target, `HTTP_PROXY` for `http:` (either case), with `NO_PROXY`. Used by the Node
 * transport when no proxy is configured explicitly.
 *
 * @since 0.1.0
 * @category config
 * @example
 * import { Effect } from "effect"
 * import { KaizenConfig } from "kaizen-effect"
 * const proxy = Effect.runSync(KaizenConfig.standardProxy("https://api.getkaizen.io")) // Option<{ url, noProxy }>
 */
export const standardProxy = (
  target: string
): Config.Config<Option.Option<{ readonly url: string; readonly noProxy: string | undefined }>> =>
  Config.all({
    url: proxyVariable(target.startsWith("https:") ? "https_proxy" : "http_proxy"),
    noProxy: Config.option(Config.string("NO_PROXY").pipe(Config.orElse(() => Config.string("no_proxy"))))
  }).pipe(
    Config.map(({ noProxy, url }) => Option.map(url, (url) => ({ url, noProxy: Option.getOrUndefined(noProxy) })))
  )
