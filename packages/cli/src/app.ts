/**
 * The `kaizen` command: its subcommands, each wired to its flags and handler.
 *
 * @internal
 */
import * as Command from "@effect/cli/Command"
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { KaizenClient } from "kaizen-effect"
import { version } from "./version.js"
import * as Batch from "./batch.js"
import * as Connection from "./connection.js"
import { CliError, told } from "./failure.js"
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
        const { engine, layer } = yield* Connection.connect(config.connection)
        const work: Effect.Effect<void, Batch.Failure, Batch.Requirements> = batch && Option.isSome(outDir)
          ? Batch.run({ op, flags: config.flags, sources, outDir: outDir.value, concurrency, asEnvelope: json, engine })
          : Single.run(op, config.flags, sources[0]!, config.output)
        // Told here, where it is known what answered (the engine's 413 names its flag).
        return yield* Effect.mapError(Effect.provide(work, layer), told(engine))
      })
  )

const health = Command.make("health", { connection: Connection.flags }, ({ connection }) =>
  Effect.gen(function*() {
    const { engine, layer } = yield* Connection.connect(connection)
    const answer = yield* Effect.provide(Effect.flatMap(KaizenClient, (kaizen) => kaizen.health()), layer).pipe(
      Effect.mapError(told(engine))
    )
    yield* write("stdout", `${JSON.stringify(answer, null, 2)}\n`)
  }))

/** The root command (its help is `help.ts`'s). */
export const kaizen = Command.make("kaizen").pipe(
  Command.withSubcommands([...Arr.map(operations, operationCommand), health, Serve.command])
)

/** Parses a command line (`process.argv`, after `argv.normalize`) and runs it: see `run.ts`. */
export const run = Command.run(kaizen, { name: "kaizen", version })
