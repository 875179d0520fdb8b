/**
 * The `kaizen` command: its subcommands, each wired to its flags and handler.
 *
 * @internal
 */
import * as Command from "@effect/cli/Command"
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { KaizenClient } from "../KaizenClient.js"
import { version } from "../contract/version.js"
import * as Batch from "./batch.js"
import * as Connection from "./connection.js"
import { CliError } from "./failure.js"
import * as flags from "./flags.js"
import * as Input from "./input.js"
import type { AnyOperation } from "./operations.js"
import { operations } from "./operations.js"
import * as Serve from "./serve.js"
import * as Single from "./single.js"
import { write } from "./terminal.js"

const operationCommand = (op: AnyOperation) =>
  Command.make(
    op.name,
    { inputs: flags.inputs, flags: op.flags, output: flags.output, connection: Connection.flags },
    (config) =>
      Effect.gen(function*() {
        const { fromDirectory, sources } = yield* Input.resolve(config.inputs, op.input)
        const { concurrency, json, outDir, output } = config.output
        const batch = sources.length > 1 || fromDirectory || Option.isSome(outDir)
        if (batch && Option.isSome(output)) {
          return yield* new CliError({
            message: "--output names one file; a batch writes one file per input",
            hint: "pass --out-dir DIR instead"
          })
        }
        if (batch && Option.isNone(outDir)) {
          return yield* new CliError({
            message: `${sources.length} inputs and nowhere to write them`,
            hint: "pass --out-dir DIR: each input's result is written there, under the input's name"
          })
        }
        const layer = yield* Connection.layer(config.connection)
        const work: Effect.Effect<void, Batch.Failure, Batch.Requirements> = batch && Option.isSome(outDir)
          ? Batch.run({ op, flags: config.flags, sources, outDir: outDir.value, concurrency, asEnvelope: json })
          : Single.run(op, config.flags, sources[0]!, config.output)
        return yield* Effect.provide(work, layer)
      })
  ).pipe(Command.withDescription(op.description))

const health = Command.make("health", { connection: Connection.flags }, ({ connection }) =>
  Effect.gen(function*() {
    const layer = yield* Connection.layer(connection)
    const answer = yield* Effect.provide(Effect.flatMap(KaizenClient, (kaizen) => kaizen.health()), layer)
    yield* write("stdout", `${JSON.stringify(answer, null, 2)}\n`)
  })).pipe(Command.withDescription("Ask the API whether it is up (GET /)"))

/** The root command. */
export const kaizen = Command.make("kaizen").pipe(
  Command.withDescription(
    "Kaizen prompt compression from the terminal: JSON and prompts to KTOF and back, on the Kaizen API or the embedded engine (--local)"
  ),
  Command.withSubcommands([...Arr.map(operations, operationCommand), health, Serve.command])
)

/** Parses a command line (`process.argv`, after `argv.normalize`) and runs it. */
export const run = Command.run(kaizen, { name: "kaizen", version })
