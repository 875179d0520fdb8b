/**
 * Where the CLI sends its requests: the usual environment (`KAIZEN_BASE_URL`,
 * `KAIZEN_API_KEY`, `KAIZEN_TIMEOUT`, ...), with the connection flags on top.
 *
 * @internal
 */
import * as Options from "@effect/cli/Options"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { KaizenClient } from "../KaizenClient.js"
import * as KaizenConfig from "../KaizenConfig.js"
import { CliError } from "./failure.js"

/** The connection flags, as parsed. */
export interface ConnectionFlags {
  readonly baseUrl: Option.Option<string>
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly timeout: Option.Option<number>
  readonly local: boolean
}

/** `--base-url`, `--api-key`, `--timeout`, `--local`: the same on every command that calls the API. */
export const flags: Options.Options<ConnectionFlags> = Options.all({
  baseUrl: Options.text("base-url").pipe(
    Options.withDescription("The Kaizen API root (default: KAIZEN_BASE_URL, else https://api.getkaizen.io/)"),
    Options.optional
  ),
  apiKey: Options.redacted("api-key").pipe(
    Options.withDescription("The API key (default: KAIZEN_API_KEY). Never printed"),
    Options.optional
  ),
  timeout: Options.float("timeout").pipe(
    Options.filterMap(
      (seconds) => (Number.isFinite(seconds) && seconds > 0 ? Option.some(seconds) : Option.none()),
      "--timeout must be a positive number of seconds"
    ),
    Options.withDescription("Seconds to wait for each attempt (default: KAIZEN_TIMEOUT, else 30)"),
    Options.optional
  ),
  local: Options.boolean("local").pipe(
    Options.withDescription("Run on the embedded Kaizen engine, offline (the same as KAIZEN_BASE_URL=local)")
  )
})

/**
 * The client options: the environment's, read with `KaizenConfig.fromEnv`, overridden by
 * the flags. A bad value in either fails with the `ConfigError` naming it.
 */
export const options = (connection: ConnectionFlags): Effect.Effect<KaizenConfig.Options, ConfigError.ConfigError | CliError> =>
  Effect.gen(function*() {
    if (connection.local && Option.isSome(connection.baseUrl)) {
      return yield* new CliError({ message: "--local and --base-url name two different engines; pass one of them" })
    }
    const fromEnv = yield* KaizenConfig.fromEnv
    return {
      ...fromEnv,
      ...(connection.local ? { baseUrl: KaizenConfig.LOCAL_BASE_URL } : {}),
      ...Option.match(connection.baseUrl, { onNone: () => ({}), onSome: (baseUrl) => ({ baseUrl }) }),
      ...Option.match(connection.apiKey, { onNone: () => ({}), onSome: (apiKey) => ({ apiKey }) }),
      ...Option.match(connection.timeout, { onNone: () => ({}), onSome: (seconds) => ({ timeout: Duration.seconds(seconds) }) })
    }
  })

/** The client layer for the flags, on the Node transport (or the embedded engine). */
export const layer = (
  connection: ConnectionFlags
): Effect.Effect<Layer.Layer<KaizenClient, ConfigError.ConfigError>, ConfigError.ConfigError | CliError> =>
  Effect.map(options(connection), KaizenClient.layerNodeWith)
