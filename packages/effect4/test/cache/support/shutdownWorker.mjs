// A process that uses the Redis cache and the fleet limit on the given Redis options (the
// package built for the test, the embedded engine as Kaizen), makes two calls, prints "done"
// and ends on its own: shutdown.test.ts checks that it exits, and what it printed, whatever
// Redis does.
import { join } from "node:path"
import { pathToFileURL } from "node:url"

const [build, port, password] = process.argv.slice(2)
const load = (module) => import(pathToFileURL(join(build, module)).href)
const [{ Effect, Layer }, { KaizenClient }, KaizenCache, KaizenLocal] = await Promise.all([
  import("effect"),
  load("index.js"),
  load("KaizenCache.js"),
  load("KaizenLocal.js")
])
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
  if (exit._tag === "Failure") process.stdout.write(`${String(exit.cause)}\n`)
})
