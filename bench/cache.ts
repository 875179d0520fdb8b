/**
 * What a cache hit costs against a miss, per call, one call at a time:
 *
 * - a hit in this process's memory (`KaizenCache.layer`);
 * - a hit in Redis (`KaizenCache.layerRedis` with no in-memory copy, so every call reads
 *   Redis), on a redis-server this script starts on loopback;
 * - a miss on the embedded engine (`baseUrl: "local"`, in this process);
 * - a miss over loopback HTTP to `kaizen serve` (the built CLI, its own process).
 *
 * CPU is this process's user + system time per call (for the engine miss that includes the
 * engine's encoding); latency is the wall time of each call, p50 and p99.
 *
 *   npm run bench:cache
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { KaizenClient } from "kaizen-effect"
import * as KaizenCache from "kaizen-effect/cache"
import { percentile, writeSection } from "./report.js"
import * as KaizenNode from "kaizen-effect/node"

const payload = { data: { users: [{ id: 1, name: "Ada", role: "admin" }, { id: 2, name: "Linus", role: "dev" }] } }

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })

const startUntil = (command: string, args: Array<string>, ready: RegExp) =>
  new Promise<{ child: ChildProcess; match: RegExpMatchArray }>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk
      const match = out.match(ready)
      if (match) resolve({ child, match })
    })
    child.once("error", reject)
  })

interface Figures {
  readonly name: string
  readonly cpuMicros: number
  readonly p50Micros: number
  readonly p99Micros: number
}

/** Runs `calls` sequential calls (after a warm-up) and measures CPU and latency per call. */
const measure = async (
  name: string,
  layer: Layer.Layer<KaizenClient, unknown>,
  calls: number
): Promise<Figures> => {
  const runtime = ManagedRuntime.make(layer)
  const call = Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress(payload))
  const timed = Effect.flatMap(KaizenClient, (kaizen) =>
    Effect.gen(function*() {
      const latencies = new Float64Array(calls)
      for (let i = 0; i < calls; i++) {
        const start = performance.now()
        yield* kaizen.compress(payload)
        latencies[i] = (performance.now() - start) * 1000
      }
      return latencies.sort()
    }))
  for (let i = 0; i < Math.min(calls, 2000); i++) await runtime.runPromise(call) // warm-up, fills the cache
  const cpu0 = process.cpuUsage()
  const latencies = await runtime.runPromise(timed)
  const cpu = process.cpuUsage(cpu0)
  await runtime.dispose()
  return {
    name,
    cpuMicros: (cpu.user + cpu.system) / calls,
    p50Micros: percentile(latencies, 0.5),
    p99Micros: percentile(latencies, 0.99)
  }
}

const redisDir = mkdtempSync(join(tmpdir(), "kaizen-bench-redis-"))
const redisPort = await freePort()
const redis = await startUntil("redis-server", [
  "--port", String(redisPort), "--bind", "127.0.0.1", "--dir", redisDir, "--save", "", "--appendonly", "no"
], /Ready to accept connections/)
const served = await startUntil(process.execPath, ["packages/cli/dist/main.js", "serve", "--port", "0"], /listening on (http:\/\/\S+)/)

try {
  const local = KaizenNode.layer({ baseUrl: "local" })
  const results = [
    await measure("hit, in memory", KaizenCache.layer().pipe(Layer.provide(local)), 100_000),
    await measure(
      "hit, in Redis (loopback)",
      KaizenCache.layerRedis({ redis: { host: "127.0.0.1", port: redisPort }, inMemoryTimeToLive: 0, secret: "bench-secret-0123456789abcdef" }).pipe(
        Layer.provide(local)
      ),
      10_000
    ),
    await measure("miss, embedded engine", local, 10_000),
    await measure("miss, loopback HTTP to kaizen serve", KaizenNode.layer({ baseUrl: served.match[1]! }), 5_000)
  ]
  const rows = results.map((r) =>
    `| ${r.name} | ${r.cpuMicros.toFixed(1)} | ${r.p50Micros.toFixed(1)} | ${r.p99Micros.toFixed(1)} |`
  )
  const body = [
    "One call at a time, the same small `compress` request (two rows). CPU: this process's time per call. p99s move a lot when the machine is shared.",
    "",
    "| call | CPU µs/call | p50 µs | p99 µs |",
    "| --- | ---: | ---: | ---: |",
    ...rows
  ].join("\n")
  console.log(body)
  await writeSection("Cache hits and misses", "npm run bench:cache", body)
} finally {
  redis.child.kill("SIGKILL")
  served.child.kill("SIGTERM")
  rmSync(redisDir, { recursive: true, force: true })
}
