// A process that uses the Redis cache and the fleet limit on the given Redis options (built
// package, the embedded engine as Kaizen), makes two calls, prints "done" and ends on its own:
// shutdown.test.ts checks that it exits, and what it printed, whatever Redis does.
import { Effect, Layer } from "effect"
import { KaizenClient } from "../../../dist/index.js"
import * as KaizenCache from "../../../dist/KaizenCache.js"
import * as KaizenLocal from "../../../dist/KaizenLocal.js"

const [port, password] = process.argv.slice(2)
const redis = { host: "127.0.0.1", port: Number(port), ...(password ? { password } : {}) }

const live = KaizenCache.layerRedis({ redis, secret: "shutdown-test-secret-0123456789", inMemoryTimeToLive: 0 }).pipe(
  Layer.provide(KaizenCache.layerFleetLimit(
    { redis, key: `shutdown-${process.pid}`, maxRequestsPerSecond: 100, timeout: "1 second" },
    (rateLimiter) => KaizenLocal.layer({ rateLimiter })
  ))
)

const program = Effect.gen(function*() {
  const kaizen = yield* KaizenClient
  yield* kaizen.compress({ data: { a: 1 } })
  yield* kaizen.compress({ data: { a: 1 } })
  process.stdout.write("done\n")
})

Effect.runPromiseExit(program.pipe(Effect.provide(live))).then((exit) => {
  process.stdout.write(`exit ${exit._tag}\n`)
  if (exit._tag === "Failure") process.stdout.write(`${JSON.stringify(exit.cause)}\n`)
})
