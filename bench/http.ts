/**
 * HTTP client benchmark: kaizen-effect against raw undici (the baseline), node:http keep-alive,
 * fetch and @effect/platform on NodeHttpClient.layerUndici, all against one loopback server in a
 * separate process, alternating in one session so every ratio compares runs of the same round.
 *
 *   npm run bench                 # full: 3 rounds at concurrency 1, 16, 64, 256, then a soak
 *   BENCH_QUICK=1 npm run bench   # a smoke run with few requests
 *
 * Prints a table and writes BENCHMARKS.md (the HTTP section).
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, ManagedRuntime } from "effect"
import { fork } from "node:child_process"
import http from "node:http"
import { Agent, request as undiciRequest } from "undici"
import { KaizenClient } from "kaizen-effect"
import { median, percentile, startRssSampler, writeSection } from "./report.js"
import { runWorkers } from "./workers.js"

const quick = process.env.BENCH_QUICK === "1"
const rounds = quick ? 1 : 3
const levels: ReadonlyArray<{ readonly concurrency: number; readonly requests: number }> = quick
  ? [{ concurrency: 1, requests: 300 }, { concurrency: 64, requests: 3_000 }]
  : [
    { concurrency: 1, requests: 5_000 },
    { concurrency: 16, requests: 20_000 },
    { concurrency: 64, requests: 20_000 },
    { concurrency: 256, requests: 20_000 }
  ]
const soakCalls = quick ? 20_000 : 200_000

const payload = { data: { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Linus" }] } }
const payloadText = JSON.stringify(payload)

// --- the server process -----------------------------------------------------------------------

const server = fork(new URL("./server.mjs", import.meta.url), { stdio: ["ignore", "inherit", "inherit", "ipc"] })
const ask = <A>(_message: string): Promise<A> =>
  new Promise((resolve) => server.once("message", (answer) => resolve(answer as A)))
    .then((a) => a as A)
const port = await new Promise<number>((resolve) => server.once("message", (m) => resolve((m as { port: number }).port)))
const send = <A>(message: string): Promise<A> => {
  const answer = ask<A>(message)
  server.send(message)
  return answer
}
const origin = `http://127.0.0.1:${port}`
const url = `${origin}/v1/compress`

// --- the clients ------------------------------------------------------------------------------

/** A client under test: `open` builds it (its own pool), `call` makes one request, `close` frees it. */
interface Client {
  readonly name: string
  readonly open: () => Promise<{
    readonly run: (requests: number, concurrency: number, latencies: Float64Array) => Promise<void>
    readonly close: () => Promise<void>
  }>
}

/** Runs `requests` calls of a promise-returning function over `concurrency` workers. */
const promiseRunner = (call: () => Promise<unknown>) =>
async (requests: number, concurrency: number, latencies: Float64Array) => {
  let next = 0
  const worker = async () => {
    while (next < requests) {
      const i = next++
      const t0 = performance.now()
      await call()
      latencies[i] = performance.now() - t0
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

/** The same for an Effect (see workers.ts), timing each call. */
const effectRunner = <R, E>(runtime: ManagedRuntime.ManagedRuntime<R, E>, call: Effect.Effect<unknown, unknown, R>) =>
async (requests: number, concurrency: number, latencies: Float64Array) => {
  await runtime.runPromise(runWorkers(requests, concurrency, (index) =>
    Effect.suspend(() => {
      const start = performance.now()
      return Effect.map(call, () => {
        latencies[index] = performance.now() - start
      })
    })))
}

const clients: ReadonlyArray<Client> = [
  {
    name: "undici.request (baseline)",
    open: async () => {
      const dispatcher = new Agent()
      const call = async () => {
        const res = await undiciRequest(url, {
          method: "POST",
          dispatcher,
          headers: { "content-type": "application/json", accept: "application/json" },
          body: payloadText
        })
        return res.body.json()
      }
      return { run: promiseRunner(call), close: () => dispatcher.close() }
    }
  },
  {
    name: "node:http keep-alive",
    open: async () => {
      const agent = new http.Agent({ keepAlive: true })
      const call = () =>
        new Promise<unknown>((resolve, reject) => {
          const req = http.request(url, {
            method: "POST",
            agent,
            headers: { "content-type": "application/json", accept: "application/json" }
          }, (res) => {
            const chunks: Array<Buffer> = []
            res.on("data", (c: Buffer) => chunks.push(c))
            res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))))
            res.on("error", reject)
          })
          req.on("error", reject)
          req.end(payloadText)
        })
      return { run: promiseRunner(call), close: async () => agent.destroy() }
    }
  },
  {
    name: "fetch",
    open: async () => {
      const call = async () => {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: payloadText
        })
        return res.json()
      }
      // fetch uses the global dispatcher: there is nothing of its own to close.
      return { run: promiseRunner(call), close: async () => {} }
    }
  },
  {
    name: "@effect/platform layerUndici",
    open: async () => {
      const runtime = ManagedRuntime.make(NodeHttpClient.layerUndici)
      const call = Effect.flatMap(HttpClient.HttpClient, (client) =>
        client.execute(HttpClientRequest.post(url).pipe(HttpClientRequest.bodyText(payloadText, "application/json")))
          .pipe(Effect.flatMap((res) => res.json)))
      return { run: effectRunner(runtime, call), close: () => runtime.dispose() }
    }
  },
  {
    name: "kaizen-effect compress",
    open: async () => {
      // As users get it: layerNode from the environment, retries on (KAIZEN_MAX_RETRIES=2).
      process.env.KAIZEN_BASE_URL = origin
      const runtime = ManagedRuntime.make(KaizenClient.layerNode)
      const call = Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress(payload))
      return { run: effectRunner(runtime, call), close: () => runtime.dispose() }
    }
  }
]

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

const results = new Map<string, Array<Figures>>() // key: `${concurrency}|${client}`
for (let round = 1; round <= rounds; round++) {
  for (const { concurrency, requests } of levels) {
    for (const client of clients) {
      const figures = await measure(client, requests, concurrency)
      const key = `${concurrency}|${client.name}`
      results.set(key, [...(results.get(key) ?? []), figures])
      console.log(
        `round ${round} c=${concurrency} ${client.name.padEnd(28)} ${figures.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${
          figures.p50.toFixed(2)
        } ms  p99 ${figures.p99.toFixed(2)} ms  cpu ${figures.cpuMicrosPerCall.toFixed(1)} µs/call  conns ${figures.connections}`
      )
    }
  }
}

// --- soak: does RSS grow over many calls? -----------------------------------------------------

const soak = async () => {
  process.env.KAIZEN_BASE_URL = origin
  await send("reset")
  const runtime = ManagedRuntime.make(KaizenClient.layerNode)
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
  `soak: ${soakResult.calls} calls, RSS growth ${soakResult.growthMb.toFixed(1)} MB (gc ${soakResult.gc ? "forced" : "not exposed"}), connections ${soakResult.connections}`
)

server.send("close")

// --- report -----------------------------------------------------------------------------------

const medianOf = (concurrency: number, name: string, pick: (f: Figures) => number) =>
  median((results.get(`${concurrency}|${name}`) ?? []).map(pick))
const baseline = clients[0]!.name
// A ratio is taken within each round (client and baseline measured minutes apart at most), and
// the median of those ratios reported: the machine's speed drifts between rounds.
const ratioOf = (concurrency: number, name: string, pick: (f: Figures) => number) => {
  const mine = results.get(`${concurrency}|${name}`) ?? []
  const base = results.get(`${concurrency}|${baseline}`) ?? []
  return median(mine.map((f, round) => pick(f) / pick(base[round]!)))
}
const rows: Array<string> = []
for (const { concurrency } of levels) {
  for (const client of clients) {
    const figure = (pick: (f: Figures) => number, digits: number) =>
      `${medianOf(concurrency, client.name, pick).toFixed(digits)} (${ratioOf(concurrency, client.name, pick).toFixed(2)}x)`
    const rps = medianOf(concurrency, client.name, (f) => f.reqPerSec)
    const rss = medianOf(concurrency, client.name, (f) => f.peakRssMb)
    const conns = Math.max(...(results.get(`${concurrency}|${client.name}`) ?? []).map((f) => f.connections))
    rows.push(
      `| ${concurrency} | ${client.name} | ${rps.toFixed(0)} | **${
        ratioOf(concurrency, client.name, (f) => f.reqPerSec).toFixed(2)
      }x** | ${figure((f) => f.p50, 2)} | ${figure((f) => f.p99, 2)} | ${figure((f) => f.cpuMicrosPerCall, 1)} | ${
        rss.toFixed(0)
      } | ${conns} |`
    )
  }
}
const table = [
  `Median of ${rounds} round(s); each ratio is taken to raw \`undici.request\` within a round, and the median of those`,
  "ratios shown. Each run is preceded by a warm-up; requests per run: " +
  levels.map((l) => `${l.requests} at concurrency ${l.concurrency}`).join(", ") + ".",
  "Effect clients run as looping worker fibers, raw clients as promise loops. CPU is the benchmark process's (user +",
  "system) per call; peak RSS is that process's, which only grows within a session. TCP connections: the most the",
  "server accepted in one run (`fetch` keeps its global dispatcher's sockets between runs, so it may show fewer).",
  "",
  "| concurrency | client | req/s | vs undici | p50 ms | p99 ms | CPU µs/call | peak RSS MB | TCP connections |",
  "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows,
  "",
  `Soak: ${soakResult.calls} \`compress\` calls at concurrency 64 through \`KaizenClient.layerNode\`: RSS grew by ${
    soakResult.growthMb.toFixed(1)
  } MB (${soakResult.gc ? "after a forced GC" : "GC not exposed"}); the server saw ${soakResult.connections} TCP connections (pool size 64).`
].join("\n")
console.log("\n" + table)
await writeSection("HTTP clients on loopback", "npm run bench", table)
process.exit(0)
