/**
 * Shared by the benchmark scripts: statistics, RSS sampling, and writing one section of
 * BENCHMARKS.md with the command, machine and date that produced it.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import os from "node:os"

export const percentile = (sorted: ArrayLike<number>, p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)]!
}

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
  } GiB, Node ${process.version}, ${os.platform()} ${os.release()}`

const FILE = new URL("../BENCHMARKS.md", import.meta.url)

/** Replaces (or appends) the `## title` section of BENCHMARKS.md. */
export const writeSection = async (title: string, command: string, body: string): Promise<void> => {
  const header = "# Benchmarks\n\nFigures measured by the scripts under `bench/`; rerun them to check. Never asserted in tests.\n"
  const current = existsSync(FILE) ? readFileSync(FILE, "utf8") : header
  const section = [
    `## ${title}`,
    "",
    `Command: \`${command}\`  `,
    `Machine: ${machine()}  `,
    `Date: ${new Date().toISOString().slice(0, 10)}`,
    "",
    body,
    ""
  ].join("\n")
  const pattern = new RegExp(`## ${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n[\\s\\S]*?(?=\\n## |$)`)
  const next = pattern.test(current) ? current.replace(pattern, section) : `${current.trimEnd()}\n\n${section}`
  writeFileSync(FILE, next.trimEnd() + "\n")
}
