/**
 * A regression guard, not a timed test: runs a fresh `npm run bench` and `npm run bench:engine`
 * into a temporary file (BENCH_FILE; BENCHMARKS.md is never written), then compares the fresh
 * figures with the committed BENCHMARKS.md by ratio only, never by absolute time: each "vs undici"
 * ratio, each CPU-per-call ratio to undici's, and each engine time ratio to `encode`. Absolute
 * times move with the machine; a ratio between runs of the same round moves with the code.
 *
 *   npm run bench:check              # full runs (as committed figures are taken; slow)
 *   npm run bench:check -- --quick   # BENCH_QUICK=1 smoke runs (fewer requests: noisier)
 *   npm run bench:check -- --keep    # also keep the fresh figures' file and print its path
 *
 * Prints every figure that moved by more than 15% (with the committed spread, for scale) and a
 * one-line verdict. Only kaizen-effect's own ratios gate: the comparators' (fetch, node:http,
 * @effect/platform's clients) are printed apart, as they swing with the shared machine and say
 * nothing about this code. Exit code: 0 when none of kaizen-effect's own ratios moved by more
 * than 15%, 1 when one did or a run failed. Not run by CI or the tests: figures are never asserted.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import os from "node:os"
import path from "node:path"
import { type Figure, parseRatios } from "./ratios.js"

const THRESHOLD = 0.15
const quick = process.argv.includes("--quick")
// The fresh run's own tables, e.g. to report ranges across runs taken at different hours.
const keep = process.argv.includes("--keep")
const root = new URL("..", import.meta.url).pathname
const committedFile = path.join(root, "BENCHMARKS.md")

/** Runs one benchmark script into `file`; false when it failed. */
const run = (script: string, file: string, gc: boolean): boolean => {
  console.log(`\n--- bench:check: ${quick ? "BENCH_QUICK=1 " : ""}${script} ---`)
  const { BENCH_WRITE: _ignored, ...env } = process.env
  const result = spawnSync(process.execPath, [...(gc ? ["--expose-gc"] : []), "--import", "tsx", script], {
    cwd: root,
    stdio: "inherit",
    env: { ...env, TSX_TSCONFIG_PATH: "tsconfig.bench.json", BENCH_FILE: file, BENCH_QUICK: quick ? "1" : "0" }
  })
  return result.status === 0
}

const dir = mkdtempSync(path.join(os.tmpdir(), "kaizen-bench-check-"))
const freshFile = path.join(dir, "BENCHMARKS.md")
const ran = run("bench/http.ts", freshFile, true) && run("bench/engine.ts", freshFile, false)
const fresh = ran ? parseRatios(readFileSync(freshFile, "utf8")) : new Map<string, Figure>()
if (keep) console.log(`\nbench:check: the fresh figures are kept in ${freshFile}`)
else rmSync(dir, { recursive: true, force: true })
const committed = parseRatios(readFileSync(committedFile, "utf8"))

// Rows of other clients, run beside kaizen-effect's for scale. A row is named `<concurrency> <client>`
// (ratios.ts); anything not listed here is kaizen-effect's own, so a new row gates until listed.
const comparator = /^\d+ (fetch|node:http|@effect\/platform)\b/
const isComparator = (key: string) => comparator.test(key.split(" › ").at(-2) ?? "")

interface Group {
  compared: number
  readonly moved: Array<string>
}
const own: Group = { compared: 0, moved: [] }
const comparators: Group = { compared: 0, moved: [] }
for (const [key, now] of fresh) {
  const before = committed.get(key)
  if (before === undefined) continue
  const group = isComparator(key) ? comparators : own
  group.compared++
  const change = now.value / before.value - 1
  if (Math.abs(change) > THRESHOLD) {
    group.moved.push(
      `${key}: ${before.value.toFixed(2)}x → ${now.value.toFixed(2)}x (${change > 0 ? "+" : ""}${(change * 100).toFixed(0)}%${
        before.spread === undefined ? "" : `; committed spread ${before.spread}`
      }${now.spread === undefined ? "" : `, fresh ${now.spread}`})`
    )
  }
}
const unmatched = [...fresh.keys()].filter((key) => !committed.has(key))

console.log(`\n=== bench:check (${quick ? "quick" : "full"} runs against the committed BENCHMARKS.md, by ratio) ===`)
for (const line of own.moved) console.log(`kaizen-effect, moved > ${THRESHOLD * 100}%: ${line}`)
for (const line of comparators.moved) console.log(`comparator (not gated), moved > ${THRESHOLD * 100}%: ${line}`)
if (unmatched.length > 0) {
  console.log(`${unmatched.length} fresh figure(s) not in the committed file (not compared):`)
  for (const key of unmatched) console.log(`  ${key}`)
}
const comparatorNote = `; comparators: ${comparators.moved.length} of ${comparators.compared} moved (reported, not gated)`
const verdict = !ran
  ? "FAIL: a benchmark run failed (see above)"
  : own.compared === 0
  ? "FAIL: none of kaizen-effect's ratios in the fresh run matches the committed file"
  : own.moved.length === 0
  ? `OK: none of kaizen-effect's ${own.compared} ratios moved by more than ${THRESHOLD * 100}%${comparatorNote}`
  : `CHANGED: ${own.moved.length} of kaizen-effect's ${own.compared} ratios moved by more than ${THRESHOLD * 100}%${
    comparatorNote
  }${quick ? " (quick runs are noisy: confirm with a full run)" : ""}`
console.log(verdict)
process.exit(ran && own.compared > 0 && own.moved.length === 0 ? 0 : 1)
