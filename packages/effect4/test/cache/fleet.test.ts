/**
 * The fleet-wide rate limit on a real redis-server, with worker processes on the package built
 * for the test against a server that limits as servers do (support/slidingServer.ts: the request
 * that finds `limit` others in the last second gets a 429). The assertions count what the
 * server recorded: its refusals and its arrivals, never a duration.
 */
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Metric from "effect/Metric"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { type ChildProcess, spawn } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { KaizenClient } from "../../src/index.js"
import * as KaizenCache from "../../src/KaizenCache.js"
import { serve } from "../support/server.js"
import * as Build from "./support/build.js"
import { envelope } from "./support/cached.js"
import * as RedisServer from "./support/redisServer.js"
import { withSleepLog } from "./support/sleepLog.js"
import * as SlidingServer from "./support/slidingServer.js"

const worker = join(dirname(fileURLToPath(import.meta.url)), "support", "fleetWorker.mjs")

/** Resolves with the child's output once `line` appears in it; rejects if it exits first. */
const waitFor = (child: ChildProcess, line: string, output: { text: string }): Promise<void> =>
  new Promise((resolve, reject) => {
    const check = () => output.text.includes(line) && resolve()
    child.stdout!.on("data", check)
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before "${line}":\n${output.text}`)))
    check()
  })

RedisServer.describeRedis("KaizenCache fleet limit (a real redis-server)", () => {
  let build = ""
  beforeAll(async () => {
    build = await Build.build()
  }, 180_000)
  afterAll(() => {
    if (build !== "") Build.remove(build)
  })

  /** Starts `n` workers, says "go" once all are ready, and resolves with what each printed at the end. */
  const runWorkers = (n: number, args: (i: number) => Array<string>) =>
    Effect.gen(function*() {
      const children = Array.from({ length: n }, (_, i) => {
        const child = spawn(process.execPath, [worker, build, ...args(i)], { stdio: ["pipe", "pipe", "pipe"] })
        const output = { text: "" }
        child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output.text += chunk))
        child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output.text += chunk))
        return { child, output }
      })
      yield* Effect.addFinalizer(() => Effect.sync(() => children.forEach(({ child }) => child.kill("SIGKILL"))))
      yield* Effect.promise(() => Promise.all(children.map(({ child, output }) => waitFor(child, "ready", output))))
      for (const { child } of children) child.stdin!.write("go\n")
      yield* Effect.promise(() => Promise.all(children.map(({ child, output }) => waitFor(child, "done", output))))
      return children.map(({ output }) => output.text)
    })

  it.live("16 worker processes sharing 50 requests/s against a server that refuses the 51st in any second: 0 429s", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const server = yield* SlidingServer.make({ limit: 50 })
      const key = `fleet-test-${process.pid}-${Date.now()}`
      const said = yield* runWorkers(16, () => [server.url, String(redis.port), key, "50", "10"])
      const summary = `most arrivals in any second: ${SlidingServer.mostInAnyWindow(server.arrivals)}; workers said:\n${said.join("")}`
      expect(server.refused, summary).toEqual([])
      expect(server.arrivals, summary).toHaveLength(160)
      expect(said.filter((text) => text.includes("done 10 0")), summary).toHaveLength(16)
    }), 180_000)

  it.live("a 429 with Retry-After pauses the whole fleet: a server quota lower than the limit costs one refusal, not one per worker", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      // From its 20th request on, the server refuses everything for 2 s (Retry-After: 2).
      const server = yield* SlidingServer.make({ limit: 1000, refuseFor: { after: 20, millis: 2000 } })
      const key = `pause-test-${process.pid}-${Date.now()}`
      const said = yield* runWorkers(4, () => [server.url, String(redis.port), key, "20", "12"])
      // The refusal's answer and the pause in Redis race with at most a start already confirmed.
      expect(server.refused.length, `refusals: ${server.refused.length}; workers said:\n${said.join("")}`).toBeLessThanOrEqual(2)
      expect(server.arrivals).toHaveLength(48)
    }), 180_000)

  // The next three run under a TestClock against the real redis-server: Redis answers in real
  // time, while the permits' waits, the deadline and the store's timeout are on the test's
  // clock, so how fast the machine is cannot decide what the tests see.

  it.effect("waiting for a permit counts against the call's deadline: nothing is sent past it", () =>
    withSleepLog((clock) =>
      Effect.gen(function*() {
        const redis = yield* RedisServer.make
        const server = yield* serve(envelope)
        const live = KaizenCache.layerFleetLimit(
          { redis: { host: redis.host, port: redis.port }, key: `deadline-${Date.now()}`, maxRequestsPerSecond: 1, maxRequestsPerMinute: 60 },
          (rateLimiter) =>
            KaizenClient.layer({ baseUrl: server.url, rateLimiter, deadline: "200 millis", timeout: "10 seconds", retry: false })
        ).pipe(Layer.provide(FetchHttpClient.layer))
        const client = Context.get(yield* Layer.build(live), KaizenClient)

        const first = yield* Effect.exit(client.compress({ data: 1 }))
        expect(Exit.isSuccess(first)).toBe(true)
        // The second call's slot is about a second away (the pace at 1/s, on Redis's clock).
        const second = yield* Effect.forkChild(Effect.exit(client.compress({ data: 2 })))
        yield* clock.untilSleepingPast(500)
        yield* clock.adjust("199 millis")
        expect(second.pollUnsafe()).toBeUndefined()
        yield* clock.adjust("1 millis")
        const exit = yield* Fiber.join(second)
        expect(Exit.isFailure(exit) && String(exit.cause)).toContain("overall deadline")
        // Nothing is sent when the permit's time comes either.
        yield* clock.adjust("5 seconds")
        expect(server.requests).toHaveLength(1)
      })
    ), 60_000)

  it.effect("waiting for a permit is interruptible", () =>
    withSleepLog((clock) =>
      Effect.gen(function*() {
        const redis = yield* RedisServer.make
        const limiter = yield* KaizenCache.makeFleetLimiter({
          redis: { host: redis.host, port: redis.port },
          key: `interrupt-${Date.now()}`,
          maxRequestsPerSecond: 1,
          maxRequestsPerMinute: 1
        })
        let ran = 0
        yield* limiter(Effect.sync(() => ran++))
        const waiting = yield* Effect.forkChild(limiter(Effect.sync(() => ran++)))
        // The minute's next slot is a minute away: the call is in that wait.
        yield* clock.untilSleepingPast(50_000)
        // No deadline of our own here: an interrupt that does not return fails on the test's timeout.
        yield* Fiber.interrupt(waiting)
        expect(Exit.hasInterrupts(yield* Fiber.await(waiting))).toBe(true)
        yield* clock.adjust("2 minutes")
        expect(ran).toBe(1)
      })
    ), 60_000)

  it.effect("Redis dying mid-run: each process paces itself at its share at once, logged once and counted", () =>
    withSleepLog((clock) =>
      Effect.gen(function*() {
        const redis = yield* RedisServer.make
        const lines: Array<string> = []
        const limiter = yield* KaizenCache.makeFleetLimiter({
          redis: { host: redis.host, port: redis.port },
          key: `outage-${Date.now()}`,
          maxRequestsPerSecond: 1000,
          fleetSize: 2
        })
        const fallbacks = Effect.map(Metric.value(KaizenCache.rateLimitFallbacks), (s) => s.count)
        let ran = 0
        yield* limiter(Effect.sync(() => ran++))
        const before = yield* fallbacks
        yield* redis.kill()
        const logger = Logger.make(({ message }) => {
          lines.push(Array.isArray(message) ? message.join(" ") : String(message))
        })
        const calls = yield* Effect.forkChild(
          Effect.forEach(Array.from({ length: 5 }), () => limiter(Effect.sync(() => ran++))).pipe(
            Effect.provide(Logger.layer([logger]))
          )
        )
        // The process's own pace (1000/s over 2: one start every 2 ms) on the TestClock: the
        // calls wait on it, not on the dead Redis (no command waits: the connection is known closed).
        while (ran < 6) {
          yield* clock.adjust("3 millis")
          yield* Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1)))
        }
        yield* Fiber.join(calls)
        expect((yield* fallbacks) - before).toBe(5)
        expect(lines.filter((line) => line.includes("is unavailable"))).toHaveLength(1)
        expect(lines.join("\n")).not.toMatch(/maxRetriesPerRequest|ioredis/)
      })
    ), 60_000)

  it.live("the cache and the fleet limit given the same Redis options share one connection", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const server = yield* serve(envelope)
      const options = { host: redis.host, port: redis.port }
      const live = KaizenCache.layerRedis({ redis: options, secret: "fleet-test-secret-0123456789", timeout: "10 seconds" }).pipe(
        Layer.provide(KaizenCache.layerFleetLimit(
          { redis: options, key: `shared-${Date.now()}`, maxRequestsPerSecond: 100 },
          (rateLimiter) => KaizenClient.layer({ baseUrl: server.url, rateLimiter, retry: false })
        )),
        Layer.provide(FetchHttpClient.layer)
      )
      const client = Context.get(yield* Layer.build(live), KaizenClient)
      yield* client.compress({ data: 1 })
      const admin = yield* RedisServer.admin(redis.port)
      const list = yield* Effect.promise(() => admin.client("LIST") as Promise<string>)
      // Ours, and the admin's own.
      expect(list.trim().split("\n")).toHaveLength(2)
      expect(server.requests).toHaveLength(1)
    }))

  it.effect("a bad limit is a ConfigError naming the option", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(KaizenCache.makeFleetLimiter({ redis: {}, key: "k", maxRequestsPerSecond: 0 }))
      expect(error._tag).toBe("ConfigError")
      expect(String(error)).toContain("maxRequestsPerSecond must be a positive number")
      const empty = yield* Effect.flip(KaizenCache.makeFleetLimiter({ redis: {}, key: "", maxRequestsPerSecond: 1 }))
      expect(String(empty)).toContain("key must not be empty")
    }))
})
