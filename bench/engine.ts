/**
 * Embedded engine throughput: `compress` through `KaizenClient` on `KaizenLocal.layerClient`
 * (the whole path: request validation, the direct layer's measuring walk, the engine's own
 * checks, encoding and stats, the response envelope and its decoding, and one
 * `runPromise` per call) against calling `@toon-format/toon`'s `encode` directly on the same
 * inputs. Token statistics are measured separately, as the extra time `token_models` adds.
 *
 * Each input runs 5 interleaved rounds: in each round `encode`, then `compress`, then the token
 * statistics, so every time ratio compares runs of the same round; the median of the rounds'
 * ratios is shown with their spread.
 *
 *   npm run bench:engine
 *   BENCH_QUICK=1 npm run bench:engine   # a smoke run: a tenth of the iterations
 *   BENCH_WRITE=0 npm run bench:engine   # print only (see report.ts for BENCH_FILE)
 */
import { encode } from "@toon-format/toon"
import { Effect, ManagedRuntime } from "effect"
import { KaizenClient, KaizenLocal } from "kaizen-effect"
import { formatRatio, median, ratioOf, writeSection } from "./report.js"

const quick = process.env.BENCH_QUICK === "1"
const rounds = 5
const scaled = (iterations: number) => quick ? Math.max(1, Math.floor(iterations / 10)) : iterations

const row = (i: number) => ({
  id: i,
  name: `user-${i}`,
  email: `user${i}@example.com`,
  score: Math.round(((i * 7919) % 1000) / 10) / 10,
  active: i % 3 !== 0,
  plan: ["free", "pro", "team"][i % 3]
})
const table = (rows: number) => ({ rows: Array.from({ length: rows }, (_, i) => row(i)) })
const rowsFor = (bytes: number) => Math.ceil(bytes / JSON.stringify(row(1000)).length)

const inputs: ReadonlyArray<{ readonly name: string; readonly data: unknown; readonly iterations: number }> = [
  {
    name: "small chat prompt",
    data: {
      messages: [
        { role: "system", content: "You are a support assistant. Answer in one sentence." },
        { role: "user", content: "Which of my orders are still pending?" },
        { role: "assistant", content: "Let me check your orders." },
        { role: "user", content: "Thanks. Order ids: A-100, B-220, C-310." }
      ]
    },
    iterations: scaled(5_000)
  },
  { name: "100-row table", data: table(100), iterations: scaled(1_000) },
  { name: "1 MB document", data: table(rowsFor(1024 * 1024)), iterations: scaled(20) },
  { name: "10 MB document", data: table(rowsFor(10 * 1024 * 1024)), iterations: scaled(4) }
]

// The engine's default body limit is 10 MiB, as the service's plans; the benchmark's largest
// input is 10 MB of JSON, so the layer is given room for it.
const runtime = ManagedRuntime.make(
  KaizenLocal.layer({ retry: false, timeout: "10 minutes", maxBodyBytes: 64 * 1024 * 1024 })
)

const timeIt = async (iterations: number, run: () => Promise<unknown>): Promise<number> => {
  await run() // warm-up
  const t0 = performance.now()
  for (let i = 0; i < iterations; i++) await run()
  return (performance.now() - t0) / iterations
}

const rows: Array<string> = []
for (const { data, iterations, name } of inputs) {
  const bytes = Buffer.byteLength(JSON.stringify(data))
  const direct: Array<number> = []
  const client: Array<number> = []
  const withTokens: Array<number> = []
  for (let round = 0; round < rounds; round++) {
    direct.push(await timeIt(iterations, async () => encode(data)))
    client.push(
      await timeIt(iterations, () =>
        runtime.runPromise(Effect.flatMap(KaizenClient, (k) => k.compress({ data }))))
    )
    withTokens.push(
      await timeIt(Math.max(1, Math.floor(iterations / 4)), () =>
        runtime.runPromise(
          Effect.flatMap(KaizenClient, (k) => k.optimize({ data, token_models: ["gpt-4o"] }))
        ))
    )
  }
  const d = median(direct)
  const c = median(client)
  const t = median(withTokens)
  // Ratios and differences within each round, then their median: the machine's speed drifts.
  const ratio = ratioOf(client.map((ms, round) => ms / direct[round]!))
  const added = median(client.map((ms, round) => ms - direct[round]!)) * 1000
  const mbps = (ms: number) => bytes / 1024 / 1024 / (ms / 1000)
  const line = `| ${name} | ${(bytes / 1024).toFixed(1)} KB | ${mbps(d).toFixed(1)} | ${mbps(c).toFixed(1)} | ${
    formatRatio(ratio)
  } | ${added.toFixed(1)} µs | ${t.toFixed(2)} ms (+${(t - c).toFixed(2)} ms) |`
  console.log(line)
  rows.push(line)
}
// The floor under every row: one runPromise through the same runtime that does nothing but
// look the client up. A call from Promise code into Effect pays it whatever the call does.
const emptyCall = () => runtime.runPromise(Effect.asVoid(KaizenClient))
const floors: Array<number> = []
for (let round = 0; round < rounds; round++) floors.push(await timeIt(scaled(20_000), emptyCall))
const floor = median(floors) * 1000
console.log(`empty call: ${floor.toFixed(1)} µs`)
await runtime.dispose()

const body = [
  `${rounds} interleaved rounds per input (\`encode\`, then \`compress\`, then with token stats, in each round), each`,
  "run after a warm-up; medians shown. MB/s of input JSON; \"time ratio\" is the time of `compress` through the",
  "client on the embedded engine over the time of `encode` alone on the same input in the same round: the median",
  "of the rounds' ratios, with their spread (min–max); \"added\" is the difference per call (on a small input,",
  "mostly the fixed cost of one Effect call through the client and the engine). The last column is one `optimize`",
  "call with `token_models: [\"gpt-4o\"]` (exact o200k counts of the JSON and the KTOF).",
  "",
  "| input | JSON size | `encode` MB/s | `compress` via `KaizenLocal.layerClient` MB/s | time ratio (min–max) | added per call | with token stats |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows,
  "",
  `An empty call through the same runtime (\`runPromise\` of the client's tag, nothing else) takes ${
    floor.toFixed(1)
  } µs: every call from Promise code into Effect pays it, and it is part of each row's "added".`
].join("\n")
console.log("\n" + body)
await writeSection("Embedded engine throughput", `${quick ? "BENCH_QUICK=1 " : ""}npm run bench:engine`, body)
process.exit(0)
