/**
 * `kaizen serve`: the embedded engine over HTTP until the process is told to stop (Ctrl-C,
 * SIGTERM), for clients in any language.
 *
 * @internal
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { KaizenLocal } from "kaizen-effect"
import { DEFAULT_BODY_TIMEOUT_MS, DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_MAX_IN_FLIGHT_BYTES, DEFAULT_PORT } from "@kaizen-effect/engine/defaults"
import { CliError } from "./failure.js"
import { isTerminal, printError, write } from "./terminal.js"

const port = Options.integer("port").pipe(
  Options.filterMap((n) => (n >= 0 && n <= 65535 ? Option.some(n) : Option.none()), "--port must be 0 to 65535"),
  Options.withDescription("The port to listen on; 0 picks a free one"),
  Options.withDefault(DEFAULT_PORT)
)

const host = Options.text("host").pipe(
  Options.withDescription("The address to listen on; 0.0.0.0 opens the engine to the network"),
  Options.withDefault("127.0.0.1")
)

const maxBodyBytes = Options.integer("max-body-bytes").pipe(
  Options.filterMap((n) => (n >= 1 ? Option.some(n) : Option.none()), "--max-body-bytes must be a whole number >= 1"),
  Options.withDescription(`Answer 413 to larger request bodies (default ${KaizenLocal.DEFAULT_MAX_BODY_BYTES})`),
  Options.optional
)

const seconds = (name: string, description: string) =>
  Options.float(name).pipe(
    Options.filterMap(
      (n) => (Number.isFinite(n) && n > 0 ? Option.some(Duration.seconds(n)) : Option.none()),
      `--${name} must be a positive number of seconds`
    ),
    Options.withDescription(description),
    Options.optional
  )

const headersTimeout = seconds(
  "headers-timeout",
  `Answer 408 and close when a request's headers take longer (default ${DEFAULT_HEADERS_TIMEOUT_MS / 1000} s)`
)

const bodyTimeout = seconds(
  "body-timeout",
  `Answer 408 and close when a body takes longer to arrive (default ${DEFAULT_BODY_TIMEOUT_MS / 1000} s)`
)

const maxInFlightBytes = Options.integer("max-in-flight-bytes").pipe(
  Options.filterMap((n) => (n >= 1 ? Option.some(n) : Option.none()), "--max-in-flight-bytes must be a whole number >= 1"),
  Options.withDescription(
    `Answer 503 (Retry-After: 1) when request bodies held at once would pass this (default ${DEFAULT_MAX_IN_FLIGHT_BYTES})`
  ),
  Options.optional
)

const listenProblem = (cause: unknown): string => {
  const code = (cause as { code?: unknown } | undefined)?.code
  if (code === "EADDRINUSE") return "the address is already in use"
  if (code === "EACCES") return "permission denied (ports below 1024 need privileges)"
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") return "no such address on this machine"
  return cause instanceof Error ? cause.message : String(cause)
}

/** The `serve` subcommand. */
export const command = Command.make("serve", {
  port,
  host,
  maxBodyBytes,
  headersTimeout,
  bodyTimeout,
  maxInFlightBytes
}, (flags) =>
  Effect.scoped(
    Effect.gen(function*() {
      const address = yield* KaizenLocal.serve({
        port: flags.port,
        host: flags.host,
        maxBodyBytes: Option.getOrUndefined(flags.maxBodyBytes),
        headersTimeout: Option.getOrUndefined(flags.headersTimeout),
        bodyTimeout: Option.getOrUndefined(flags.bodyTimeout),
        maxInFlightBytes: Option.getOrUndefined(flags.maxInFlightBytes)
      }).pipe(
        Effect.mapError((error) =>
          new CliError({
            message: `cannot listen on ${flags.host}:${flags.port}: ${listenProblem(error.cause)}`,
            hint: "pass another --port, or --port 0 for any free port"
          })
        )
      )
      // Standard output carries the URL alone, so a script can read it.
      yield* write("stdout", `Kaizen engine listening on ${address.url}\n`)
      if (isTerminal("stderr")) {
        yield* printError(`Point a client at it with KAIZEN_BASE_URL=${address.url}; Ctrl-C stops it.`)
      }
      // Interrupted by SIGINT / SIGTERM (NodeRuntime.runMain): the scope closes the server.
      return yield* Effect.never
    })
  )).pipe(Command.withDescription("Serve the embedded Kaizen engine over HTTP (no API key needed)"))
