/**
 * `--help` and the usage, as plain text in the form Unix tools use (`Usage: kaizen compress
 * [options] <file>...`, then the options, two columns). `@effect/cli`'s own help is not used:
 * it styles with ANSI escapes whatever the output is, pads every option with its type
 * ("A user-defined piece of text."), and lists its built-in flags (`--wizard`).
 *
 * @internal
 */
import { KaizenLocal } from "kaizen-effect"
import { DEFAULT_BODY_TIMEOUT_MS, DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_MAX_IN_FLIGHT_BYTES, DEFAULT_PORT } from "@kaizen-effect/engine/defaults"
import * as Connection from "./connection.js"
import type { FlagHelp } from "./flags.js"
import * as flags from "./flags.js"
import type { AnyOperation } from "./operations.js"
import { operations } from "./operations.js"

/** A subcommand as `--help` shows it. */
interface CommandHelp {
  readonly name: string
  readonly summary: string
  /** What follows `[options]` in the usage line. */
  readonly operands: string
  /** Paragraphs after the usage line. */
  readonly about: ReadonlyArray<string>
  readonly flags: ReadonlyArray<FlagHelp>
}

const helpFlag: FlagHelp = { flag: "-h, --help", description: "show this help" }

const inputAbout = (op: AnyOperation): string =>
  op.name === "compress" || op.name === "optimize"
    ? "Each <file> is a JSON file, a directory of them (a batch), or - for standard input."
    : op.input === "ktof"
    ? "Each <file> is a KTOF file, a directory of .ktof and .toon files (a batch), or - for standard input."
    : "Each <file> is a prompt (JSON, or text), a directory of .json, .txt and .md files (a batch), or - for standard input."

const outputAbout =
  "One input: the result goes to standard output (or --output), and a summary line to standard error when it is a terminal. Several inputs or a directory: one file per input in --out-dir, and a table of what each saved."

const operationHelp = (op: AnyOperation): CommandHelp => ({
  name: op.name,
  summary: op.description,
  operands: "<file>...",
  about: [`${op.description}.`, inputAbout(op), outputAbout],
  flags: [...op.help, ...flags.outputHelp, ...Connection.help, helpFlag]
})

const commands: ReadonlyArray<CommandHelp> = [
  ...operations.map(operationHelp),
  {
    name: "health",
    summary: "Ask the API whether it is up (GET /)",
    operands: "",
    about: ["Ask the API whether it is up (GET /), and print its answer as JSON."],
    flags: [...Connection.help, helpFlag]
  },
  {
    name: "serve",
    summary: "Serve the embedded Kaizen engine over HTTP (no API key needed)",
    operands: "",
    about: [
      "Serve the embedded Kaizen engine over HTTP until Ctrl-C or SIGTERM, for clients in any language (no API key needed).",
      "Standard output gets one line, once it listens: Kaizen engine listening on URL."
    ],
    flags: [
      { flag: "--port N", description: `the port to listen on; 0 picks a free one (default ${DEFAULT_PORT})` },
      { flag: "--host HOST", description: "the address to listen on; 0.0.0.0 opens the engine to the network (default 127.0.0.1)" },
      {
        flag: "--max-body-bytes BYTES",
        description: `answer 413 to larger request bodies (default ${KaizenLocal.DEFAULT_MAX_BODY_BYTES.toLocaleString("en-US")})`
      },
      {
        flag: "--headers-timeout SECONDS",
        description: `answer 408 and close when a request's headers take longer (default ${DEFAULT_HEADERS_TIMEOUT_MS / 1000})`
      },
      {
        flag: "--body-timeout SECONDS",
        description: `answer 408 and close when a body takes longer to arrive (default ${DEFAULT_BODY_TIMEOUT_MS / 1000})`
      },
      {
        flag: "--max-in-flight-bytes BYTES",
        description: `answer 503 (Retry-After: 1) when request bodies held at once would pass this (default ${
          DEFAULT_MAX_IN_FLIGHT_BYTES.toLocaleString("en-US")
        })`
      },
      helpFlag
    ]
  }
]

const WIDTH = 80

/** Wraps text to the width, each line after the first indented by `indent`. */
const wrap = (text: string, width: number, indent: string): string => {
  const lines: Array<string> = []
  let line = ""
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line === "" ? word : `${line} ${word}`
    }
  }
  lines.push(line)
  return lines.join(`\n${indent}`)
}

/** Two columns: the left padded to its longest entry, the right wrapped under itself. */
const columns = (rows: ReadonlyArray<readonly [string, string]>): string => {
  const left = Math.max(...rows.map(([l]) => l.length)) + 2
  const indent = " ".repeat(left + 2)
  return rows.map(([l, r]) => `  ${l.padEnd(left)}${wrap(r, WIDTH - left - 2, indent)}`).join("\n")
}

const paragraphs = (texts: ReadonlyArray<string>): string => texts.map((t) => wrap(t, WIDTH, "")).join("\n\n")

/** The usage of the root command: what `kaizen` alone prints (to standard error). */
export const usage = [
  "Usage: kaizen <command> [options] <file>...",
  "       kaizen <command> --help",
  "",
  wrap(`Commands: ${commands.map((c) => c.name).join(", ")}`, WIDTH, "  "),
  ""
].join("\n")

/** `kaizen --help`. */
export const rootHelp = (version: string): string =>
  [
    "Usage: kaizen <command> [options] <file>...",
    "",
    paragraphs([
      `kaizen ${version}: Kaizen prompt compression from the terminal. JSON and prompts to KTOF and back, on the Kaizen API or on the embedded engine (--local), offline.`
    ]),
    "",
    "Commands:",
    columns(commands.map((c) => [c.name, c.summary])),
    "",
    "Options:",
    columns([[helpFlag.flag, helpFlag.description], ["-v, --version", "print the version"]]),
    "",
    "Run 'kaizen help <command>' for the options of a command.",
    ""
  ].join("\n")

/** `kaizen <command> --help`, or `undefined` for a name that is no command. */
export const commandHelp = (name: string): string | undefined => {
  const command = commands.find((c) => c.name === name)
  if (command === undefined) return undefined
  return [
    `Usage: kaizen ${command.name} [options]${command.operands === "" ? "" : ` ${command.operands}`}`,
    "",
    paragraphs(command.about),
    "",
    "Options:",
    columns(command.flags.map((f) => [f.flag, f.description])),
    ""
  ].join("\n")
}

/** The names of the commands `--help` lists. */
export const commandNames: ReadonlyArray<string> = commands.map((c) => c.name)

/** The long flags a command's `--help` lists (for the test that keeps it complete). */
export const flagsOf = (name: string): ReadonlyArray<string> =>
  (commands.find((c) => c.name === name)?.flags ?? []).flatMap((f) => f.flag.match(/--[a-z][a-z-]*/g) ?? [])

/** A flag as the command line spells it: its long name, and how it is given. */
export interface FlagWord {
  /** The long name (`--output` for `-o` too). */
  readonly name: string
  /** Whether the next word is its value (`--indent N`). */
  readonly valued: boolean
  readonly repeatable: boolean
}

// `-o, --output FILE`: the spellings (`-o`, `--output`), then the value's name if it takes one.
const wordsOf = (help: FlagHelp): Array<readonly [string, FlagWord]> => {
  const parts = help.flag.split(/,? /)
  const spellings = parts.filter((part) => part.startsWith("-"))
  const flag: FlagWord = {
    name: spellings.at(-1)!,
    valued: parts.length > spellings.length,
    repeatable: help.repeatable === true
  }
  return spellings.map((spelling) => [spelling, flag] as const)
}

/** The flags a command takes, by each spelling (`-o` and `--output`). */
export const flagWordsOf = (name: string): ReadonlyMap<string, FlagWord> =>
  new Map((commands.find((c) => c.name === name)?.flags ?? []).flatMap(wordsOf))

/** The spellings of every flag that takes a value, whatever the command (`--base-url`, `-o`). */
export const valuedFlags: ReadonlySet<string> = new Set(
  commands.flatMap((c) => c.flags.flatMap(wordsOf)).flatMap(([spelling, flag]) => (flag.valued ? [spelling] : []))
)
