/**
 * The Effect 4 line beside the Effect 3 line and raw undici, in one run, on one runtime (Node 22,
 * which the Effect 4 line needs; the Effect 3 line runs there too), so the ratios are about the
 * libraries. The shapes users write (`Effect.forEach` over an array, `KaizenBatch.stream`) at
 * concurrency 64 against bench/server.mjs in its own process, the calls of bench/shapes.ts.
 *
 * Every contender is a process of its own (its own JIT, heap and pool), started once and warmed
 * up, then asked for a segment of calls at a time: each round runs one segment of every
 * contender, starting one later each round, so contenders run under a second apart and the load
 * of a shared machine falls on all of them alike. Each ratio is taken within a round; the median
 * of the rounds' ratios is shown with its spread. Runners: packages/effect4/bench/effect3.ts (raw
 * undici and the root's dist/) and packages/effect4/bench/effect4.ts (packages/effect4/dist).
 *
 *   cd packages/effect4 && npm run bench       # builds this dist/ first; the root dist/ must be built (npm run build)
 *   BENCH_ROUNDS=60 ...                        # more rounds (default 30)
 *   BENCH_QUICK=1 ...                          # a smoke run: 5 rounds of few calls
 *   BENCH_WRITE=0 ...                          # print only (see report.ts for BENCH_FILE)
 *
 * Writes the section "Effect 4 line" of BENCHMARKS.md.
 */
import { type ChildProcess, fork } from "node:child_process"
import { existsSync } from "node:fs"
import { median, percentile, writeSection } from "./report.js"
import type { SegmentFigures } from "../packages/effect4/bench/segments.js"

const quick = process.env.BENCH_QUICK === "1"
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 5 : 30))
const concurrency = 64
const segment = quick ? 1_000 : 5_000
// As many warm-up calls as the root harness's shapes make (see bench/http.ts): the stream code
// runs once per chunk of results, and stays in the JIT's baseline tiers after short warm-ups.
const warmup = quick ? 2_000 : 20_000

for (const path of ["../dist/KaizenNode.js", "../packages/effect4/dist/KaizenNode.js"]) {
  const dist = new URL(path, import.meta.url)
  if (!existsSync(dist)) {
    console.error(`bench/effect4.ts: ${dist.pathname} is missing: build both lines first`)
    process.exit(1)
  }
}

// --- the server and the runners ---------------------------------------------------------------

const server = fork(new URL("./server.mjs", import.meta.url), { stdio: ["ignore", "inherit", "inherit", "ipc"] })
const port = await new Promise<number>((resolve) => server.once("message", (m) => resolve((m as { port: number }).port)))
const origin = `http://127.0.0.1:${port}`

interface Runner {
  readonly name: string
  readonly line: "undici" | "effect3" | "effect4"
  readonly shape: "undici" | "forEach" | "stream"
}

const runners: ReadonlyArray<Runner> = [
  { name: "undici.request over the array (baseline)", line: "undici", shape: "undici" },
  { name: "kaizen-effect (Effect 3) Effect.forEach compress", line: "effect3", shape: "forEach" },
  { name: "@kaizen-effect/effect4 Effect.forEach compress", line: "effect4", shape: "forEach" },
  { name: "kaizen-effect (Effect 3) KaizenBatch.stream compress", line: "effect3", shape: "stream" },
  { name: "@kaizen-effect/effect4 KaizenBatch.stream compress", line: "effect4", shape: "stream" }
]

const script = (runner: Runner) =>
  new URL(`../packages/effect4/bench/${runner.line === "effect4" ? "effect4" : "effect3"}.ts`, import.meta.url)

const processes = new Map<Runner, ChildProcess>()
for (const runner of runners) {
  const child = fork(script(runner), [runner.shape, origin, `${concurrency}`], { stdio: ["ignore", "inherit", "inherit", "ipc"] })
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve())
    child.once("exit", (code) => reject(new Error(`the ${runner.name} runner exited with ${code} before it was ready`)))
  })
  processes.set(runner, child)
}

/** One segment of `calls` calls by `runner`, measured in its process. */
const run = (runner: Runner, calls: number): Promise<SegmentFigures> => {
  const child = processes.get(runner)!
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`the ${runner.name} runner exited with ${code}`))
    child.once("exit", exited)
    child.once("message", (figures) => {
      child.off("exit", exited)
      resolve(figures as SegmentFigures)
    })
    child.send({ run: calls })
  })
}

for (const runner of runners) await run(runner, warmup)
const results = new Map<Runner, Array<SegmentFigures>>(runners.map((runner) => [runner, []]))
for (let round = 0; round < rounds; round++) {
  // Each round starts one runner later, so no runner always follows the same one.
  for (let i = 0; i < runners.length; i++) {
    const runner = runners[(i + round) % runners.length]!
    results.get(runner)!.push(await run(runner, segment))
  }
  console.log(
    `round ${round + 1}/${rounds}: ` +
      runners.map((r) => `${r.line} ${r.shape} ${results.get(r)!.at(-1)!.reqPerSec.toFixed(0)} req/s`).join(", ")
  )
}
for (const child of processes.values()) child.send({ close: true })
server.send("close")

// --- report -----------------------------------------------------------------------------------

/** The median of per-round ratios, with the middle half and the whole range of them. */
interface Spread {
  readonly median: number
  readonly p25: number
  readonly p75: number
  readonly min: number
  readonly max: number
}
const spreadOf = (ratios: ReadonlyArray<number>): Spread => {
  const sorted = [...ratios].sort((a, b) => a - b)
  return {
    median: median(sorted),
    p25: percentile(sorted, 0.25),
    p75: percentile(sorted, 0.75),
    min: sorted[0]!,
    max: sorted.at(-1)!
  }
}
const perRound = (mine: ReadonlyArray<SegmentFigures>, base: ReadonlyArray<SegmentFigures>, pick: (f: SegmentFigures) => number) =>
  spreadOf(mine.map((f, round) => pick(f) / pick(base[round]!)))
const cell = (s: Spread) => `**${s.median.toFixed(2)}x** (${s.p25.toFixed(2)}–${s.p75.toFixed(2)}; ${s.min.toFixed(2)}–${s.max.toFixed(2)})`
const plain = (s: Spread) => `${s.median.toFixed(2)}x (middle half ${s.p25.toFixed(2)}–${s.p75.toFixed(2)})`
const speed = (f: SegmentFigures) => f.reqPerSec
const cpu = (f: SegmentFigures) => f.cpuMicrosPerCall

const figuresOf = (line: Runner["line"], shape: Runner["shape"]) =>
  results.get(runners.find((r) => r.line === line && r.shape === shape)!)!
const baseline = figuresOf("undici", "undici")
const rows = runners.map((runner) => {
  const mine = results.get(runner)!
  const effect3 = runner.line === "effect4" ? figuresOf("effect3", runner.shape) : undefined
  return `| ${runner.name} | ${median(mine.map(speed)).toFixed(0)} | ${cell(perRound(mine, baseline, speed))} | ${
    effect3 === undefined ? "" : cell(perRound(mine, effect3, speed))
  } | ${median(mine.map(cpu)).toFixed(1)} | ${plain(perRound(mine, baseline, cpu))} | ${
    effect3 === undefined ? "" : plain(perRound(mine, effect3, cpu))
  } | ${Math.max(...mine.map((f) => f.peakRssMb)).toFixed(0)} |`
})
const summary = (["forEach", "stream"] as const).map((shape) => {
  const e3 = figuresOf("effect3", shape)
  const e4 = figuresOf("effect4", shape)
  return `- ${shape === "forEach" ? "`Effect.forEach`" : "`KaizenBatch.stream`"}: effect4/raw ${plain(perRound(e4, baseline, speed))}, effect3/raw ${
    plain(perRound(e3, baseline, speed))
  }, effect4/effect3 ${plain(perRound(e4, e3, speed))}`
})
const table = [
  `${rounds} interleaved rounds on Node ${process.version} (both lines on the one runtime). Each contender is a process of`,
  `its own, started once and warmed up with ${warmup} calls; a round then runs ${segment} calls of every contender in turn,`,
  "starting one later each round, so contenders run under a second apart. Every ratio is taken within a round;",
  "shown: the median of the rounds' ratios, then the middle half of them (25th–75th percentile) and their whole",
  "range. The calls, at concurrency 64 over an array of distinct inputs against bench/server.mjs in its own process:",
  "raw `undici.request` (64 promise loops, `JSON.stringify` and `body.json()` per call), and each line's",
  "`Effect.forEach(inputs, (data) => kaizen.compress({ data }), { concurrency: 64 })` and",
  "`KaizenBatch.stream(Stream.fromIterable(inputs), \"compress\", { concurrency: 64 })` on its",
  "`KaizenNode.layerConfig()` (from the environment, retries on, a pool of 64 sockets; raw undici's `Agent` opens as",
  "many as it likes), from its built dist/. CPU (user + system per call) and peak RSS are the contender's process's.",
  "Run with Node 22 first on PATH (scripts/effect4.sh installs it into .cache/node22) and the root dist/ built",
  "(`npm run build`). The target (issue 24): effect4/raw >= 0.85x, effect4/effect3 >= 0.90x.",
  "",
  "| client | req/s | vs undici (middle half; range) | vs Effect 3 (middle half; range) | CPU µs/call | CPU vs undici | CPU vs Effect 3 | peak RSS MB |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows,
  "",
  ...summary
].join("\n")
console.log("\n" + table)
await writeSection(
  "Effect 4 line",
  `cd packages/effect4 && ${quick ? "BENCH_QUICK=1 " : ""}npm run bench`,
  table
)
process.exit(0)
