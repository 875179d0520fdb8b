/**
 * The process's standard streams. The only module of the CLI that reads or writes them, so
 * every other part stays a function of its inputs.
 *
 * @internal
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"

/** Which standard output stream. */
export type Stream = "stdout" | "stderr"

/**
 * Whether a stream is a terminal: what decides if the summary line and the progress bar are
 * drawn. `KAIZEN_FORCE_TTY=1` says yes (`0` says no) whatever the stream is, so scripts and
 * tests can ask for the terminal output through a pipe.
 */
export const isTerminal = (stream: Stream): boolean => {
  const forced = process.env.KAIZEN_FORCE_TTY
  if (forced === "1") return true
  if (forced === "0") return false
  return process[stream].isTTY === true
}

/**
 * Writes text and resumes once the stream has taken it, so a large output piped to a slow
 * reader is not cut off at exit. A reader that went away (`kaizen ... | head -1`) is not an
 * error: whatever it did not read is dropped.
 */
export const write = (stream: Stream, text: string): Effect.Effect<void> =>
  text === ""
    ? Effect.void
    : Effect.async<void>((resume) => {
      const target = process[stream]
      if (target.destroyed || target.writableEnded) return resume(Effect.void)
      target.write(text, () => resume(Effect.void))
    })

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

/** Reads standard input to its end, as UTF-8 text. */
export const readStdin: Effect.Effect<string, Error> = Effect.tryPromise({
  try: async () => {
    const chunks: Array<Buffer> = []
    for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk)
    return Buffer.concat(chunks).toString("utf8")
  },
  catch: (cause) => cause instanceof Error ? cause : new Error(String(cause))
})

/** Redraws the current line of standard error (a progress bar); `""` clears it. */
export const redrawLine = (text: string): Effect.Effect<void> => tell("stderr", `\r\x1b[2K${text}`)
