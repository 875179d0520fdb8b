/**
 * A profiling target, not a benchmark: N `compress` calls at concurrency 64 through
 * KaizenNode.layerConfig() against the bench server, for `node --cpu-prof`.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-target.ts
 */
import { Effect, ManagedRuntime } from "effect"
import { fork } from "node:child_process"
import { KaizenClient } from "kaizen-effect"
import { runWorkers } from "./workers.js"
import * as KaizenNode from "kaizen-effect/node"

const calls = Number(process.env.CALLS ?? 50_000)
const server = fork(new URL("./server.mjs", import.meta.url), { stdio: ["ignore", "inherit", "inherit", "ipc"] })
const port = await new Promise<number>((resolve) => server.once("message", (m) => resolve((m as { port: number }).port)))
process.env.KAIZEN_BASE_URL = `http://127.0.0.1:${port}`
const runtime = ManagedRuntime.make(KaizenNode.layerConfig())
const payload = { data: { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Linus" }] } }
const call = Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress(payload))
const t0 = performance.now()
// 64 looping worker fibers, as bench/http.ts runs Effect clients.
await runtime.runPromise(runWorkers(calls, 64, () => call))
console.log(`${calls} calls in ${(performance.now() - t0).toFixed(0)} ms`)
await runtime.dispose()
server.send("close")
