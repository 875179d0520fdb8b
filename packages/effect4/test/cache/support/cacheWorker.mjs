// One process of the Redis tier test (store.test.ts), on the package built for the test: a
// client over the Node transport with the Redis cache (no copy in memory), one compress call,
// then "cached <true|false>" and its result; it ends on its own.
import { join } from "node:path"
import { pathToFileURL } from "node:url"

const [build, baseUrl, redisPort, secret, data] = process.argv.slice(2)
const load = (module) => import(pathToFileURL(join(build, module)).href)
const [{ Effect, Layer }, { KaizenClient }, KaizenCache, KaizenNode] = await Promise.all([
  import("effect"),
  load("index.js"),
  load("KaizenCache.js"),
  load("KaizenNode.js")
])

const live = KaizenCache.layerRedis({
  redis: { host: "127.0.0.1", port: Number(redisPort) },
  secret,
  inMemoryTimeToLive: 0,
  timeout: "10 seconds"
}).pipe(Layer.provide(KaizenNode.layer({ baseUrl, apiKey: "worker-key", retry: false })))

const program = Effect.gen(function*() {
  const kaizen = yield* KaizenClient
  const response = yield* kaizen.compress({ data: JSON.parse(data) })
  process.stdout.write(`cached ${KaizenCache.isCached(response)} ${JSON.stringify(response.result)}\n`)
})

Effect.runPromise(program.pipe(Effect.provide(live))).catch((error) => {
  process.stderr.write(`${error}\n`)
  process.exitCode = 1
})
