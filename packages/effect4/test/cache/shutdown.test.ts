/**
 * Shutdown whatever Redis does: a process using the Redis cache and the fleet limit ends on its
 * own (no `process.exit`: nothing of ioredis keeps it alive) when Redis refuses its password,
 * is frozen (SIGSTOP) or is gone, with no defect, no password and no ioredis line in anything
 * it printed, and at most one WARN. What is asserted is that it exited and what it said;
 * the test's timeout is the only clock.
 */
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { spawn } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Build from "./support/build.js"
import * as RedisServer from "./support/redisServer.js"

const worker = join(dirname(fileURLToPath(import.meta.url)), "support", "shutdownWorker.mjs")
const PASSWORD = "wrong-password-s3cr3t"

const expectClean = ({ code, output }: { code: number | null; output: string }) => {
  expect(code, output).toBe(0)
  expect(output).toContain("done")
  expect(output).toContain("exit Success")
  expect(output).not.toContain("s3cr3t")
  expect(output).not.toContain("Unhandled error event")
  expect(output).not.toContain("maxRetriesPerRequest")
  expect(output).not.toMatch(/AUTH|EVALSHA|kaizenFleet/)
  expect(output.split("\n").filter((line) => line.includes("WARN")).length, output).toBeLessThanOrEqual(1)
}

RedisServer.describeRedis("shutdown whatever Redis does (a real redis-server)", () => {
  let build = ""
  beforeAll(async () => {
    build = await Build.build()
  }, 180_000)
  afterAll(() => {
    if (build !== "") Build.remove(build)
  })

  /** Runs the worker to its natural end: its exit code and everything it printed. */
  const runToEnd = (args: Array<string>) =>
    Effect.promise(() =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, [worker, build, ...args], { stdio: ["ignore", "pipe", "pipe"] })
        let output = ""
        child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
        child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
        child.once("exit", (code) => resolve({ code, output }))
      })
    )

  it.live("Redis refusing the password", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const client = yield* RedisServer.admin(redis.port)
      yield* Effect.promise(() => client.config("SET", "requirepass", "the-right-one-0123"))
      const run = yield* runToEnd([String(redis.port), PASSWORD])
      expectClean(run)
      expect(run.output).toContain("authentication refused")
    }), 60_000)

  it.live("Redis frozen (SIGSTOP)", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const client = yield* RedisServer.admin(redis.port)
      const info = yield* Effect.promise(() => client.info("server"))
      const pid = Number(/process_id:(\d+)/.exec(info)![1])
      process.kill(pid, "SIGSTOP")
      yield* Effect.addFinalizer(() => Effect.sync(() => process.kill(pid, "SIGCONT")))
      expectClean(yield* runToEnd([String(redis.port)]))
    }), 60_000)

  it.live("Redis gone", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      yield* redis.kill()
      const run = yield* runToEnd([String(redis.port)])
      expectClean(run)
      expect(run.output).toContain("connection refused")
    }), 60_000)
})
