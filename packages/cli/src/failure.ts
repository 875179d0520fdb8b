/**
 * What went wrong, told in one or two lines, and the exit code that goes with it:
 *
 * | code | meaning |
 * | --- | --- |
 * | 0 | success |
 * | 1 | usage or bad input: an unknown, invalid or repeated option, a missing or unreadable file, invalid JSON, a request refused before sending, bad configuration (and, should one ever happen, an internal error) |
 * | 2 | the Kaizen API answered with an error (status and `detail` shown); or no command was given (the usage is printed); or a decode command's input is empty |
 * | 3 | the request did not complete: connection, DNS, TLS, timeout |
 *
 * Never a stack trace, and never the API key: every line is printed through
 * `terminal.printError`, which scrubs the secrets the process knows.
 *
 * @internal
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Doc from "@effect/printer/Doc"
import * as Cause from "effect/Cause"
import * as ConfigError from "effect/ConfigError"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import { KaizenError, type KaizenAPIError, type KaizenRequestError } from "kaizen-effect"

/** The exit codes of the `kaizen` command. */
export const ExitCode = { Success: 0, Usage: 1, Api: 2, NoCommand: 2, EmptyInput: 2, Transport: 3, Interrupted: 130 } as const

/** One of {@link ExitCode}'s values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** Usage or bad input, found by the CLI itself: exit code 1 unless `code` says otherwise. */
export class CliError extends Data.TaggedError("CliError")<{
  readonly message: string
  readonly hint?: string | undefined
  readonly code?: ExitCode | undefined
}> {}

/** Some inputs of a batch failed (each was reported as it failed); the others were written. */
export class BatchFailed extends Data.TaggedError("BatchFailed")<{
  readonly failed: number
  readonly total: number
  /** Where the others were written. */
  readonly outDir: string
  /** The exit code of the first failed input, in the order the inputs were given. */
  readonly code: ExitCode
  /** The hints of the failures, each once. */
  readonly hints: ReadonlyArray<string>
}> {}

/** What answered: the hints for a refused body differ (only the embedded engine has a flag). */
export type Engine = { readonly _tag: "Remote" } | { readonly _tag: "Local"; readonly maxBodyBytes: number }

const remote: Engine = { _tag: "Remote" }

/** A failure, told for a person, and the exit code it ends the process with. */
export interface Report {
  /** What failed, in one line; empty when it has been told already. */
  readonly message: string
  /** What to do about it: usually one hint, none when there is nothing useful to say. */
  readonly hints: ReadonlyArray<string>
  readonly code: ExitCode
}

/** A report as the lines to print: `prefix: message`, then `hint: ...`. */
export const lines = (prefix: string, report: Report): Array<string> => [
  ...(report.message === "" ? [] : [prefix === "" ? report.message : `${prefix}: ${report.message}`]),
  ...report.hints.map((hint) => `hint: ${hint}`)
]

// The same words wherever the cure is the same.
const offline = "pass --local to run on the embedded engine"
const baseUrl = "KAIZEN_BASE_URL / --base-url"

const tooLarge = (engine: Engine): string =>
  engine._tag === "Local"
    ? `the embedded engine refuses bodies over ${
      engine.maxBodyBytes.toLocaleString("en-US")
    } bytes, as the service does: raise the limit with --max-body-bytes BYTES, or split the input`
    : "the service refuses a body this large: split the input"

const apiHint = (error: KaizenAPIError, engine: Engine): string | undefined => {
  const status = error.statusCode
  if (status === 401 || status === 403) return `set KAIZEN_API_KEY (or pass --api-key), or ${offline}`
  if (status === 404 || status === 405) return `check ${baseUrl}: no Kaizen API answers there`
  if (status === 400) return "check the input and the options (a strict decode also refuses irregular KTOF: --no-strict)"
  if (status === 413) return tooLarge(engine)
  if (status === 422) return "the service refused a field of the request: see the command's --help"
  if (status === 429) {
    const wait = error.retryAfter === undefined ? "" : ` (the service asks to wait ${Duration.format(error.retryAfter)})`
    return `rate limited: try again later${wait}`
  }
  if (status >= 500) {
    const id = error.requestId === undefined ? "" : ` (request id ${error.requestId})`
    return `the service is having trouble: try again later, or ${offline}${id}`
  }
  return undefined
}

const requestHint = (error: KaizenRequestError): string | undefined => {
  switch (error.reason) {
    case "Transport":
      return `check the network, ${baseUrl} and the proxy settings, or ${offline}`
    case "Timeout":
      return `allow longer with --timeout SECONDS (KAIZEN_TIMEOUT), or ${offline}`
    case "InvalidUrl":
      return `check ${baseUrl}`
    case "InvalidRequest":
    case "InvalidResponse":
      return undefined
  }
}

// An option given in code (here: by a flag) is named by its flag; a variable by its name.
const flagOf: Readonly<Record<string, string>> = {
  baseUrl: "--base-url",
  apiKey: "--api-key",
  timeout: "--timeout"
}

const configProblems = (error: ConfigError.ConfigError): Array<string> => {
  switch (error._op) {
    case "And":
    case "Or":
      return [...configProblems(error.left), ...configProblems(error.right)]
    case "InvalidData":
    case "MissingData":
    case "Unsupported":
    case "SourceUnavailable": {
      const name = error.path.join(".")
      return [name === "" ? error.message : `${flagOf[name] ?? name}: ${error.message}`]
    }
  }
}

/**
 * `@effect/cli`'s message (a `HelpDoc`) as plain text, in one line: no ANSI styling, and "an
 * integer" where it says "a integer".
 */
const plainText = (doc: HelpDoc.HelpDoc): string =>
  Doc.render(Doc.unAnnotate(HelpDoc.toAnsiDoc(doc)), { style: "pretty" }).trim().split(/\s*\n\s*/).join(" ")
    .replace(/\ba integer\b/g, "an integer")

const hintsOf = (hint: string | undefined): Array<string> => (hint === undefined ? [] : [hint])

/** A failure told already, where what answered was known (see {@link told}). */
export class Told extends Data.TaggedError("Told")<{ readonly report: Report }> {}

const plural = (n: number, word: string): string => `${n} ${n === 1 ? word : `${word}s`}`

const batchMessage = (error: BatchFailed): string => {
  const others = error.total - error.failed
  const written = others === 0 ? "" : `; the other ${others === 1 ? "was" : `${others} were`} written to ${error.outDir}`
  return `${error.failed} of ${plural(error.total, "input")} failed${written}`
}

/** Tells a failure, with its exit code; `engine` is what answered the requests, if any. */
export const describe = (error: unknown, engine: Engine = remote): Report => {
  if (error instanceof Told) return error.report
  if (ValidationError.isValidationError(error)) {
    return { message: plainText(error.error), hints: [], code: ExitCode.Usage }
  }
  if (error instanceof CliError) return { message: error.message, hints: hintsOf(error.hint), code: error.code ?? ExitCode.Usage }
  if (error instanceof BatchFailed) {
    return {
      message: batchMessage(error),
      hints: error.hints,
      code: error.code
    }
  }
  if (ConfigError.isConfigError(error)) {
    return {
      message: `invalid configuration: ${configProblems(error).join("; ")}`,
      hints: ["fix the KAIZEN_* variable, or override it with the matching flag"],
      code: ExitCode.Usage
    }
  }
  if (KaizenError.isKaizenError(error)) {
    if (error._tag === "KaizenAPIError") return { message: error.message, hints: hintsOf(apiHint(error, engine)), code: ExitCode.Api }
    return {
      message: error.message,
      hints: hintsOf(requestHint(error)),
      code: error.reason === "InvalidRequest" ? ExitCode.Usage : ExitCode.Transport
    }
  }
  return {
    message: `internal error: ${error instanceof Error ? error.message : String(error)}`,
    hints: ["this is a bug in kaizen-effect; please report it"],
    code: ExitCode.Usage
  }
}

/** A failure as a {@link Told}, told while `engine` is known. */
export const told = (engine: Engine) => (error: unknown): Told => new Told({ report: describe(error, engine) })

/** Tells why a run ended unsuccessfully: its first failure, else its first defect. */
export const describeCause = (cause: Cause.Cause<unknown>): Report =>
  Option.match(Cause.failureOption(cause), {
    onSome: describe,
    onNone: () => describe(Option.getOrElse(Cause.dieOption(cause), () => new Error("the run was interrupted")))
  })
