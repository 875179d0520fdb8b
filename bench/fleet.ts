/**
 * The fleet limit across worker processes (test/cache/support/fleetWorker.mjs, the built
 * package), 8 calls in flight each, 640 calls in all, sharing 50 requests/s through one
 * redis-server, against a server that limits as servers do: the request that finds 50 others in the last second gets a
 * 429 (Retry-After: 1). For 4, 8, 16 and 32 workers: the rate achieved, the most requests in any
 * sliding second, and the 429s. Then 16 workers through a Redis outage (killed 3 s in,
 * restarted on the same port 3 s later): the rate during it and the most in any second after.
 *
 *   npm run build && TSX_TSCONFIG_PATH=tsconfig.bench.json node --import tsx bench/fleet.ts
 *   (BENCH_WRITE=0: print only, leave BENCHMARKS.md alone; FLEET_N=16,32: those fleet sizes only,
 *   FLEET_N=0: the outage alone)
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import * as http from "node:http"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { writeSection } from "./report.js"

const LIMIT = 50
const worker = join(import.meta.dirname, "..", "test", "cache", "support", "fleetWorker.mjs")

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })

const startRedis = (port: number, dir: string) =>
  new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"], {
      stdio: ["ignore", "pipe", "ignore"]
    })
    let out = ""
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk
      if (out.includes("Ready to accept connections")) resolve(child)
    })
    child.once("error", reject)
  })

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGKILL")
  })

/** The sliding-window server: arrivals and refusals, as `performance` milliseconds. */
const slidingServer = () =>
  new Promise<{ url: string; arrivals: Array<number>; refused: Array<number>; close: () => void }>((resolve) => {
    const arrivals: Array<number> = []
    const refused: Array<number> = []
    const server = http.createServer((req, res) => {
      const now = performance.now()
      let recent = 0
      for (let i = arrivals.length - 1; i >= 0 && arrivals[i]! > now - 1000; i--) recent++
      arrivals.push(now)
      req.resume()
      req.on("end", () => {
        if (recent >= LIMIT) {
          refused.push(now)
          res.writeHead(429, { "content-type": "application/json", "retry-after": "1" })
          res.end("{\"detail\":\"rate limited\"}")
          return
        }
        res.writeHead(200, { "content-type": "application/json" })
        res.end("{\"operation\":\"compress\",\"status\":\"success\",\"result\":\"a: 1\"}")
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        arrivals,
        refused,
        close: () => {
          server.closeAllConnections()
          server.close()
        }
      })
    })
  })

const mostInAnyWindow = (times: ReadonlyArray<number>, windowMillis = 1000) => {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  let from = 0
  for (let to = 0; to < sorted.length; to++) {
    while (sorted[from]! <= sorted[to]! - windowMillis) from++
    most = Math.max(most, to - from + 1)
  }
  return most
}

const runFleet = async (
  n: number,
  total: number,
  redisPort: number,
  during?: (startedAt: number) => Promise<void>
) => {
  const server = await slidingServer()
  const key = `bench-${process.pid}-${n}-${Date.now()}`
  const perWorker = Math.ceil(total / n)
  const children = Array.from({ length: n }, () => {
    const child = spawn(process.execPath, [worker, server.url, String(redisPort), key, String(LIMIT), String(perWorker), "8"], {
      stdio: ["pipe", "pipe", "pipe"]
    })
    const output = { text: "" }
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output.text += chunk))
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output.text += chunk))
    return { child, output }
  })
  const waitFor = (word: string) =>
    Promise.all(children.map(({ child, output }) =>
      new Promise<void>((resolve) => {
        const check = () => output.text.includes(word) && resolve()
        child.stdout!.on("data", check)
        child.once("exit", () => resolve())
        check()
      })
    ))
  await waitFor("ready")
  const go = performance.now()
  for (const { child } of children) child.stdin!.write("go\n")
  const side = during?.(go)
  await waitFor("done")
  await side
  const exited = await Promise.all(children.map(({ child }) => new Promise<void>((resolve) => child.exitCode !== null ? resolve() : child.once("exit", () => resolve()))))
  void exited
  server.close()
  const failed = children.reduce((sum, { output }) => sum + Number(/done \d+ (\d+)/.exec(output.text)?.[1] ?? perWorker), 0)
  const arrivals = server.arrivals
  const span = (arrivals[arrivals.length - 1]! - arrivals[0]!) / 1000
  return { n, go, arrivals, refusedAt: server.refused, refused: server.refused.length, failed, achieved: (arrivals.length - 1) / span, most: mostInAnyWindow(arrivals) }
}

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), "kaizen-fleet-bench-"))
  const port = await freePort()
  let redis = await startRedis(port, dir)
  const rows: Array<string> = []
  try {
    const sizes = (process.env.FLEET_N ?? "4,8,16,32").split(",").map(Number).filter((n) => n > 0)
    for (const n of sizes) {
      const r = await runFleet(n, 640, port)
      rows.push(`| ${n} | ${r.arrivals.length} | ${r.achieved.toFixed(1)} | ${r.most} | ${r.refused} | ${r.failed} |`)
      console.log(rows[rows.length - 1])
    }
    // The outage: 16 workers, Redis killed 3 s after "go", restarted 3 s later.
    let killedAt = 0
    let restartedAt = 0
    const outage = await runFleet(16, 600, port, async (go) => {
      await new Promise((resolve) => setTimeout(resolve, 3000 - (performance.now() - go)))
      await stop(redis)
      killedAt = performance.now()
      await new Promise((resolve) => setTimeout(resolve, 3000))
      redis = await startRedis(port, dir)
      restartedAt = performance.now()
    })
    const inOutage = outage.arrivals.filter((t) => t >= killedAt && t < restartedAt).length / ((restartedAt - killedAt) / 1000)
    const after = outage.arrivals.filter((t) => t >= restartedAt)
    const refusedDuring = outage.refusedAt.filter((t) => t < restartedAt).length
    const outageRow = `| 16, Redis killed for 3 s | ${inOutage.toFixed(1)} | ${mostInAnyWindow(outage.arrivals.filter((t) => t >= killedAt && t < restartedAt))} | ${mostInAnyWindow(after)} | ${refusedDuring} / ${outage.refused - refusedDuring} | ${outage.failed} |`
    console.log(outageRow)
    await writeSection(
      "Fleet limit across processes",
      "npm run build && TSX_TSCONFIG_PATH=tsconfig.bench.json node --import tsx bench/fleet.ts",
      [
        `Workers (separate Node processes, 8 calls in flight each) share ${LIMIT} requests/s through one redis-server; the server answers 429 to a request that finds ${LIMIT} others in the last second. Every figure is what that server recorded.`,
        "",
        `The limiter lets an attempt start only while fewer than ${LIMIT} are in flight or were answered within the last second (an arrival lies between the two), so no window at the server can hold more than ${LIMIT}; the rate achieved is ${LIMIT} / (1 s + the calls' latency from Redis's start to Redis's finish), and that latency is what the machine's load makes it (the load average is in the header): 32 workers on 2 cores are starved of CPU between Redis, their own event loops and the server.`,
        "",
        "| workers | requests | achieved req/s | most in any sliding second | 429s | failed calls |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        ...rows,
        "",
        "Redis outage (16 workers; Redis killed 3 s after the start and restarted on the same port 3 s later; each process starts nothing for the outage's first second, then keeps to its share, 3 calls in any second, paced 50/16 req/s):",
        "",
        "| run | req/s during the outage | most in any second during it | most in any second after the restart | 429s before / after the restart | failed calls |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        outageRow
      ].join("\n")
    )
  } finally {
    await stop(redis)
    rmSync(dir, { recursive: true, force: true })
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error)
  process.exit(1)
})
