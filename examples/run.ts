/**
 * How the examples end: a failure is one line on standard error (`examples/main.ts: cannot read
 * nope.json: no such file or directory`) and exit code 1, never a stack trace. Ctrl-C stops a
 * run cleanly (`NodeRuntime.runMain` interrupts it and closes its scopes).
 */
import { NodeRuntime } from "@effect/platform-node"
import { Cause, ConfigError, Console, Effect } from "effect"
import { relative } from "node:path"

const configProblem = (error: ConfigError.ConfigError): string => {
  switch (error._op) {
    case "And":
    case "Or":
      return `${configProblem(error.left)}; ${configProblem(error.right)}`
    default:
      return error.path.length === 0 ? error.message : `${error.path.join(".")}: ${error.message}`
  }
}

/** A failure in one line: the message of a Kaizen, AI, file or configuration error. */
export const oneLine = (error: unknown): string => {
  const text = ConfigError.isConfigError(error)
    ? configProblem(error)
    : error instanceof Error
    ? error.message
    : String(error)
  // A message that spans lines (a provider's error body) is kept to its first.
  return text.split("\n")[0]!
}

/** Runs an example as a program: its failure, if any, told in one line with exit code 1. */
export const runMain = <A, E>(program: Effect.Effect<A, E>): void => {
  const script = relative(process.cwd(), process.argv[1] ?? "example")
  NodeRuntime.runMain(
    Effect.tapErrorCause(program, (cause) =>
      Cause.isInterruptedOnly(cause) ? Effect.void : Console.error(`${script}: ${oneLine(Cause.squash(cause))}`)),
    { disableErrorReporting: true }
  )
}
