/**
 * Many inputs through one operation, a bounded number at a time, one output file each: the
 * library's bulk API (`KaizenBatch`) makes the calls, fed by a stream that reads each input as
 * it is asked for. A failed input (unreadable, invalid, refused, unwritten) is reported once, on
 * standard error, as it fails, and the others go on; the closing table (standard output) marks
 * it failed; the run fails at the end if any did. Interrupted (Ctrl-C), it prints the table of
 * the inputs that finished before the run ends.
 *
 * @internal
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import { KaizenBatch, type KaizenClient, type KaizenError } from "kaizen-effect"
import type { Engine } from "./failure.js"
import { BatchFailed, CliError, describe } from "./failure.js"
import * as Input from "./input.js"
import type { AnyOperation } from "./operations.js"
import type { Envelope, Outcome } from "./outcome.js"
import { change, outcome, size } from "./outcome.js"
import { load, writeFile } from "./single.js"
import * as Table from "./table.js"
import { printError, tell, terminal } from "./terminal.js"

/** What a batch is asked to do. */
export interface Batch<Flags> {
  readonly op: AnyOperation
  readonly flags: Flags
  readonly sources: ReadonlyArray<Input.Source>
  readonly outDir: string
  readonly concurrency: number
  readonly asEnvelope: boolean
  /** What answers the requests (for the hints). */
  readonly engine: Engine
}

interface Planned {
  readonly source: Input.Source
  readonly input: string
  readonly output: string
}

/** Each input's output file; refuses names that clash, or an output that is an input. */
const plan = <Flags>(batch: Batch<Flags>): Effect.Effect<Array<Planned>, CliError, Path.Path> =>
  Effect.gen(function*() {
    const path = yield* Path.Path
    const extension = batch.asEnvelope || batch.op.direction === "decode" ? ".json" : ".ktof"
    const inputs = new Set<string>()
    const planned: Array<Planned> = []
    for (const source of batch.sources) {
      if (source._tag === "Stdin") {
        return yield* new CliError({ message: "- (standard input) writes to standard output or --output, not --out-dir" })
      }
      inputs.add(path.resolve(source.path))
      const base = path.basename(source.path, path.extname(source.path))
      planned.push({ source, input: source.path, output: path.join(batch.outDir, `${base}${extension}`) })
    }
    const outputs = new Map<string, string>()
    for (const { input, output } of planned) {
      const resolved = path.resolve(output)
      if (inputs.has(resolved)) {
        return yield* new CliError({ message: `${output} would overwrite the input ${input}`, hint: "choose another --out-dir" })
      }
      const other = outputs.get(resolved)
      if (other !== undefined) {
        return yield* new CliError({ message: `${other} and ${input} would both be written to ${output}` })
      }
      outputs.set(resolved, input)
    }
    return planned
  })

const bar = (done: number, total: number, width = 24): string => {
  const filled = Math.round((done / total) * width)
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`
}

const doneLine = (planned: Planned, o: Outcome): string => {
  const delta = change(o.before.bytes, o.after.bytes)
  return `ok ${planned.input} → ${planned.output} (${size(o.before)} → ${size(o.after)}${delta === "" ? "" : `, ${delta}`})`
}

// A message that names the input already is not prefixed with it again.
const failedLine = (planned: Planned, message: string): string =>
  `failed ${message.includes(planned.input) ? message : `${planned.input}: ${message}`}`

/**
 * A line of standard error redrawn in place: `\r`, the text, and spaces over what is left of
 * the previous one. No escape sequences, so it reads right on any terminal and in a log.
 */
const statusLine = () => {
  let shown = 0
  // Measured when it runs, not when built: inputs of a batch end in any order.
  const draw = (text: string, end = ""): Effect.Effect<void> =>
    Effect.suspend(() => {
      const line = `\r${text.padEnd(shown)}${end}`
      shown = end === "" ? text.length : 0
      return tell("stderr", line)
    })
  return {
    draw: (text: string) => draw(text),
    /** Prints a line above the status line, which is drawn again after it. */
    above: (line: string, status: string) => Effect.zipRight(draw(line, "\n"), draw(status)),
    clear: Effect.suspend(() => (shown === 0 ? Effect.void : Effect.zipRight(draw(""), tell("stderr", "\r"))))
  }
}

/**
 * Reports each input as it ends, the `done`-th to: on a terminal, a progress bar redrawn in
 * place (failures printed above it); otherwise one plain line per input, for logs.
 */
const makeProgress = (total: number, tty: boolean) => {
  const status = statusLine()
  const start = tty ? status.draw(bar(0, total)) : Effect.void
  const report = (done: number, planned: Planned, result: Either.Either<Outcome, string>): Effect.Effect<void> => {
    const line = `[${done}/${total}] ${
      Either.match(result, { onLeft: (message) => failedLine(planned, message), onRight: (o) => doneLine(planned, o) })
    }`
    if (!tty) return printError(line)
    const progress = `${bar(done, total)} ${planned.input}`
    return Either.isLeft(result) ? status.above(line, progress) : status.draw(progress)
  }
  const finish = tty ? status.clear : Effect.void
  return { start, report, finish }
}

/** How a run of inputs, one or many, fails. */
export type Failure = CliError | KaizenError.KaizenError | BatchFailed

/** What a run of inputs needs. */
export type Requirements = FileSystem.FileSystem | Path.Path | KaizenClient

/** Runs the batch; fails with {@link BatchFailed} after the table if any input failed. */
export const run = <Flags>(batch: Batch<Flags>): Effect.Effect<void, CliError | BatchFailed, Requirements> =>
  Effect.gen(function*() {
    const planned = yield* plan(batch)
    const fs = yield* FileSystem.FileSystem
    yield* Effect.mapError(fs.makeDirectory(batch.outDir, { recursive: true }), Input.fileError("create", batch.outDir))
    const progress = makeProgress(planned.length, yield* terminal("stderr"))
    yield* progress.start
    // Each parsed input waits here for its answer (the table measures it against the result),
    // and no longer.
    const inputs: Array<Input.Input | undefined> = []
    // Inputs are read as the batch asks for them; one that cannot be read or parsed is a `Left`,
    // which the batch keeps as that input's failure, in its place, without sending anything.
    const requests = Stream.fromIterable(planned).pipe(
      Stream.zipWithIndex,
      Stream.mapEffect(([item, index]) =>
        load(batch.op, batch.flags, item.source).pipe(
          Effect.map((input) => {
            inputs[index] = input
            return batch.op.request(input, batch.flags)
          }),
          Effect.either
        )
      )
    )
    // Each answer is written as it comes; writing is part of the input's outcome.
    const written = (result: Either.Either<Envelope, CliError | KaizenError.KaizenError>, index: number) => {
      // Set whenever there is an envelope: only a loaded input is sent.
      const input = inputs[index]
      inputs[index] = undefined
      return Effect.flatMap(result, (envelope) => {
        const o = outcome(batch.op.direction, input!, envelope, batch.asEnvelope)
        return Effect.as(writeFile(planned[index]!.output, o.text), o)
      })
    }
    // In completion order, so each input is reported as it ends; its place in that order is
    // the count the progress shows. Kept as they end, so an interrupted batch can tell them.
    const ended: Array<readonly [Either.Either<Outcome, CliError | KaizenError.KaizenError>, number]> = []
    // Back in the order the inputs were given, for the table.
    const rows = (): Array<Table.Row> => {
      const results: Array<Either.Either<Outcome, unknown> | undefined> = []
      for (const [result, index] of ended) results[index] = result
      return planned.map(({ input, output }, i): Table.Row => {
        const result = results[i]
        if (result === undefined) return { _tag: "Interrupted", input }
        return Either.match(result, {
          onLeft: () => ({ _tag: "Failed", input }),
          onRight: (o) => ({ _tag: "Done", input, output, outcome: o })
        })
      })
    }
    // Ctrl-C: what finished is told (the table, and a line), then the run ends as interrupted.
    const onInterrupt = Effect.gen(function*() {
      yield* progress.finish
      yield* tell("stdout", Table.render(rows()))
      const failed = ended.filter(([result]) => Either.isLeft(result)).length
      const written = ended.length - failed
      yield* printError(
        `kaizen ${batch.op.name}: interrupted: ${ended.length} of ${planned.length} input${planned.length === 1 ? "" : "s"} finished${
          written === 0 ? "" : `; ${written} written to ${batch.outDir}`
        }${failed === 0 ? "" : `, ${failed} failed`}`
      )
    })
    yield* KaizenBatch.streamUnordered(requests, batch.op.route, { concurrency: batch.concurrency }).pipe(
      Stream.mapEffect(([result, index]) => Effect.map(Effect.either(written(result, index)), (done) => [done, index] as const)),
      // Kept before it is reported: once its line is out, an interrupted table has it.
      Stream.runForEach(([result, index]) =>
        progress.report(
          ended.push([result, index]),
          planned[index]!,
          Either.mapLeft(result, (error) => describe(error, batch.engine).message)
        )
      ),
      Effect.onInterrupt(() => onInterrupt)
    )
    yield* progress.finish
    yield* tell("stdout", Table.render(rows()))
    // In the order the inputs were given: the first one's exit code is the run's.
    const failures = [...ended].sort(([, a], [, b]) => a - b).flatMap(([result]) => (Either.isLeft(result) ? [result.left] : []))
    const first = failures[0]
    if (first === undefined) return
    const reports = failures.map((error: CliError | KaizenError.KaizenError) => describe(error, batch.engine))
    return yield* new BatchFailed({
      failed: failures.length,
      total: planned.length,
      outDir: batch.outDir,
      code: reports[0]!.code,
      hints: [...new Set(reports.flatMap((r) => r.hints))]
    })
  })
