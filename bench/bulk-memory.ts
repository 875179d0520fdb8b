/**
 * Back-pressure, measured: 1,000,000 requests generated lazily (never held as a list) streamed
 * through `KaizenBatch.stream` with the default concurrency (the pool, 64), printing the heap
 * after a full GC and the RSS every 100,000 results. Flat figures mean the batch holds only
 * what is in flight and buffered, whatever the input's length; a list-based loop would grow by
 * the size of every input and result it keeps.
 *
 *   npm run bench:bulk                 # an in-memory HttpClient answering at once (the client's whole path)
 *   npm run bench:bulk -- --engine     # the embedded engine under the client (KaizenLocal.layerHttpClient())
 *   npm run bench:bulk -- --count 200000
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { Effect, Either, Layer, Stream } from "effect"
import { KaizenBatch, KaizenClient, KaizenLocal } from "kaizen-effect"

const args = process.argv.slice(2)
const engine = args.includes("--engine")
const countAt = args.indexOf("--count")
const count = countAt >= 0 ? Number(args[countAt + 1]) : 1_000_000
const every = Math.max(1, Math.floor(count / 10))

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error("run with node --expose-gc (npm run bench:bulk does)")

/** The requests, made one at a time as the batch pulls them. */
function* requests(): Generator<{ readonly data: unknown }> {
  for (let id = 0; id < count; id++) {
    yield { data: { id, name: `user-${id}`, email: `user${id}@example.com`, active: id % 3 !== 0 } }
  }
}

// The in-memory transport answers every call with the same envelope: what is left is the client
// and the batch. (The body is built per call, as a socket's bytes would be.)
const envelope = JSON.stringify({
  operation: "compress",
  status: "success",
  result: "id: 1\nname: user-1\nemail: user1@example.com\nactive: true",
  stats: { original_length: 77, optimized_length: 56, reduction: 21, reduction_ratio: 0.27 }
})
const memoryHttp = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request) =>
    Effect.sync(() =>
      HttpClientResponse.fromWeb(request, new Response(envelope, { headers: { "content-type": "application/json" } }))
    )
  )
)

const client = KaizenClient.layer({ baseUrl: "http://kaizen.bench" }).pipe(
  Layer.provide(engine ? KaizenLocal.layerHttpClient() : memoryHttp)
)

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1).padStart(7)

interface Sample {
  readonly completed: number
  readonly heap: number
  readonly rss: number
  readonly seconds: number
}

const samples: Array<Sample> = []
const started = performance.now()

const sample = (completed: number) =>
  Effect.sync(() => {
    gc()
    const { heapUsed, rss } = process.memoryUsage()
    const s = { completed, heap: heapUsed, rss, seconds: (performance.now() - started) / 1000 }
    samples.push(s)
    console.log(
      `${String(completed).padStart(9)} ${mb(s.heap)} MB heap ${mb(s.rss)} MB RSS ${s.seconds.toFixed(1).padStart(7)} s`
    )
  })

const program = Effect.gen(function*() {
  console.log(
    `KaizenBatch.stream over ${count.toLocaleString("en")} lazily generated compress requests, ` +
      `${engine ? "embedded engine (KaizenLocal.layerHttpClient())" : "in-memory HttpClient"}, default concurrency (the pool, 64)`
  )
  console.log(`${"results".padStart(9)} ${"heap after GC".padStart(15)} ${"RSS".padStart(10)} ${"elapsed".padStart(9)}`)
  yield* sample(0)
  const totals = yield* KaizenBatch.stream(requests(), "compress", {
    onProgress: (p) => (p.completed % every === 0 ? sample(p.completed) : Effect.void)
  }).pipe(
    Stream.runFold({ ok: 0, failed: 0 }, (acc, result) => {
      if (Either.isRight(result)) acc.ok++
      else acc.failed++
      return acc
    })
  )
  const after = samples.filter((s) => s.completed > 0)
  const heaps = after.map((s) => s.heap)
  const rsses = after.map((s) => s.rss)
  const elapsed = (performance.now() - started) / 1000
  console.log(`\n${totals.ok.toLocaleString("en")} succeeded, ${totals.failed} failed in ${elapsed.toFixed(1)} s ` +
    `(${Math.round(count / elapsed).toLocaleString("en")} per second)`)
  console.log(
    `heap after GC from the first ${every.toLocaleString("en")} results on: ` +
      `${mb(Math.min(...heaps)).trim()}-${mb(Math.max(...heaps)).trim()} MB; ` +
      `RSS ${mb(Math.min(...rsses)).trim()}-${mb(Math.max(...rsses)).trim()} MB`
  )
  const growth = after.length > 1 ? (after.at(-1)!.heap - after[0]!.heap) / (count - every) : 0
  console.log(`heap growth from the first sample to the last: ${growth.toFixed(2)} bytes per further input`)
})

Effect.runPromise(program.pipe(Effect.provide(client)))
