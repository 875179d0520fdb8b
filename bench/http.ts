/**
 * HTTP client benchmark: kaizen-effect against raw undici (the baseline), node:http keep-alive,
 * fetch and @effect/platform on NodeHttpClient.layerUndici, all against one loopback server in a
 * separate process, alternating within each round so every ratio compares runs of the same round.
 * Two harnesses: looping workers in this process (clients.ts), and the shapes users write
 * (`Effect.forEach` over an array, `KaizenBatch.stream`), each in a fresh process (shapes.ts).
 *
 *   npm run bench                 # full: 5 rounds at concurrency 1, 16, 64, 256, then a soak
 *   BENCH_QUICK=1 npm run bench   # a smoke run: 3 rounds of few requests
 *   BENCH_WRITE=0 npm run bench   # print only (see report.ts for BENCH_FILE)
 *
 * Prints a table and writes BENCHMARKS.md (the HTTP section).
 */
import { Effect, ManagedRuntime } from "effect"
import { fork } from "node:child_process"
import { KaizenClient } from "kaizen-effect"
import { type Client, clients as clientsAt, effectRunner, payload } from "./clients.js"
import { formatRatio, formatSpread, median, percentile, type Ratio, ratioOf, startRssSampler, writeSection } from "./report.js"
import { type Shape, type ShapeFigures, shapes } from "./shapes.js"
import * as KaizenNode from "kaizen-effect/node"

const quick = process.env.BENCH_QUICK === "1"
const rounds = quick ? 3 : 5
const levels: ReadonlyArray<{ readonly concurrency: number; readonly requests: number }> = quick
  ? [{ concurrency: 1, requests: 300 }, { concurrency: 64, requests: 3_000 }]
  : [
    { concurrency: 1, requests: 5_000 },
    { concurrency: 16, requests: 20_000 },
    { concurrency: 64, requests: 20_000 },
    { concurrency: 256, requests: 20_000 }
  ]
// The users' shapes run at the concurrency the issue's goals are stated at. The warm-up is as
// long as the measured run: the bulk API's stream code runs once per chunk of ~30 results, so
// 5,000 warm-up calls left it in the JIT's baseline tiers for much of the run (every shape gets
// the same warm-up, the baseline too).
const shapeLevel = { concurrency: 64, requests: quick ? 3_000 : 20_000, warmup: quick ? 1_000 : 20_000 }
const soakCalls = quick ? 20_000 : 200_000

// --- the server process -----------------------------------------------------------------------

const server = fork(new URL("./server.mjs", import.meta.url), { stdio: ["ignore", "inherit", "inherit", "ipc"] })
const port = await new Promise<number>((resolve) => server.once("message", (m) => resolve((m as { port: number }).port)))
const send = <A>(message: string): Promise<A> => {
  const answer = new Promise<A>((resolve) => server.once("message", (a) => resolve(a as A)))
  server.send(message)
  return answer
}
const origin = `http://127.0.0.1:${port}`
const clients = clientsAt(origin)

// --- measuring --------------------------------------------------------------------------------

interface Figures {
  readonly reqPerSec: number
  readonly p50: number
  readonly p99: number
  readonly cpuMicrosPerCall: number
  readonly peakRssMb: number
  readonly connections: number
}

const measure = async (client: Client, requests: number, concurrency: number): Promise<Figures> => {
  await send("reset")
  const instance = await client.open()
  // Warm-up: JIT, pool sockets, lazy imports.
  await instance.run(Math.min(2_000, requests), concurrency, new Float64Array(requests))
  const latencies = new Float64Array(requests)
  const sampler = startRssSampler()
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await instance.run(requests, concurrency, latencies)
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const peakRssMb = sampler.stop()
  await instance.close()
  const { seen } = await send<{ seen: number; open: number }>("stats")
  const sorted = Array.from(latencies).sort((a, b) => a - b)
  return {
    reqPerSec: requests / (wall / 1000),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    cpuMicrosPerCall: ((cpu.user + cpu.system) / requests),
    peakRssMb,
    connections: seen
  }
}

/** One measurement of a user shape in a fresh process (its own JIT, heap and pool). */
const measureShape = async (shape: Shape): Promise<ShapeFigures & { readonly connections: number }> => {
  await send("reset")
  const { concurrency, requests, warmup } = shapeLevel
  const child = fork(new URL("./shapes.ts", import.meta.url), [shape, origin, `${requests}`, `${concurrency}`, `${warmup}`], {
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  const figures = await new Promise<ShapeFigures>((resolve, reject) => {
    child.once("message", (m) => resolve(m as ShapeFigures))
    child.once("exit", (code) => reject(new Error(`the ${shape} runner exited with ${code} before reporting`)))
  })
  const { seen } = await send<{ seen: number }>("stats")
  return { ...figures, connections: seen }
}

const log = (round: number, concurrency: number, name: string, f: Omit<Figures, "p50" | "p99"> & Partial<Figures>) =>
  console.log(
    `round ${round} c=${concurrency} ${name.padEnd(40)} ${f.reqPerSec.toFixed(0).padStart(6)} req/s  ${
      f.p50 === undefined ? "" : `p50 ${f.p50.toFixed(2)} ms  p99 ${f.p99!.toFixed(2)} ms  `
    }cpu ${f.cpuMicrosPerCall.toFixed(1)} µs/call  conns ${f.connections}`
  )

const results = new Map<string, Array<Figures>>() // key: `${concurrency}|${client}`
const shapeResults = new Map<Shape, Array<ShapeFigures & { readonly connections: number }>>()
for (let round = 1; round <= rounds; round++) {
  for (const { concurrency, requests } of levels) {
    for (const client of clients) {
      const figures = await measure(client, requests, concurrency)
      const key = `${concurrency}|${client.name}`
      results.set(key, [...(results.get(key) ?? []), figures])
      log(round, concurrency, client.name, figures)
    }
  }
  for (const shape of Object.keys(shapes) as Array<Shape>) {
    const figures = await measureShape(shape)
    shapeResults.set(shape, [...(shapeResults.get(shape) ?? []), figures])
    log(round, shapeLevel.concurrency, `${shapes[shape]} (fresh process)`, figures)
  }
}

// --- soak: does RSS grow over many calls? -----------------------------------------------------

const soak = async () => {
  process.env.KAIZEN_BASE_URL = origin
  await send("reset")
  const runtime = ManagedRuntime.make(KaizenNode.layerConfig())
  const call = Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress(payload))
  const batch = (n: number) => effectRunner(runtime, call)(n, 64, new Float64Array(n))
  const gc = (globalThis as { gc?: () => void }).gc
  await batch(20_000) // warm
  gc?.()
  const before = process.memoryUsage().rss
  await batch(soakCalls)
  gc?.()
  const after = process.memoryUsage().rss
  await runtime.dispose()
  const { seen } = await send<{ seen: number }>("stats")
  return { calls: soakCalls + 20_000, growthMb: (after - before) / 1024 / 1024, connections: seen, gc: gc !== undefined }
}
const soakResult = await soak()
console.log(
  `soak: ${soakResult.calls} calls, RSS growth ${soakResult.growthMb.toFixed(1)} MB (gc ${
    soakResult.gc ? "forced" : "not exposed"
  }), connections ${soakResult.connections}`
)

server.send("close")

// --- report -----------------------------------------------------------------------------------

/** Each round's figure over its baseline's in the same round, summarized across rounds. */
const perRound = <F>(mine: ReadonlyArray<F>, base: ReadonlyArray<F>, pick: (f: F) => number): Ratio =>
  ratioOf(mine.map((f, round) => pick(f) / pick(base[round]!)))

/** `44.0 (1.47x, 1.30–1.84)`: the median CPU per call, then its ratio to the baseline's and the spread. */
const cpuCell = <F extends { readonly cpuMicrosPerCall: number }>(mine: ReadonlyArray<F>, base: ReadonlyArray<F>) => {
  const ratio = perRound(mine, base, (f) => f.cpuMicrosPerCall)
  return `${median(mine.map((f) => f.cpuMicrosPerCall)).toFixed(1)} (${ratio.median.toFixed(2)}x, ${formatSpread(ratio)})`
}

const baseline = clients[0]!.name
const rows: Array<string> = []
for (const { concurrency } of levels) {
  const base = results.get(`${concurrency}|${baseline}`) ?? []
  for (const client of clients) {
    const mine = results.get(`${concurrency}|${client.name}`) ?? []
    const med = (pick: (f: Figures) => number) => median(mine.map(pick))
    const figure = (pick: (f: Figures) => number, digits: number) =>
      `${med(pick).toFixed(digits)} (${perRound(mine, base, pick).median.toFixed(2)}x)`
        rows.push(
      `| ${concurrency} | ${client.name} | ${med((f) => f.reqPerSec).toFixed(0)} | ${
        formatRatio(perRound(mine, base, (f) => f.reqPerSec))
      } | ${figure((f) => f.p50, 2)} | ${figure((f) => f.p99, 2)} | ${cpuCell(mine, base)} | ${med((f) => f.peakRssMb).toFixed(0)} | ${Math.max(...mine.map((f) => f.connections))} |`
    )
  }
}
const shapeRows = (Object.keys(shapes) as Array<Shape>).map((shape) => {
  const mine = shapeResults.get(shape) ?? []
  const base = shapeResults.get("undici") ?? []
  const med = (pick: (f: ShapeFigures) => number) => median(mine.map(pick))
  return `| ${shapeLevel.concurrency} | ${shapes[shape]} | ${med((f) => f.reqPerSec).toFixed(0)} | ${
    formatRatio(perRound(mine, base, (f) => f.reqPerSec))
  } | ${cpuCell(mine, base)} | ${
    med((f) => f.peakRssMb).toFixed(0)
  } | ${Math.max(...mine.map((f) => f.connections))} |`
})
const table = [
  `${rounds} interleaved rounds: in each round every client runs once at each concurrency, one after the other;`,
  "each ratio is taken to raw `undici.request` within a round, and the median of those ratios is shown with",
  "their spread (min–max) across rounds. Each run is preceded by a warm-up; requests per run: " +
  levels.map((l) => `${l.requests} at concurrency ${l.concurrency}`).join(", ") + ".",
  "",
  "### Looping workers",
  "",
  "Effect clients run as looping worker fibers, raw clients as promise loops, all in the benchmark's process.",
  "CPU is that process's (user + system) per call; peak RSS is that process's, which only grows within a",
  "session. TCP connections: the most the server accepted in one run (`fetch` keeps its global dispatcher's",
  "sockets between runs, so it may show fewer).",
  "",
  "| concurrency | client | req/s | vs undici (min–max) | p50 ms | p99 ms | CPU µs/call (ratio, min–max) | peak RSS MB | TCP connections |",
  "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows,
  "",
  "### As users write it, in a fresh process",
  "",
  `Each run forks a new process that makes ${shapeLevel.warmup} calls to warm up, then ${shapeLevel.requests} measured calls`,
  "over an array of distinct inputs: `Effect.forEach(inputs, (data) => kaizen.compress({ data }), { concurrency: 64 })`,",
  "`KaizenBatch.stream(Stream.fromIterable(inputs), \"compress\", { concurrency: 64 })`, both on `KaizenNode.layerConfig()`,",
  "and as the baseline raw `undici.request` over the same array (64 promise loops, `JSON.stringify` and `body.json()`",
  "per call). CPU and peak RSS are the runner process's.",
  "",
  "| concurrency | client | req/s | vs undici (min–max) | CPU µs/call (ratio, min–max) | peak RSS MB | TCP connections |",
  "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
  ...shapeRows,
  "",
  `Soak: ${soakResult.calls} \`compress\` calls at concurrency 64 through \`KaizenNode.layerConfig()\`: RSS grew by ${
    soakResult.growthMb.toFixed(1)
  } MB (${
    soakResult.gc ? "after a forced GC" : "GC not exposed"
  }); the server saw ${soakResult.connections} TCP connections (pool size 64).`
].join("\n")
console.log("\n" + table)
await writeSection("HTTP clients on loopback", `${quick ? "BENCH_QUICK=1 " : ""}npm run bench`, table)
process.exit(0)
