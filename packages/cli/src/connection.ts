/**
 * Where the CLI sends its requests: the usual environment (`KAIZEN_BASE_URL`,
 * `KAIZEN_API_KEY`, `KAIZEN_TIMEOUT`, ...), with the connection flags on top. On the embedded
 * engine (`--local`, `KAIZEN_BASE_URL=local`) the engine takes the service's body limit unless
 * `--max-body-bytes` says otherwise, so a local run refuses what production would.
 *
 * The Node transport (`kaizen-effect/node`, with undici: two thirds of the bundle) is loaded
 * only when the run goes to the network, so a `--local` run starts without it.
 *
 * @internal
 */
import * as Options from "@effect/cli/Options"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { KaizenConfig, KaizenLocal, type KaizenClient } from "kaizen-effect"
import type * as KaizenNode from "kaizen-effect/node"
import type { Engine } from "./failure.js"
import { CliError } from "./failure.js"
import type { FlagHelp } from "./flags.js"
import { atLeast } from "./flags.js"

/** The connection flags, as parsed. */
export interface ConnectionFlags {
  readonly baseUrl: Option.Option<string>
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly timeout: Option.Option<number>
  readonly local: boolean
  readonly maxBodyBytes: Option.Option<number>
}

/**
 * `--base-url`, `--api-key`, `--timeout`, `--local`, `--max-body-bytes`: the same on every command
 * that calls the API.
 */
export const flags: Options.Options<ConnectionFlags> = Options.all({
  baseUrl: Options.text("base-url").pipe(Options.withPseudoName("URL"), Options.optional),
  apiKey: Options.redacted("api-key").pipe(Options.withPseudoName("KEY"), Options.optional),
  timeout: Options.float("timeout").pipe(
    Options.filterMap(
      (seconds) => (Number.isFinite(seconds) && seconds > 0 ? Option.some(seconds) : Option.none()),
      "--timeout must be a positive number of seconds"
    ),
    Options.withPseudoName("SECONDS"),
    Options.optional
  ),
  local: Options.boolean("local"),
  maxBodyBytes: Options.integer("max-body-bytes").pipe(
    atLeast("max-body-bytes", 1),
    Options.withPseudoName("BYTES"),
    Options.optional
  )
})

/** The help lines of {@link flags}. */
export const help: ReadonlyArray<FlagHelp> = [
  { flag: "--base-url URL", description: "the Kaizen API root (default: KAIZEN_BASE_URL, else https://api.getkaizen.io/)" },
  { flag: "--api-key KEY", description: "the API key (default: KAIZEN_API_KEY); never printed" },
  { flag: "--timeout SECONDS", description: "how long to wait for each attempt (default: KAIZEN_TIMEOUT, else 30)" },
  { flag: "--local", description: "run on the embedded Kaizen engine, offline (the same as KAIZEN_BASE_URL=local)" },
  {
    flag: "--max-body-bytes BYTES",
    description: `with --local: refuse larger request bodies (default ${
      KaizenLocal.DEFAULT_MAX_BODY_BYTES.toLocaleString("en-US")
    }, the service's limit)`
  }
]

const loadNode = Effect.promise(() => import("kaizen-effect/node"))

/** Whether options name the embedded engine. */
const isLocal = (options: KaizenConfig.Options): boolean =>
  typeof options.baseUrl === "string" && options.baseUrl.trim() === KaizenConfig.LOCAL_BASE_URL

/**
 * The client options: the environment's, overridden by the flags. The engine reads the client's
 * variables (`KaizenConfig.fromEnv`); the network, the Node transport's too (`KaizenNode.fromEnv`).
 * A bad value in either fails with the `ConfigError` naming it.
 */
const options = (connection: ConnectionFlags): Effect.Effect<KaizenNode.Options, ConfigError.ConfigError | CliError> =>
  Effect.gen(function*() {
    if (connection.local && Option.isSome(connection.baseUrl)) {
      return yield* new CliError({ message: "--local and --base-url name two different engines; pass one of them" })
    }
    const client = withFlags(connection, yield* KaizenConfig.fromEnv)
    return isLocal(client) ? client : withFlags(connection, yield* Effect.flatMap(loadNode, (node) => node.fromEnv))
  })

/** Options from the environment, with the connection flags on top. */
const withFlags = <A extends KaizenConfig.Options>(connection: ConnectionFlags, fromEnv: A): A => ({
  ...fromEnv,
  ...(connection.local ? { baseUrl: KaizenConfig.LOCAL_BASE_URL } : {}),
  ...Option.match(connection.baseUrl, { onNone: () => ({}), onSome: (baseUrl) => ({ baseUrl }) }),
  ...Option.match(connection.apiKey, { onNone: () => ({}), onSome: (apiKey) => ({ apiKey }) }),
  ...Option.match(connection.timeout, { onNone: () => ({}), onSome: (seconds) => ({ timeout: Duration.seconds(seconds) }) })
})

/** The client layer for the flags, and the engine it runs on (for the hints of its errors). */
export interface Connection {
  readonly layer: Layer.Layer<KaizenClient, ConfigError.ConfigError>
  readonly engine: Engine
}

/**
 * The client for the flags: on the Node transport, or on the embedded engine with its body
 * limit. `--max-body-bytes` without the engine is refused: the service's limit is its own.
 */
export const connect = (connection: ConnectionFlags): Effect.Effect<Connection, ConfigError.ConfigError | CliError> =>
  Effect.gen(function*() {
    const resolved = yield* options(connection)
    if (!isLocal(resolved)) {
      if (Option.isSome(connection.maxBodyBytes)) {
        return yield* new CliError({
          message: "--max-body-bytes sets the embedded engine's limit; a remote service keeps its own",
          hint: "pass --local too, or leave --max-body-bytes out"
        })
      }
      const node = yield* loadNode
      return { layer: node.layer(resolved), engine: { _tag: "Remote" } }
    }
    const maxBodyBytes = Option.getOrElse(connection.maxBodyBytes, () => KaizenLocal.DEFAULT_MAX_BODY_BYTES)
    return {
      layer: KaizenLocal.layer({ ...resolved, maxBodyBytes }),
      engine: { _tag: "Local", maxBodyBytes }
    }
  })
