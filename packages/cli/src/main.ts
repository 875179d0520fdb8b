#!/usr/bin/env node
/**
 * The `kaizen` executable: runs the command line (`run.ts`) on the process's streams, then
 * ends the process with the exit code of how it went (see `failure.ts`). Ctrl-C and SIGTERM
 * interrupt the run through `NodeRuntime.runMain`, which closes every scope (connections, a
 * server) first.
 *
 * @internal
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import type { Teardown } from "@effect/platform/Runtime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Argv from "./argv.js"
import { ExitCode } from "./failure.js"
import { run } from "./run.js"
import { ignoreClosedPipes } from "./terminal.js"

ignoreClosedPipes()

const subcommand = Argv.subcommandOf(process.argv)

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

NodeRuntime.runMain(Effect.provide(run(process.argv), NodeContext.layer), { disableErrorReporting: true, teardown })
