// One worker of the fleet tests (fleet.test.ts), a separate Node process on the package built
// for the test (support/build.ts): a KaizenClient over the Node transport whose attempts pass
// the fleet's Redis limit. It says "ready" once built, waits for "go" on stdin, sends its
// requests (8 in flight), then prints "done <succeeded> <failed>" and ends on its own (its scope
// closes).
import { join } from "node:path"
import { pathToFileURL } from "node:url"

const [build, baseUrl, redisPort, key, perSecond, count, inFlight = "8"] = process.argv.slice(2)
const load = (module) => import(pathToFileURL(join(build, module)).href)
const [{ Effect }, { KaizenClient }, KaizenCache, KaizenNode] = await Promise.all([
  import("effect"),
  load("index.js"),
  load("KaizenCache.js"),
  load("KaizenNode.js")
])

const live = KaizenCache.layerFleetLimit(
  { redis: { host: "127.0.0.1", port: Number(redisPort) }, key, maxRequestsPerSecond: Number(perSecond) },
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
  const outcomes = yield* Effect.all(
    Array.from({ length: Number(count) }, (_, i) => Effect.result(kaizen.compress({ data: { worker: process.pid, i } }))),
    { concurrency: Number(inFlight) }
  )
  const failed = outcomes.filter((outcome) => outcome._tag === "Failure").length
  process.stdout.write(`done ${outcomes.length - failed} ${failed}\n`)
})

Effect.runPromise(program.pipe(Effect.provide(live), Effect.scoped)).then(
  () => process.stdin.destroy(),
  (error) => {
    process.stderr.write(`${error}\n`)
    process.exitCode = 1
    process.stdin.destroy()
  }
)
