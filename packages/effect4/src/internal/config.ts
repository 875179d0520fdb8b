/**
 * One validator per configuration value, shared by the environment (`KAIZEN_*`, each error
 * naming its variable) and the options given in code (each error naming its option). Ported
 * from the Effect 3 line's src/internal/config.ts: Effect 4's `Config.String`/`Number`/`Int`/
 * `Redacted`, `Config.mapOrFail` replaced by `Config.mapEffect`, and a `ConfigError` built over
 * a `SchemaError` whose issue points at the variable.
 *
 * @internal
 */
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { DEFAULT_BASE_URL, DEFAULT_RETRIES, DEFAULT_TIMEOUT, LOCAL_BASE_URL } from "./defaults.js"
import { headerValueProblem, parseHeaders } from "./headers.js"

export const parseBaseUrl = (input: string): Result.Result<string, string> => {
  const trimmed = input.trim()
  if (trimmed === LOCAL_BASE_URL) return Result.succeed(LOCAL_BASE_URL)
  // A URL may carry a password: messages about it never repeat it.
  const shown = trimmed.includes("@") ? "the value" : `"${input}"`
  let url: URL
  try {
    url = new URL(trimmed)
  } catch {
    return Result.fail(`${shown} is not a URL; expected e.g. https://api.getkaizen.io/ (or "local")`)
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Result.fail(`"${url.protocol}" is not supported; the base URL must be http(s)://... (or "local")`)
  }
  if (url.username !== "" || url.password !== "") {
    return Result.fail("the base URL must not carry credentials (user:password@); give the key as apiKey / KAIZEN_API_KEY")
  }
  if (url.search !== "" || url.hash !== "") {
    return Result.fail("the base URL must not have a query string or fragment")
  }
  return Result.succeed(url.href.replace(/\/+$/, ""))
}

export const checkApiKey = (key: Redacted.Redacted<string>): Result.Result<Redacted.Redacted<string>, string> => {
  const problem = headerValueProblem(Redacted.value(key))
  return problem === undefined ? Result.succeed(key) : Result.fail(`the API key ${problem}; the key itself is not shown`)
}

export const parseTimeoutSeconds = (seconds: number): Result.Result<Duration.Duration, string> =>
  Number.isFinite(seconds) && seconds > 0
    ? Result.succeed(Duration.millis(Math.round(seconds * 1000)))
    : Result.fail(`timeout must be a positive number of seconds, got ${seconds}`)

export const positiveInt = (what: string) => (n: number): Result.Result<number, string> =>
  Number.isInteger(n) && n >= 1 ? Result.succeed(n) : Result.fail(`${what} must be a whole number >= 1, got ${n}`)

export const positiveNumber = (what: string) => (n: number): Result.Result<number, string> =>
  Number.isFinite(n) && n > 0 ? Result.succeed(n) : Result.fail(`${what} must be a positive number, got ${n}`)

export const decodeDuration = (input: Duration.Input): Result.Result<Duration.Duration, string> =>
  Option.match(Duration.fromInput(input), {
    onNone: () => Result.fail(`"${String(input)}" is not a duration`),
    onSome: (d) => parseTimeoutSeconds(Duration.toMillis(d) / 1000)
  })

export const parseRetries = (n: number): Result.Result<number, string> =>
  Number.isInteger(n) && n >= 0 ? Result.succeed(n) : Result.fail(`retries must be a whole number >= 0, got ${n}`)

/** A `ConfigError` that names the variable or option, and says what is wrong with it. */
export const invalid = (name: string, message: string): Config.ConfigError =>
  new Config.ConfigError(
    new Schema.SchemaError(new SchemaIssue.Pointer([name], new SchemaIssue.InvalidValue({ message })))
  )

export const fromResult = <A>(name: string, result: Result.Result<A, string>): Effect.Effect<A, Config.ConfigError> =>
  Result.isSuccess(result) ? Effect.succeed(result.success) : Effect.fail(invalid(name, result.failure))

export const optionalConfig = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

export const validated = <A, B>(
  name: string,
  config: Config.Config<A>,
  parse: (a: A) => Result.Result<B, string>
): Config.Config<B> => Config.mapEffect(config, (a) => fromResult(name, parse(a)))

export const toRedacted = (key: Redacted.Redacted<string> | string | undefined): Option.Option<Redacted.Redacted<string>> => {
  if (key === undefined) return Option.none()
  const redacted = Redacted.isRedacted(key) ? key as Redacted.Redacted<string> : Redacted.make(key as string)
  // An empty key (e.g. `KAIZEN_API_KEY=` in a .env file) means "no key", not "send an empty header".
  return Redacted.value(redacted).trim() === "" ? Option.none() : Option.some(redacted)
}

/** Each `KAIZEN_*` variable of the core client, as the option it sets. */
export const envFields = {
  baseUrl: validated("KAIZEN_BASE_URL", Config.String("KAIZEN_BASE_URL"), parseBaseUrl).pipe(Config.withDefault(DEFAULT_BASE_URL)),
  apiKey: optionalConfig(validated("KAIZEN_API_KEY", Config.Redacted("KAIZEN_API_KEY"), checkApiKey)),
  timeout: validated("KAIZEN_TIMEOUT", Config.Number("KAIZEN_TIMEOUT"), parseTimeoutSeconds).pipe(Config.withDefault(DEFAULT_TIMEOUT)),
  retry: validated("KAIZEN_MAX_RETRIES", Config.Int("KAIZEN_MAX_RETRIES"), parseRetries).pipe(Config.withDefault(DEFAULT_RETRIES)),
  headers: validated("KAIZEN_HEADERS", Config.String("KAIZEN_HEADERS"), parseHeaders).pipe(Config.withDefault({})),
  deadline: optionalConfig(validated("KAIZEN_DEADLINE", Config.Number("KAIZEN_DEADLINE"), parseTimeoutSeconds)),
  maxConcurrency: optionalConfig(
    validated("KAIZEN_MAX_CONCURRENCY", Config.Int("KAIZEN_MAX_CONCURRENCY"), positiveInt("max concurrency"))
  ),
  maxRequestsPerSecond: optionalConfig(
    validated("KAIZEN_MAX_REQUESTS_PER_SECOND", Config.Number("KAIZEN_MAX_REQUESTS_PER_SECOND"), positiveNumber("max requests per second"))
  )
}
