/**
 * Shared by the benchmark scripts: statistics, RSS sampling, and writing one section of
 * BENCHMARKS.md with the command, machine and date that produced it.
 *
 * Where a section goes: BENCHMARKS.md by default; the file named by `BENCH_FILE` instead (what
 * `npm run bench:check` uses, so that a check never rewrites the committed figures); nowhere with
 * `BENCH_WRITE=0`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import os from "node:os"

export const percentile = (sorted: ArrayLike<number>, p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)]!
}

/** The median of per-round ratios and their spread (min and max): one round decides nothing. */
export interface Ratio {
  readonly median: number
  readonly min: number
  readonly max: number
}

/** Summarizes per-round ratios (each taken within one round, between runs minutes apart at most). */
export const ratioOf = (perRound: ReadonlyArray<number>): Ratio => ({
  median: median(perRound),
  min: Math.min(...perRound),
  max: Math.max(...perRound)
})

/** `0.65–0.78`: the spread of a ratio. */
export const formatSpread = (ratio: Ratio): string => `${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)}`

/** `**0.71x** (0.65–0.78)`: the median, bold as the table's headline figure, then the spread. */
export const formatRatio = (ratio: Ratio): string => `**${ratio.median.toFixed(2)}x** (${formatSpread(ratio)})`

/** Samples RSS every 20 ms until stopped; returns the peak in MB. */
export const startRssSampler = () => {
  let peak = process.memoryUsage().rss
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 20)
  return {
    stop: () => {
      clearInterval(timer)
      return Math.max(peak, process.memoryUsage().rss) / 1024 / 1024
    }
  }
}

export const machine = () =>
  `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "unknown CPU"}, ${
    (os.totalmem() / 1024 ** 3).toFixed(0)
  } GiB, Node ${process.version}, ${os.platform()} ${os.release()}, load average ${
    os.loadavg()[0]!.toFixed(1)
  } when written (its own processes included; 2 cores: above 2, other work shared them)`

const FILE = process.env.BENCH_FILE ?? new URL("../BENCHMARKS.md", import.meta.url)

/** The header of a new BENCHMARKS.md (also of the fresh file `bench:check` compares). */
export const HEADER = [
  "# Benchmarks",
  "",
  "Figures measured by the scripts under `bench/`; rerun them to check. Never asserted in tests.",
  "A ratio is taken within each round between runs that alternate, and the median of the rounds'",
  "ratios is shown with their spread (min–max); `npm run bench:check` compares a fresh run with",
  "this file by those ratios only.",
  ""
].join("\n")

/** Replaces (or appends) the `## title` section of BENCHMARKS.md. */
export const writeSection = async (title: string, command: string, body: string): Promise<void> => {
  if (process.env.BENCH_WRITE === "0") return console.log(`(BENCH_WRITE=0: the section "${title}" is not written)`)
  const current = existsSync(FILE) ? readFileSync(FILE, "utf8") : HEADER
  const section = [
    `## ${title}`,
    "",
    `Command: \`${command}\`  `,
    `Machine: ${machine()}  `,
    // With the hour: runs are compared across hours (the machine's speed moves between them).
    `Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    "",
    body,
    ""
  ].join("\n")
  const pattern = new RegExp(`## ${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n[\\s\\S]*?(?=\\n## |$)`)
  const next = pattern.test(current) ? current.replace(pattern, section) : `${current.trimEnd()}\n\n${section}`
  writeFileSync(FILE, next.trimEnd() + "\n")
  console.log(`wrote the section "${title}" of ${FILE instanceof URL ? "BENCHMARKS.md" : FILE}`)
}
