/**
 * The whole `kaizen` command as one Effect: a command line in, an exit code out, every byte
 * written through the run's streams (`terminal.ts`). The executable (`main.ts`) runs it on the
 * process; tests run it in-process on captured streams.
 *
 * @internal
 */
import type * as CliApp from "@effect/cli/CliApp"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { version } from "./version.js"
import * as App from "./app.js"
import * as Argv from "./argv.js"
import type { Report } from "./failure.js"
import { CliError, describe, describeCause, ExitCode, lines } from "./failure.js"
import * as Help from "./help.js"
import { CurrentStreams, printError, Secrets, write } from "./terminal.js"

/**
 * `@effect/cli` prints through the `Console`: its output (`--version`) goes to the run's
 * standard output; its error messages are dropped, since the failure it returns is told here,
 * in the CLI's own words and without styling.
 */
const withCliConsole = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Console.consoleWith((console) =>
    Effect.withConsole(self, {
      ...console,
      log: (...args: ReadonlyArray<unknown>) => write("stdout", `${args.map(String).join(" ").trimEnd()}\n`),
      error: () => Effect.void
    })
  )

// Flags `@effect/cli` adds to every command that `kaizen` does not offer: an interactive
// wizard, and two whose values read as a command name.
const refused = new Set(["--wizard", "--completions", "--log-level"])

/** Tells a failure on standard error, `kaizen <command>: ...` then its hints; gives its exit code. */
const report = (subcommand: string, failure: Report): Effect.Effect<ExitCode> =>
  Effect.as(Effect.forEach(lines(`kaizen ${subcommand}`.trim(), failure), printError), failure.code)

const unknownCommand = (name: string): Effect.Effect<ExitCode> => {
  const hint = `the commands are ${Help.commandNames.join(", ")}; see kaizen --help`
  return report("", describe(new CliError({ message: `unknown command ${name}`, hint })))
}

/**
 * Runs a command line (`process.argv`: the runtime and the script first). Interruption
 * (Ctrl-C) is not a failure of the command: it ends the run as an interruption.
 */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<ExitCode, never, CliApp.CliApp.Environment> =>
  Effect.gen(function*() {
    const words = Argv.normalize(argv)
    const subcommand = Argv.subcommandOf(words)
    // Messages start with `kaizen <command>:` when there is one.
    const prefix = Help.commandNames.includes(subcommand) ? subcommand : ""
    const end = words.indexOf("--")
    const options = (end === -1 ? words : words.slice(0, end)).slice(2)
    if (options.includes("--help") || options.includes("-h")) {
      const help = subcommand === "" ? Help.rootHelp(version) : Help.commandHelp(subcommand)
      if (help !== undefined) {
        yield* write("stdout", help)
        return ExitCode.Success
      }
    }
    const unknown = options.find((word) => refused.has(word))
    if (unknown !== undefined) {
      return yield* report(prefix, describe(new CliError({ message: `unknown option ${unknown}`, hint: "see --help" })))
    }
    if (subcommand === "" && (options.includes("--version") || options.includes("-v"))) {
      yield* write("stdout", `${version}\n`)
      return ExitCode.Success
    }
    // No command (`kaizen`, `kaizen --local`): the usage, on standard error, as Unix tools do.
    if (subcommand === "") {
      yield* write("stderr", Help.usage)
      return ExitCode.NoCommand
    }
    // `kaizen help [command]`: what `--help` prints.
    if (subcommand === "help") {
      const topic = options.slice(1).find((word) => !word.startsWith("-")) ?? "help"
      const help = topic === "help" ? Help.rootHelp(version) : Help.commandHelp(topic)
      if (help === undefined) return yield* unknownCommand(topic)
      yield* write("stdout", help)
      return ExitCode.Success
    }
    if (!Help.commandNames.includes(subcommand)) return yield* unknownCommand(subcommand)
    // `@effect/cli` takes the second as an input, and would call it an unknown option.
    const repeated = Argv.repeatedFlag(options, Help.flagWordsOf(subcommand))
    if (repeated !== undefined) {
      const times = repeated.times === 2 ? "twice" : `${repeated.times} times`
      return yield* report(prefix, describe(new CliError({ message: `${repeated.flag} is given ${times}`, hint: "pass it once" })))
    }
    return yield* App.run(words).pipe(
      withCliConsole,
      Effect.as(ExitCode.Success),
      Effect.catchAllCause((cause) => Cause.isInterruptedOnly(cause) ? Effect.failCause(cause) : report(prefix, describeCause(cause))),
      Effect.orDie
    )
  }).pipe(
    // The API key from the environment or the command line: no message shows it.
    (self) => Effect.flatMap(CurrentStreams, (streams) => Effect.provideService(self, Secrets, Argv.secretsOf(argv, streams.env)))
  )
