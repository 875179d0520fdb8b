// Throughput of the Effect 4 line's Node layer against raw undici, at concurrency 64, on
// loopback, the server in its own process (the root's `npm run bench` measures the Effect 3 line
// the same way). Run after `npm run build`: `npm run bench`. Figures vary with the machine's load:
// compare the ratio, within one run.
import { fork } from "node:child_process"
import { Effect } from "effect"
import { Agent, request } from "undici"
import * as KaizenNode from "@kaizen-effect/effect4/node"

const CONCURRENCY = 64
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const payload = { data: { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }] } }

const child = fork(new URL("./server.mjs", import.meta.url))
const port = await new Promise((resolve) => child.once("message", (m) => resolve(m.port)))
const url = `http://127.0.0.1:${port}`

const pool = async (n, one) => {
  let next = 0
  const worker = async () => {
    while (next < n) {
      next++
      await one()
    }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return n / ((performance.now() - start) / 1000)
}

const agent = new Agent({ connections: CONCURRENCY })
const raw = () =>
  request(`${url}/v1/compress`, {
    method: "POST",
    dispatcher: agent,
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(payload)
  }).then((res) => res.body.json())

const results = { raw: [], effect4: [] }
await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
  const kaizen = yield* KaizenNode.make({ baseUrl: url, maxConnections: CONCURRENCY })
  const viaClient = () => Effect.runPromise(kaizen.compress(payload))
  yield* Effect.promise(() => pool(2_000, raw))
  yield* Effect.promise(() => pool(2_000, viaClient))
  for (let round = 0; round < ROUNDS; round++) {
    results.raw.push(yield* Effect.promise(() => pool(REQUESTS, raw)))
    results.effect4.push(yield* Effect.promise(() => pool(REQUESTS, viaClient)))
  }
})))
await agent.close()
child.kill()

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const r = median(results.raw)
const e = median(results.effect4)
console.log(`concurrency ${CONCURRENCY}, ${REQUESTS} requests x ${ROUNDS} rounds (medians)`)
console.log(`raw undici                 ${r.toFixed(0).padStart(7)} req/s`)
console.log(`@kaizen-effect/effect4/node ${e.toFixed(0).padStart(6)} req/s   ${(e / r).toFixed(2)}x raw (target >= 0.85x)`)
