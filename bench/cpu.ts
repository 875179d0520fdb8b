/**
 * Client CPU per call without a network, so only the client's own work is measured:
 *
 * - on an in-memory transport (`HttpClient.make` answering at once): kaizen-effect's `compress`
 *   against the bare @effect/platform path (execute + json) on the same transport;
 * - on an in-memory undici `Dispatcher` (answering at once, no sockets): the platform's undici
 *   client against kaizen-effect on its own Node transport, the one `KaizenNode.layer` uses;
 * - raw undici's client CPU per call on loopback at saturation, as the floor.
 *
 * Effect clients run as 64 worker fibers looping over the calls, as the raw client runs 64
 * promise loops, so neither pays for a fiber per call that the other does not.
 *
 *   npm run bench:cpu
 */
import { HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Duration, Effect, Layer, ManagedRuntime } from "effect"
import { fork } from "node:child_process"
import { Agent, request as undiciRequest } from "undici"
import { KaizenClient } from "kaizen-effect"
import * as KaizenNode from "kaizen-effect/node"
import { MemoryDispatcher } from "./memoryDispatcher.js"
import { median, writeSection } from "./report.js"
import { runWorkers } from "./workers.js"

const calls = Number(process.env.CALLS ?? 100_000)
const rounds = 5
const payload = { data: { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Linus" }] } }
const payloadText = JSON.stringify(payload)
const answer = JSON.stringify({ operation: "compress", status: "success", result: "users[2]{id,name}:\n  1,Ada\n  2,Linus" })

// The same answer every time: a Response is cheap next to either client, and both pay for it.
const inMemory = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request) =>
    Effect.sync(() =>
      HttpClientResponse.fromWeb(request, new Response(answer, { headers: { "content-type": "application/json" } }))
    )
  )
)

const cpuPerCall = async (run: () => Promise<void>, n: number) => {
  await run() // warm-up
  const cpu0 = process.cpuUsage()
  await run()
  const cpu = process.cpuUsage(cpu0)
  return (cpu.user + cpu.system) / n
}

const batch = <R, E>(runtime: ManagedRuntime.ManagedRuntime<R, E>, call: Effect.Effect<unknown, unknown, R>) => () =>
  runtime.runPromise(runWorkers(calls, 64, () => call))

const platform = ManagedRuntime.make(inMemory)
const platformCall = Effect.flatMap(HttpClient.HttpClient, (client) =>
  client.execute(HttpClientRequest.post("http://kaizen.test/v1/compress").pipe(
    HttpClientRequest.bodyText(payloadText, "application/json")
  )).pipe(Effect.flatMap((response) => response.json)))

const kaizen = ManagedRuntime.make(
  KaizenClient.layer({ baseUrl: "http://kaizen.test" }).pipe(Layer.provide(inMemory))
)
const kaizenCall = Effect.flatMap(KaizenClient, (k) => k.compress(payload))

const memory = new MemoryDispatcher(Buffer.from(answer))
const platformUndici = ManagedRuntime.make(Layer.succeed(HttpClient.HttpClient, NodeHttpClient.makeUndici(memory)))
const timeout = Duration.seconds(30)
// The Node layer itself, over the in-memory dispatcher: as `layerNode` builds the client.
const kaizenNode = ManagedRuntime.make(KaizenNode.layer({ baseUrl: "http://kaizen.test", timeout, dispatcher: memory }))

// The floor: raw undici against a loopback server in another process, at concurrency 64.
const server = fork(new URL("./server.mjs", import.meta.url), { stdio: ["ignore", "inherit", "inherit", "ipc"] })
const port = await new Promise<number>((resolve) => server.once("message", (m) => resolve((m as { port: number }).port)))
const dispatcher = new Agent()
const undiciCalls = Math.min(calls, 20_000)
const undiciBatch = async () => {
  let next = 0
  const worker = async () => {
    while (next++ < undiciCalls) {
      const res = await undiciRequest(`http://127.0.0.1:${port}/v1/compress`, {
        method: "POST",
        dispatcher,
        headers: { "content-type": "application/json" },
        body: payloadText
      })
      await res.body.json()
    }
  }
  await Promise.all(Array.from({ length: 64 }, worker))
}

const figures = {
  platform: [] as Array<number>,
  kaizen: [] as Array<number>,
  platformUndici: [] as Array<number>,
  kaizenNode: [] as Array<number>,
  undici: [] as Array<number>
}
for (let round = 1; round <= rounds; round++) {
  figures.platform.push(await cpuPerCall(batch(platform, platformCall), calls))
  figures.kaizen.push(await cpuPerCall(batch(kaizen, kaizenCall), calls))
  figures.platformUndici.push(await cpuPerCall(batch(platformUndici, platformCall), calls))
  figures.kaizenNode.push(await cpuPerCall(batch(kaizenNode, kaizenCall), calls))
  figures.undici.push(await cpuPerCall(undiciBatch, undiciCalls))
  console.log(
    `round ${round}: ` + Object.entries(figures).map(([name, f]) => `${name} ${f.at(-1)!.toFixed(1)}`).join(", ") +
      " µs/call"
  )
}
await platform.dispose()
await kaizen.dispose()
await platformUndici.dispose()
await kaizenNode.dispose()
await dispatcher.close()
server.send("close")

const p = median(figures.platform)
const k = median(figures.kaizen)
const pu = median(figures.platformUndici)
const kn = median(figures.kaizenNode)
const u = median(figures.undici)
// Ratios are taken within each round, then their median shown, as bench/http.ts does: the
// machine drifts between rounds more than the clients differ within one.
const ratio = (of: ReadonlyArray<number>, to: ReadonlyArray<number>) => median(of.map((x, i) => x / to[i]!))
const table = [
  `Median of ${rounds} rounds of ${calls} calls by 64 looping worker fibers, after a warm-up; each ratio is the`,
  "median of the ratios within a round. kaizen-effect's",
  "figures include request validation, the retry policy (on), response decoding and the per-attempt timeout (on",
  "a generic HttpClient: the attempt in a child fiber and a timer; on its Node transport: one timer in the",
  "transport). The bare platform path has no timeout and creates the platform's span, which kaizen-effect",
  "disables for its requests. No tracer is installed, so the operation span is skipped; with one, it adds ~7 µs",
  "per call.",
  "",
  "| transport | client | CPU µs per call | ratio |",
  "| --- | --- | ---: | ---: |",
  `| \`HttpClient.make\` in memory | bare @effect/platform (execute + json) | ${p.toFixed(1)} | 1.00x |`,
  `| \`HttpClient.make\` in memory | kaizen-effect \`compress\` | ${k.toFixed(1)} | ${
    ratio(figures.kaizen, figures.platform).toFixed(2)
  }x |`,
  `| undici \`Dispatcher\` in memory | @effect/platform-node \`makeUndici\` (execute + json) | ${pu.toFixed(1)} | 1.00x |`,
  `| undici \`Dispatcher\` in memory | kaizen-effect \`compress\` on its Node transport | ${kn.toFixed(1)} | ${
    ratio(figures.kaizenNode, figures.platformUndici).toFixed(2)
  }x |`,
  `| loopback socket, concurrency 64 | raw \`undici.request\` (client CPU, the floor) | ${u.toFixed(1)} | |`
].join("\n")
console.log("\n" + table)
await writeSection("Client CPU per call (in-memory transport)", "npm run bench:cpu", table)
process.exit(0)
