/**
 * The command line as `@effect/cli` should see it.
 *
 * @internal
 */
import { type FlagWord, valuedFlags } from "./help.js"

/**
 * What `-` (standard input) is replaced with before parsing. `@effect/cli` reads any word
 * that starts with `-` as an option, and an unknown one ends its search for options: in
 * `kaizen decompress - --local`, `--local` would become an input. The stand-in starts with
 * no `-`, so options after it are still found; the input reader maps it back.
 */
export const STDIN = "<stdin>"

/**
 * Where the subcommand is among the words after the runtime and the script, or -1: the first
 * word that is no option and no option's value (`kaizen --base-url URL compress`).
 */
const commandIndex = (words: ReadonlyArray<string>): number => {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!
    if (word === "--") return -1
    if (word === "-" || !word.startsWith("-")) return i
    if (valuedFlags.has(word)) i++
  }
  return -1
}

/**
 * Puts the subcommand first, so options may come before it (`kaizen --local compress f.json`):
 * `@effect/cli` reads the options of a subcommand after its name only. Then replaces each `-`
 * word with {@link STDIN}. After `--` every word is a file name: one that starts with `-` is
 * given as `./-name` (the same file), so that any input word still starting with `-` once
 * parsed is an option the command does not know (`@effect/cli` passes unknown options through
 * as arguments).
 */
export const normalize = (argv: ReadonlyArray<string>): Array<string> => {
  const words = argv.slice(2)
  const at = commandIndex(words)
  const ordered = at <= 0 ? words : [words[at]!, ...words.slice(0, at), ...words.slice(at + 1)]
  const end = ordered.indexOf("--")
  return [
    ...argv.slice(0, 2),
    ...ordered.map((word, i) => {
      if (end !== -1 && i > end) return word.startsWith("-") ? `./${word}` : word
      return word === "-" ? STDIN : word
    })
  ]
}

/** The subcommand a command line names (`compress`, `serve`, ...), or `""` when it names none. */
export const subcommandOf = (argv: ReadonlyArray<string>): string => {
  const words = argv.slice(2)
  return words[commandIndex(words)] ?? ""
}

/**
 * The first flag of `flags` (a command's, by spelling) given more than once though it may be
 * given once only, and how many times; `undefined` when there is none. Values are skipped,
 * and so is everything after `--`.
 */
export const repeatedFlag = (
  options: ReadonlyArray<string>,
  flags: ReadonlyMap<string, FlagWord>
): { readonly flag: string; readonly times: number } | undefined => {
  const counts = new Map<string, number>()
  for (let i = 0; i < options.length; i++) {
    const word = options[i]!
    if (word === "--") break
    const flag = flags.get(word.split("=")[0]!)
    if (flag === undefined) continue
    if (flag.valued && !word.includes("=")) i++
    if (!flag.repeatable) counts.set(flag.name, (counts.get(flag.name) ?? 0) + 1)
  }
  const [flag, times] = [...counts].find(([, n]) => n > 1) ?? []
  return flag === undefined ? undefined : { flag, times: times! }
}

/**
 * The secrets a command line and the environment carry, to be scrubbed from every message:
 * `KAIZEN_API_KEY` and the value of `--api-key` (as `--api-key KEY` or `--api-key=KEY`).
 */
export const secretsOf = (argv: ReadonlyArray<string>, env: NodeJS.ProcessEnv): Array<string> => {
  const secrets: Array<string> = []
  const fromEnv = env.KAIZEN_API_KEY?.trim()
  if (fromEnv) secrets.push(fromEnv)
  argv.forEach((word, i) => {
    if (word === "--api-key" && argv[i + 1] !== undefined) secrets.push(argv[i + 1]!)
    else if (word.startsWith("--api-key=")) secrets.push(word.slice("--api-key=".length))
  })
  return secrets.filter((secret) => secret !== "")
}
