/**
 * One validator per configuration value, shared by the environment (each error naming its
 * `KAIZEN_*` variable), the options given in code (naming the option) and the cache's options.
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { DEFAULT_BASE_URL, DEFAULT_RETRIES, DEFAULT_TIMEOUT, LOCAL_BASE_URL } from "./defaults.js"
import { headerValueProblem, parseHeaders } from "./headers.js"

export const parseBaseUrl = (input: string): Either.Either<string, string> => {
  const trimmed = input.trim()
  if (trimmed === LOCAL_BASE_URL) return Either.right(LOCAL_BASE_URL)
  // A URL may carry a password: messages about it never repeat it.
  const shown = trimmed.includes("@") ? "the value" : `"${input}"`
  let url: URL
  try {
    url = new URL(trimmed)
  } catch {
    return Either.left(`${shown} is not a URL; expected e.g. https://api.getkaizen.io/ (or "local")`)
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Either.left(`"${url.protocol}" is not supported; the base URL must be http(s)://... (or "local")`)
  }
  if (url.username !== "" || url.password !== "") {
    // Credentials in a URL end up in logs, error messages and proxies' records.
    return Either.left("the base URL must not carry credentials (user:password@); give the key as apiKey / KAIZEN_API_KEY")
  }
  if (url.search !== "" || url.hash !== "") {
    return Either.left("the base URL must not have a query string or fragment")
  }
  // Paths are appended to it, so a trailing slash is dropped to avoid `//v1/...`.
  return Either.right(url.href.replace(/\/+$/, ""))
}

export const checkApiKey = (key: Redacted.Redacted<string>): Either.Either<Redacted.Redacted<string>, string> => {
  const problem = headerValueProblem(Redacted.value(key))
  // The key is sent as a header: a stray newline (a key read from a file) would fail every call.
  return problem === undefined ? Either.right(key) : Either.left(`the API key ${problem}; the key itself is not shown`)
}

export const parseTimeoutSeconds = (seconds: number): Either.Either<Duration.Duration, string> =>
  Number.isFinite(seconds) && seconds > 0
    ? Either.right(Duration.millis(Math.round(seconds * 1000)))
    : Either.left(`timeout must be a positive number of seconds, got ${seconds}`)

export const positiveInt = (what: string) => (n: number): Either.Either<number, string> =>
  Number.isInteger(n) && n >= 1 ? Either.right(n) : Either.left(`${what} must be a whole number >= 1, got ${n}`)

export const positiveNumber = (what: string) => (n: number): Either.Either<number, string> =>
  Number.isFinite(n) && n > 0 ? Either.right(n) : Either.left(`${what} must be a positive number, got ${n}`)

/** A duration of zero or more (a time to live, a store's timeout). */
export const nonNegativeDuration = (what: string) => (input: Duration.DurationInput): Either.Either<Duration.Duration, string> =>
  Option.match(Duration.decodeUnknown(input), {
    onNone: () => Either.left(`${what} must be a duration such as "1 hour", got ${String(input)}`),
    onSome: (d) =>
      Duration.greaterThanOrEqualTo(d, Duration.zero)
        ? Either.right(d)
        : Either.left(`${what} must be a duration such as "1 hour", got ${String(input)}`)
  })

export const decodeDuration = (input: Duration.DurationInput): Either.Either<Duration.Duration, string> =>
  Option.match(Duration.decodeUnknown(input), {
    onNone: () => Either.left(`"${String(input)}" is not a duration`),
    onSome: (d) => parseTimeoutSeconds(Duration.toMillis(d) / 1000)
  })

export const parseRetries = (n: number): Either.Either<number, string> =>
  Number.isInteger(n) && n >= 0 ? Either.right(n) : Either.left(`retries must be a whole number >= 0, got ${n}`)

export const optionalConfig = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

export const invalid = (name: string, message: string) => ConfigError.InvalidData([name], message)

export const fromEither = <A>(name: string, either: Either.Either<A, string>): Effect.Effect<A, ConfigError.ConfigError> =>
  Either.match(either, {
    onLeft: (message) => Effect.fail(invalid(name, message)),
    onRight: Effect.succeed
  })

export const toRedacted = (key: Redacted.Redacted<string> | string | undefined): Option.Option<Redacted.Redacted<string>> => {
  if (key === undefined) return Option.none()
  const redacted = Redacted.isRedacted(key) ? key : Redacted.make(key)
  // An empty key (e.g. `KAIZEN_API_KEY=` in a .env file) means "no key", not "send an empty header".
  return Redacted.value(redacted).trim() === "" ? Option.none() : Option.some(redacted)
}

export const validated = <A, B>(config: Config.Config<A>, parse: (a: A) => Either.Either<B, string>): Config.Config<B> =>
  // An empty path: Config prefixes the variable's name itself.
  Config.mapOrFail(config, (a) => Either.mapLeft(parse(a), (message) => ConfigError.InvalidData([], message)))

/** Each `KAIZEN_*` variable of the core client, as the option it sets. */
export const envFields = {
  baseUrl: validated(Config.string("KAIZEN_BASE_URL"), parseBaseUrl).pipe(Config.withDefault(DEFAULT_BASE_URL)),
  // Named here: Config does not prefix the variable's name on a failure of a redacted value.
  apiKey: Config.redacted("KAIZEN_API_KEY").pipe(
    Config.mapOrFail((key) => Either.mapLeft(checkApiKey(key), (message) => ConfigError.InvalidData(["KAIZEN_API_KEY"], message))),
    Config.option,
    Config.map(Option.getOrUndefined)
  ),
  timeout: validated(Config.number("KAIZEN_TIMEOUT"), parseTimeoutSeconds).pipe(Config.withDefault(DEFAULT_TIMEOUT)),
  retry: validated(Config.integer("KAIZEN_MAX_RETRIES"), parseRetries).pipe(Config.withDefault(DEFAULT_RETRIES)),
  headers: validated(Config.string("KAIZEN_HEADERS"), parseHeaders).pipe(Config.withDefault({})),
  deadline: optionalConfig(validated(Config.number("KAIZEN_DEADLINE"), parseTimeoutSeconds)),
  maxConcurrency: optionalConfig(validated(Config.integer("KAIZEN_MAX_CONCURRENCY"), positiveInt("max concurrency"))),
  maxRequestsPerSecond: optionalConfig(
    validated(Config.number("KAIZEN_MAX_REQUESTS_PER_SECOND"), positiveNumber("max requests per second"))
  )
}
