/**
 * Peak RSS of `kaizen serve` under bodies that are small on the wire and large once parsed
 * (issue 22, item 3): N concurrent 9.4 MB arrays of `{}` (about 3.1 million objects each).
 * The server runs in a child process; its peak RSS is the kernel's VmHWM.
 *
 *     npx tsx bench/serve-memory.ts [concurrency=8] [shape=objects|nested]
 *
 * Prints each answer's status (200s are checked to be exact) and the server's peak RSS.
 */
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import * as http from "node:http"

if (process.argv[2] === "--server") {
  const { Effect, Layer } = await import("effect")
  const KaizenLocal = await import("../src/KaizenLocal.js")
  await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const address = yield* KaizenLocal.serve({ port: 0 })
    process.send!(address.port)
    yield* Effect.never
  })).pipe(Effect.provide(Layer.empty)))
} else {
  const concurrency = Number(process.argv[2] ?? 8)
  const shape = process.argv[3] ?? "objects"
  const child = spawn(process.execPath, ["--import", "tsx", new URL(import.meta.url).pathname, "--server"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  const port = await new Promise<number>((resolve) => child.once("message", (m) => resolve(m as number)))
  const peak = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) / 1024
  const count = shape === "objects" ? 3_100_000 : 1_250_000
  const data = shape === "objects" ? `[${Array(count).fill("{}").join(",")}]` : `[${Array(count).fill("[[1]]").join(",")}]`
  const body = `{"data":${data}}`
  const before = peak()
  const post = () =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request({ port, method: "POST", path: "/v1/compress", headers: { "content-type": "application/json" } }, (response) => {
        const chunks: Array<Buffer> = []
        response.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve({ status: response.statusCode!, body: Buffer.concat(chunks).toString() }))
      })
      request.on("error", reject)
      request.end(body)
    })
  const answers = await Promise.all(Array.from({ length: concurrency }, post))
  const statuses = answers.map((a) => a.status)
  const ok = answers.filter((a) => a.status === 200)
  // Objects: one `-` line per object under the header. Nested: the first answer's text, the same for all.
  const exact = shape === "objects"
    ? ok.every((a) => {
      const result = JSON.parse(a.body).result as string
      return result.startsWith(`[${count}]:`) && result.split("\n").length === count + 1
    })
    : ok.every((a) => a.body === ok[0]!.body)
  console.log(JSON.stringify({ shape, bodyMB: +(body.length / 1e6).toFixed(1), concurrency, statuses, exact, rssBeforeMB: Math.round(before), peakRssMB: Math.round(peak()) }))
  child.kill()
}
