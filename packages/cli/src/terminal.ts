/**
 * The standard streams and the environment the CLI prints by. The only module of the CLI that
 * reads or writes them, so every other part stays a function of its inputs. They are a
 * service ({@link Streams}, the process's by default), so the whole command can run
 * in-process on captured streams.
 *
 * @internal
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"

/** Which standard output stream. */
export type Stream = "stdout" | "stderr"

/** What the CLI reads and writes. */
export interface Streams {
  /** Writes text and resumes once the stream has taken it. */
  readonly write: (stream: Stream, text: string) => Effect.Effect<void>
  /** Whether the stream is a terminal (`isTTY`). */
  readonly isTTY: (stream: Stream) => boolean
  /** Standard input to its end, as UTF-8 text. */
  readonly readStdin: Effect.Effect<string, Error>
  /** The environment: `KAIZEN_*`, `NO_COLOR`. */
  readonly env: Readonly<Record<string, string | undefined>>
}

/**
 * Writes text and resumes once the stream has taken it, so a large output piped to a slow
 * reader is not cut off at exit. A reader that went away (`kaizen ... | head -1`) is not an
 * error: whatever it did not read is dropped.
 */
const writeProcess = (stream: Stream, text: string): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    const target = process[stream]
    if (target.destroyed || target.writableEnded) return resume(Effect.void)
    target.write(text, () => resume(Effect.void))
  })

const readProcessStdin: Effect.Effect<string, Error> = Effect.tryPromise({
  try: async () => {
    const chunks: Array<Buffer> = []
    for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk)
    return Buffer.concat(chunks).toString("utf8")
  },
  catch: (cause) => cause instanceof Error ? cause : new Error(String(cause))
})

/** The process's own streams and environment. */
export const processStreams: Streams = {
  write: writeProcess,
  isTTY: (stream) => process[stream].isTTY === true,
  readStdin: readProcessStdin,
  env: process.env
}

/** The streams of this run: the process's unless a test provides captured ones. */
export class CurrentStreams extends Context.Reference<CurrentStreams>()("kaizen-effect/cli/Streams", {
  defaultValue: (): Streams => processStreams
}) {}

// `KAIZEN_FORCE_TTY=1` says yes (`0` says no) whatever the stream is, so scripts and tests
// can ask for the terminal output through a pipe.
const terminalBy = (streams: Streams, stream: Stream): boolean => {
  const forced = streams.env.KAIZEN_FORCE_TTY
  if (forced === "1") return true
  if (forced === "0") return false
  return streams.isTTY(stream)
}

/**
 * Whether a stream of this run is a terminal: what decides if the summary line and the
 * progress bar are drawn.
 */
export const terminal = (stream: Stream): Effect.Effect<boolean> =>
  Effect.map(CurrentStreams, (streams) => terminalBy(streams, stream))

/** Whether a stream of the process is a terminal (for `serve`, which only runs as a process). */
export const isTerminal = (stream: Stream): boolean => terminalBy(processStreams, stream)

/** Writes text to a stream of this run (a result: as it is). */
export const write = (stream: Stream, text: string): Effect.Effect<void> =>
  text === "" ? Effect.void : Effect.flatMap(CurrentStreams, (streams) => streams.write(stream, text))

/** Reads standard input of this run to its end. */
export const readStdin: Effect.Effect<string, Error> = Effect.flatMap(CurrentStreams, (streams) => streams.readStdin)

/**
 * The secrets of this run (the API key), which no message may show. A message can carry one
 * without the CLI putting it there: a deployment that echoes the key it was sent in `detail`.
 */
export class Secrets extends Context.Reference<Secrets>()("kaizen-effect/cli/Secrets", {
  defaultValue: (): ReadonlyArray<string> => []
}) {}

/** Replaces every occurrence of each secret with `<redacted>`. */
export const scrub = (text: string, secrets: ReadonlyArray<string>): string =>
  secrets.reduce((out, secret) => (secret === "" ? out : out.split(secret).join("<redacted>")), text)

/**
 * Writes a message (not a result): scrubbed of the {@link Secrets}. Results are written as
 * they are, since they are the user's data.
 */
export const tell = (stream: Stream, text: string): Effect.Effect<void> =>
  Effect.flatMap(Secrets, (secrets) => write(stream, scrub(text, secrets)))

/** Writes a message line to standard error. */
export const printError = (line: string): Effect.Effect<void> => tell("stderr", `${line}\n`)

/**
 * A closed pipe makes a stream emit `error` (EPIPE) on its next write; without a listener
 * Node would crash with a stack trace. Installed once, by the entry point.
 */
export const ignoreClosedPipes = (): void => {
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined)
}
