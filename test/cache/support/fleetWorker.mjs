// One worker of the fleet test (fleet.test.ts), a separate Node process on the built package:
// a KaizenClient over the Node transport whose attempts pass the fleet's Redis limit. It says
// "ready" once built, waits for "go" on stdin, sends its requests, then prints "done <n>".
import { Effect, Layer } from "effect"
import { KaizenClient } from "../../../dist/index.js"
import * as KaizenCache from "../../../dist/KaizenCache.js"
import * as KaizenNode from "../../../dist/KaizenNode.js"

const [baseUrl, redisPort, key, perSecond, count] = process.argv.slice(2)

// Redis's timeout far beyond its answers on a busy machine: past the default 250 ms, a slow
// answer sends a worker to its own limit (its own burst of 50), and the fleet over the shared one.
const live = KaizenCache.layerFleetLimit(
  { redis: { host: "127.0.0.1", port: Number(redisPort) }, key, maxRequestsPerSecond: Number(perSecond), timeout: "10 seconds" },
  (rateLimiter) => KaizenNode.layer({ baseUrl, rateLimiter, retry: false })
)

const go = new Promise((resolve) => {
  let input = ""
  process.stdin.setEncoding("utf8").on("data", (chunk) => {
    input += chunk
    if (input.includes("go")) resolve()
  })
})

const program = Effect.gen(function*() {
  const kaizen = yield* KaizenClient
  process.stdout.write("ready\n")
  yield* Effect.promise(() => go)
  const responses = yield* Effect.all(
    Array.from({ length: Number(count) }, (_, i) => kaizen.compress({ data: { worker: process.pid, i } })),
    { concurrency: 16 }
  )
  process.stdout.write(`done ${responses.length}\n`)
})

Effect.runPromise(program.pipe(Effect.provide(live), Effect.scoped)).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error}\n`)
    process.exit(1)
  }
)
