#!/usr/bin/env node
/**
 * The `kaizen` executable: runs the command line, then ends the process with the exit code
 * of how it went (see `failure.ts`). Ctrl-C and SIGTERM interrupt the run through
 * `NodeRuntime.runMain`, which closes every scope (connections, a server) first.
 *
 * @internal
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import type { Teardown } from "@effect/platform/Runtime"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Argv from "./argv.js"
import * as App from "./app.js"
import { describeCause, ExitCode, lines } from "./failure.js"
import { ignoreClosedPipes, printError, Secrets } from "./terminal.js"

ignoreClosedPipes()

const argv = Argv.normalize(process.argv)
const subcommand = Argv.subcommandOf(argv)

const program: Effect.Effect<ExitCode> = App.run(argv).pipe(
  Effect.provide(NodeContext.layer),
  Effect.matchCauseEffect({
    onSuccess: () => Effect.succeed(ExitCode.Success),
    onFailure: (cause) => {
      if (Cause.isInterruptedOnly(cause)) return Effect.interrupt
      const report = describeCause(cause)
      const told = lines(`kaizen ${subcommand}`.trim(), report)
      return Effect.as(Effect.forEach(told, printError), report.code)
    }
  }),
  // The API key from the environment or the command line: no message shows it.
  Effect.provideService(Secrets, Argv.secretsOf(process.argv, process.env))
)

// Stopping `serve` with a signal is how it is meant to end; anything else interrupted did not
// finish its job.
const teardown: Teardown = (exit, onExit) =>
  onExit(
    Exit.isSuccess(exit) && typeof exit.value === "number"
      ? exit.value
      : subcommand === "serve"
      ? ExitCode.Success
      : ExitCode.Interrupted
  )

NodeRuntime.runMain(program, { disableErrorReporting: true, teardown })
