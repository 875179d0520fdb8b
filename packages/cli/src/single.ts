/**
 * One input through one operation: read, call, and (for a single input) write the result to
 * standard output or `--output`, with the summary line on a terminal.
 *
 * @internal
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { KaizenClient, type KaizenError } from "kaizen-effect"
import type { CliError } from "./failure.js"
import type { OutputFlags } from "./flags.js"
import * as Input from "./input.js"
import type { AnyOperation } from "./operations.js"
import { send } from "./operations.js"
import type { Outcome } from "./outcome.js"
import { outcome, summary } from "./outcome.js"
import { printError, terminal, write } from "./terminal.js"

/** Reads a source as an operation's input (a batch does the same for each of its inputs). */
export const load = <Flags>(
  op: AnyOperation,
  flags: Flags,
  source: Input.Source
): Effect.Effect<Input.Input, CliError, FileSystem.FileSystem> =>
  Effect.flatMap(Input.read(source), (text) => Input.parse(op.input, text, source, op.asText(flags)))

/** Reads a source, sends it, and measures what came back. */
const convert = <Flags>(
  op: AnyOperation,
  flags: Flags,
  source: Input.Source,
  asEnvelope: boolean
): Effect.Effect<Outcome, CliError | KaizenError.KaizenError, FileSystem.FileSystem | KaizenClient> =>
  Effect.gen(function*() {
    const input = yield* load(op, flags, source)
    const envelope = yield* send(yield* KaizenClient, op, input, flags)
    return outcome(op.direction, input, envelope, asEnvelope)
  })

/** Writes text to a file, creating or replacing it. */
export const writeFile = (path: string, text: string): Effect.Effect<void, CliError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => Effect.mapError(fs.writeFileString(path, text), Input.fileError("write", path)))

/** Runs one input: the result goes to standard output, or to `--output`. */
export const run = <Flags>(
  op: AnyOperation,
  flags: Flags,
  source: Input.Source,
  output: OutputFlags
): Effect.Effect<void, CliError | KaizenError.KaizenError, FileSystem.FileSystem | KaizenClient> =>
  Effect.gen(function*() {
    const result = yield* convert(op, flags, source, output.json)
    yield* Option.match(output.output, {
      onNone: () => write("stdout", result.text),
      onSome: (path) => writeFile(path, result.text)
    })
    // A person at a terminal sees what was saved; a pipe or a log gets the result only.
    if (yield* terminal("stderr")) yield* printError(summary(op.name, op.direction, result))
  })
