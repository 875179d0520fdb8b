/**
 * Inputs: where they come from (files, directories, standard input) and what they are read
 * as (JSON, KTOF, or a prompt that is either).
 *
 * @internal
 */
import * as FileSystem from "@effect/platform/FileSystem"
import type * as PlatformError from "@effect/platform/Error"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import { STDIN } from "./argv.js"
import { CliError, ExitCode } from "./failure.js"
import { readStdin } from "./terminal.js"

/** A source of one input: a file, or standard input. */
export type Source = { readonly _tag: "Stdin" } | { readonly _tag: "File"; readonly path: string }

/** How a command reads its input. */
export type InputKind =
  /** A JSON value (`compress`, `optimize`). */
  | "json"
  /** KTOF text (the decode commands). */
  | "ktof"
  /** A prompt: JSON when it parses as JSON, text otherwise (`encode`, `optimize-request`). */
  | "prompt"

/** An input as read: a JSON value, or text. */
export type Input = { readonly _tag: "Json"; readonly value: unknown } | { readonly _tag: "Text"; readonly text: string }

/** The files a directory contributes to a batch, by kind of input. */
export const extensions: Readonly<Record<InputKind, ReadonlyArray<string>>> = {
  json: [".json"],
  ktof: [".ktof", ".toon"],
  prompt: [".json", ".txt", ".md"]
}

/** How a source is named in messages. */
export const label = (source: Source): string => source._tag === "Stdin" ? "standard input" : source.path

const fileProblem = (error: PlatformError.PlatformError): string => {
  if (error._tag === "SystemError") {
    switch (error.reason) {
      case "NotFound":
        return "no such file or directory"
      case "PermissionDenied":
        return "permission denied"
      case "BadResource":
        return "not a readable file"
      default:
        break
    }
  }
  return error.message
}

/** Tells a file-system failure as a `CliError` (exit code 1). */
export const fileError = (what: string, path: string) => (error: PlatformError.PlatformError): CliError =>
  new CliError({ message: `cannot ${what} ${path}: ${fileProblem(error)}` })

/** Reads a source as UTF-8 text. */
export const read = (source: Source): Effect.Effect<string, CliError, FileSystem.FileSystem> =>
  source._tag === "Stdin"
    ? Effect.mapError(readStdin, (error) => new CliError({ message: `cannot read standard input: ${error.message}` }))
    : Effect.flatMap(
      FileSystem.FileSystem,
      (fs) => Effect.mapError(fs.readFileString(source.path), fileError("read", source.path))
    )

// V8 says where JSON broke as a character offset; a person looks for a line and a column.
// For a short text it quotes the text instead (`Unexpected token '}', "{ [ }" is not valid
// JSON`), which may span lines: the quote is dropped, so the message stays one line.
const withLineAndColumn = (message: string, text: string): string =>
  message
    .replace(/at position (\d+)(?: \(line \d+ column \d+\))?/, (_, offset: string) => {
      const before = text.slice(0, Number(offset))
      const line = before.split("\n").length
      const column = Number(offset) - before.lastIndexOf("\n")
      return `at line ${line}, column ${column}`
    })
    .replace(/, ".*" is not valid JSON$/s, "")

const parseJson = (text: string, source: Source): Effect.Effect<unknown, CliError> =>
  Effect.try({
    try: () => JSON.parse(text) as unknown,
    catch: (error) =>
      new CliError({
        message: `${label(source)} is not valid JSON: ${withLineAndColumn((error as Error).message, text)}`
      })
  })

/**
 * Reads the text of a source as a command's input:
 *
 * - `json`: must parse as JSON;
 * - `ktof`: taken as it is, less the line breaks at its end (a file, or `kaizen`'s own
 *   output, ends with one); empty (or blank) is refused with exit code 2;
 * - `prompt`: text when `asText`; otherwise JSON if it parses, text if it does not, except
 *   that a `.json` file must parse (a broken JSON file is a mistake, not a text prompt).
 */
export const parse = (
  kind: InputKind,
  text: string,
  source: Source,
  asText: boolean
): Effect.Effect<Input, CliError> => {
  switch (kind) {
    case "ktof": {
      // An empty document decodes to {}: after a failed command in a pipe, that would pass for data.
      if (text.trim() === "") {
        return Effect.fail(
          new CliError({
            message: `no input: ${label(source)} is empty`,
            code: ExitCode.EmptyInput,
            ...(source._tag === "Stdin" ? { hint: "did the command before the pipe fail?" } : {})
          })
        )
      }
      return Effect.succeed({ _tag: "Text", text: text.replace(/(?:\r?\n)+$/, "") })
    }
    case "json":
      return Effect.map(parseJson(text, source), (value) => ({ _tag: "Json", value }))
    case "prompt": {
      if (asText) return Effect.succeed({ _tag: "Text", text })
      const mustBeJson = source._tag === "File" && source.path.toLowerCase().endsWith(".json")
      const json = Effect.map(parseJson(text, source), (value): Input => ({ _tag: "Json", value }))
      return mustBeJson ? json : Effect.orElseSucceed(json, (): Input => ({ _tag: "Text", text }))
    }
  }
}

/** The inputs a command line names, with directories expanded, in the order given. */
export interface Inputs {
  readonly sources: ReadonlyArray<Source>
  /** Whether a directory was among them (a batch, even if it holds one file). */
  readonly fromDirectory: boolean
}

/**
 * Resolves the input words: `-` is standard input, a directory contributes its files with
 * the kind's extensions (sorted, not recursing), anything else is a file (read later, so a
 * missing one fails on its own in a batch).
 */
export const resolve = (
  words: ReadonlyArray<string>,
  kind: InputKind
): Effect.Effect<Inputs, CliError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    if (words.length === 0) {
      return yield* new CliError({
        message: "no input",
        hint: "give a file, a directory, or - to read standard input"
      })
    }
    const unknown = words.find((word) => word.startsWith("-"))
    if (unknown !== undefined) {
      return yield* new CliError({
        message: `unknown option ${unknown}`,
        hint: "see the command's --help (a file whose name starts with - goes after --)"
      })
    }
    if (words.length > 1 && words.includes(STDIN)) {
      return yield* new CliError({ message: "- (standard input) cannot be combined with other inputs" })
    }
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const sources: Array<Source> = []
    let fromDirectory = false
    for (const word of words) {
      if (word === STDIN) {
        sources.push({ _tag: "Stdin" })
        continue
      }
      const info = yield* Effect.option(fs.stat(word))
      if (info._tag === "None" || info.value.type !== "Directory") {
        sources.push({ _tag: "File", path: word })
        continue
      }
      fromDirectory = true
      const names = yield* Effect.mapError(fs.readDirectory(word), fileError("list", word))
      const matching = names
        .filter((name) => !name.startsWith(".") && extensions[kind].some((ext) => name.toLowerCase().endsWith(ext)))
        .sort()
      if (matching.length === 0) {
        return yield* new CliError({ message: `${word} holds no ${extensions[kind].join(", ")} files` })
      }
      for (const name of matching) sources.push({ _tag: "File", path: path.join(word, name) })
    }
    return { sources, fromDirectory }
  })
