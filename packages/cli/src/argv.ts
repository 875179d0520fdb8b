/**
 * The command line as `@effect/cli` should see it.
 *
 * @internal
 */

/**
 * What `-` (standard input) is replaced with before parsing. `@effect/cli` reads any word
 * that starts with `-` as an option, and an unknown one ends its search for options: in
 * `kaizen decompress - --local`, `--local` would become an input. The stand-in starts with
 * no `-`, so options after it are still found; the input reader maps it back.
 */
export const STDIN = "<stdin>"

/**
 * Replaces each `-` word with {@link STDIN}. After `--` every word is a file name: one that
 * starts with `-` is given as `./-name` (the same file), so that any input word still starting
 * with `-` once parsed is an option the command does not know (`@effect/cli` passes unknown
 * options through as arguments).
 */
export const normalize = (argv: ReadonlyArray<string>): Array<string> => {
  const end = argv.indexOf("--")
  return argv.map((word, i) => {
    if (end !== -1 && i > end) return word.startsWith("-") ? `./${word}` : word
    return word === "-" ? STDIN : word
  })
}

/** The subcommand a command line names (`compress`, `serve`, ...), or `""` when it names none. */
export const subcommandOf = (argv: ReadonlyArray<string>): string =>
  argv.slice(2).find((word) => !word.startsWith("-")) ?? ""

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
