/**
 * The Effect 4 line beside the Effect 3 line and raw undici, in one run, on one runtime (Node 22,
 * which the Effect 4 line needs; the Effect 3 line runs there too), so the ratios are about the
 * libraries. The shapes users write (`Effect.forEach` over an array, `KaizenBatch.stream`) at
 * concurrency 64 against bench/server.mjs in its own process, each measurement in a fresh
 * process: raw undici and the Effect 3 line (root dist/) by bench/shapes.ts, the Effect 4 line
 * (packages/effect4/dist) by packages/effect4/bench/shapes.ts. Rounds interleave every runner,
 * starting one later each round, so the machine's load falls on all of them alike; each ratio is
 * taken within a round, and the median and spread across rounds reported.
 *
 *   cd packages/effect4 && npm run bench       # builds this dist/ first; the root dist/ must be built (npm run build)
 *   BENCH_ROUNDS=9 ...                         # more rounds (default 7)
 *   BENCH_QUICK=1 ...                          # a smoke run: 3 rounds of few requests
 *   BENCH_WRITE=0 ...                          # print only (see report.ts for BENCH_FILE)
 *
 * Writes the section "Effect 4 line" of BENCHMARKS.md.
 */
import { fork } from "node:child_process"
import { existsSync } from "node:fs"
import { effect4Shapes } from "../packages/effect4/bench/shapes.js"
import { formatRatio, formatSpread, median, type Ratio, ratioOf, writeSection } from "./report.js"
import type { ShapeFigures } from "./shapes.js"

const quick = process.env.BENCH_QUICK === "1"
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 3 : 7))
const concurrency = 64
const requests = quick ? 3_000 : 20_000
// As long as the measured run, as the root harness's shapes do (see bench/http.ts).
const warmup = quick ? 1_000 : 20_000

const dists = ["../dist/KaizenNode.js", "../packages/effect4/dist/KaizenNode.js"].map((path) => new URL(path, import.meta.url))
for (const dist of dists) {
  if (!existsSync(dist)) {
    console.error(`bench/effect4.ts: ${dist.pathname} is missing: build both lines first`)
    process.exit(1)
  }
}

// --- the server process -----------------------------------------------------------------------

const server = fork(new URL("./server.mjs", import.meta.url), { stdio: ["ignore", "inherit", "inherit", "ipc"] })
const port = await new Promise<number>((resolve) => server.once("message", (m) => resolve((m as { port: number }).port)))
const send = <A>(message: string): Promise<A> => {
  const answer = new Promise<A>((resolve) => server.once("message", (a) => resolve(a as A)))
  server.send(message)
  return answer
}
const origin = `http://127.0.0.1:${port}`

// --- the runners ------------------------------------------------------------------------------

interface Runner {
  readonly name: string
  readonly line: "undici" | "effect3" | "effect4"
  readonly shape: "undici" | "forEach" | "stream"
  readonly script: URL
}

const effect3Script = new URL("./shapes.ts", import.meta.url)
const effect4Script = new URL("../packages/effect4/bench/shapes.ts", import.meta.url)
const runners: ReadonlyArray<Runner> = [
  { name: "undici.request over the array (baseline)", line: "undici", shape: "undici", script: effect3Script },
  { name: `kaizen-effect (Effect 3) ${effect4Shapes.forEach}`, line: "effect3", shape: "forEach", script: effect3Script },
  { name: `@kaizen-effect/effect4 ${effect4Shapes.forEach}`, line: "effect4", shape: "forEach", script: effect4Script },
  { name: `kaizen-effect (Effect 3) ${effect4Shapes.stream}`, line: "effect3", shape: "stream", script: effect3Script },
  { name: `@kaizen-effect/effect4 ${effect4Shapes.stream}`, line: "effect4", shape: "stream", script: effect4Script }
]

type Figures = ShapeFigures & { readonly connections: number }

/** One measurement in a fresh process (its own JIT, heap and pool). */
const measureOnce = async (runner: Runner): Promise<Figures> => {
  await send("reset")
  const child = fork(runner.script, [runner.shape, origin, `${requests}`, `${concurrency}`, `${warmup}`], {
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  const figures = await new Promise<ShapeFigures>((resolve, reject) => {
    child.once("message", (m) => resolve(m as ShapeFigures))
    child.once("exit", (code) => reject(new Error(`the ${runner.name} runner exited with ${code} before reporting`)))
  })
  const { seen } = await send<{ seen: number }>("stats")
  return { ...figures, connections: seen }
}

/**
 * A runner that exits before reporting is run again (twice at most) once both dist/ folders are
 * there: on a shared machine a build empties a dist/ while it rebuilds it.
 */
const measure = async (runner: Runner, retries = 2): Promise<Figures> => {
  try {
    return await measureOnce(runner)
  } catch (error) {
    if (retries === 0) throw error
    console.log(`${(error as Error).message}; running it again once both dist/ folders are there`)
    while (!dists.every((dist) => existsSync(dist))) await new Promise((resolve) => setTimeout(resolve, 1_000))
    // A rebuild writes its files one by one: let it finish.
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    return measure(runner, retries - 1)
  }
}

const results = new Map<Runner, Array<Figures>>(runners.map((runner) => [runner, []]))
for (let round = 0; round < rounds; round++) {
  // Each round starts one runner later, so no runner always follows the same one.
  const order = runners.map((_, i) => runners[(i + round) % runners.length]!)
  for (const runner of order) {
    const figures = await measure(runner)
    results.get(runner)!.push(figures)
    console.log(
      `round ${round + 1} c=${concurrency} ${runner.name.padEnd(50)} ${figures.reqPerSec.toFixed(0).padStart(6)} req/s  cpu ${
        figures.cpuMicrosPerCall.toFixed(1)
      } µs/call  conns ${figures.connections}`
    )
  }
}
server.send("close")

// --- report -----------------------------------------------------------------------------------

const figuresOf = (line: Runner["line"], shape: Runner["shape"]) =>
  results.get(runners.find((r) => r.line === line && r.shape === shape)!)!
/** Each round's figure over another runner's in the same round, summarized across rounds. */
const perRound = (mine: ReadonlyArray<Figures>, base: ReadonlyArray<Figures>, pick: (f: Figures) => number): Ratio =>
  ratioOf(mine.map((f, round) => pick(f) / pick(base[round]!)))
const speed = (f: Figures) => f.reqPerSec
const cpu = (f: Figures) => f.cpuMicrosPerCall

const baseline = figuresOf("undici", "undici")
const rows = runners.map((runner) => {
  const mine = results.get(runner)!
  const effect3 = runner.line === "effect4" ? figuresOf("effect3", runner.shape) : undefined
  const cpuRatio = perRound(mine, baseline, cpu)
  return `| ${runner.name} | ${median(mine.map(speed)).toFixed(0)} | ${formatRatio(perRound(mine, baseline, speed))} | ${
    effect3 === undefined ? "" : formatRatio(perRound(mine, effect3, speed))
  } | ${median(mine.map(cpu)).toFixed(1)} (${cpuRatio.median.toFixed(2)}x, ${formatSpread(cpuRatio)}) | ${
    effect3 === undefined ? "" : `${perRound(mine, effect3, cpu).median.toFixed(2)}x`
  } | ${median(mine.map((f) => f.peakRssMb)).toFixed(0)} | ${Math.max(...mine.map((f) => f.connections))} |`
})
const summary = (["forEach", "stream"] as const).map((shape) => {
  const e3 = figuresOf("effect3", shape)
  const e4 = figuresOf("effect4", shape)
  const show = (ratio: Ratio) => `${ratio.median.toFixed(2)}x (${formatSpread(ratio)})`
  return `- ${effect4Shapes[shape]}: effect4/raw ${show(perRound(e4, baseline, speed))}, effect3/raw ${
    show(perRound(e3, baseline, speed))
  }, effect4/effect3 ${show(perRound(e4, e3, speed))}`
})
const table = [
  `${rounds} interleaved rounds on ${process.version} (both lines on the one runtime): in each round every runner`,
  "below runs once, each in a fresh process, the first runner one later each round; every ratio is taken",
  "within a round and the median of the rounds' ratios shown with their spread (min–max). Each process makes",
  `${warmup} calls to warm up, then ${requests} measured calls at concurrency ${concurrency} over an array of distinct`,
  "inputs, against bench/server.mjs in its own process: raw `undici.request` (64 promise loops, `JSON.stringify`",
  "and `body.json()` per call), and each line's `Effect.forEach(inputs, (data) => kaizen.compress({ data }),",
  "{ concurrency: 64 })` and `KaizenBatch.stream(Stream.fromIterable(inputs), \"compress\", { concurrency: 64 })`",
  "on its `KaizenNode.layerConfig()` (from the environment, retries on), from its built dist/. CPU and peak RSS",
  "are the runner process's. The target (issue 24): effect4/raw >= 0.85x, effect4/effect3 >= 0.90x.",
  "",
  "| client | req/s | vs undici (min–max) | vs Effect 3 (min–max) | CPU µs/call (ratio to undici, min–max) | CPU vs Effect 3 | peak RSS MB | TCP connections |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows,
  "",
  ...summary
].join("\n")
console.log("\n" + table)
await writeSection(
  "Effect 4 line",
  `${quick ? "BENCH_QUICK=1 " : ""}cd packages/effect4 && npm run bench (Node 22; the root dist/ built by npm run build)`,
  table
)
process.exit(0)
