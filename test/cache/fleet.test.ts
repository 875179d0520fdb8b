/**
 * The fleet-wide rate limit on a real redis-server: four worker processes (the built package)
 * against one loopback `kaizen serve` (KaizenLocal.serve), sharing a limit of 50 requests/s.
 *
 * What the server saw is recorded by a loopback front that timestamps each request and passes
 * it on to the engine. The assertion is the limit's documented guarantee, not a duration: a
 * token bucket of 50 (the burst) refilled at 50/s lets at most `50 + 50 t` requests start in
 * the first `t` seconds after "go". Every request is checked against it, and the counts per
 * second are shown when it fails. Four unshared limiters would send their four bursts, 200
 * requests, at once.
 */
import { expect, it } from "@effect/vitest"
import { Chunk, Context, Effect, Exit, Fiber, Layer, Logger, Metric, TestClock, TestServices } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as KaizenCache from "../../src/KaizenCache.js"
import { KaizenClient, KaizenLocal } from "../../src/index.js"
import { json, mockHttp } from "../support/mockHttp.js"
import * as RedisServer from "../support/redisServer.js"

const worker = join(dirname(fileURLToPath(import.meta.url)), "support", "fleetWorker.mjs")

const WORKERS = 4
const PER_WORKER = 50
const LIMIT = 50

/** A loopback front for `target` that records when each request arrived (ms since the epoch). */
const recordingFront = (target: string) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly arrivals: Array<number>; readonly server: http.Server }>((resume) => {
      const arrivals: Array<number> = []
      const agent = new http.Agent({ keepAlive: true })
      const server = http.createServer((req, res) => {
        arrivals.push(Date.now())
        const upstream = http.request(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers, agent }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        })
        upstream.on("error", () => res.destroy())
        req.pipe(upstream)
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, arrivals, server }))
      })
    }),
    ({ server }) => Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
  )

/**
 * Waits until some fiber sleeps until `at` on the TestClock (its wait has begun), letting the
 * platform run (Redis's answers) in between. No deadline of its own: the test's timeout is it.
 */
const untilSleepingUntil = (at: number) =>
  Effect.gen(function*() {
    while (!Chunk.some(yield* TestClock.sleeps(), (wake) => wake === at)) {
      yield* Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1)))
    }
  })

/** Resolves with the child's stdout once `line` appears in it; rejects if it exits first. */
const waitFor = (child: ChildProcess, line: string, output: { text: string }): Promise<void> =>
  new Promise((resolve, reject) => {
    const check = () => output.text.includes(line) && resolve()
    child.stdout!.on("data", check)
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before "${line}":\n${output.text}`)))
    check()
  })

RedisServer.describeRedis("KaizenCache fleet limit (a real redis-server)", () => {
  it.live("4 worker processes sharing 50 requests/s: the server sees at most the burst plus 50/s", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const engine = yield* KaizenLocal.serve({ port: 0 })
      const front = yield* recordingFront(engine.url)
      const key = `fleet-test-${process.pid}-${Date.now()}`
      const children = Array.from({ length: WORKERS }, () => {
        const child = spawn(process.execPath, [worker, front.url, String(redis.port), key, String(LIMIT), String(PER_WORKER)], {
          stdio: ["pipe", "pipe", "pipe"]
        })
        const output = { text: "" }
        child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output.text += chunk))
        child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output.text += chunk))
        return { child, output }
      })
      yield* Effect.addFinalizer(() => Effect.sync(() => children.forEach(({ child }) => child.kill("SIGKILL"))))
      yield* Effect.promise(() => Promise.all(children.map(({ child, output }) => waitFor(child, "ready", output))))
      const go = Date.now()
      for (const { child } of children) child.stdin!.write("go\n")
      yield* Effect.promise(() =>
        Promise.all(children.map(({ child, output }) => waitFor(child, `done ${PER_WORKER}`, output)))
      )

      const arrivals = [...front.arrivals].sort((a, b) => a - b)
      expect(arrivals).toHaveLength(WORKERS * PER_WORKER)
      const perSecond: Array<number> = []
      for (const at of arrivals) {
        const second = Math.floor((at - go) / 1000)
        perSecond[second] = (perSecond[second] ?? 0) + 1
      }
      // The n-th request may start once the bucket has given n permits: 50 at once, then one
      // per 20 ms. One more for the millisecond rounding of two clocks' readings.
      const refillMillis = 1000 / LIMIT
      const over = arrivals.flatMap((at, i) => {
        const allowed = LIMIT + Math.floor((at - go) / refillMillis) + 1
        return i + 1 > allowed ? [`request ${i + 1} at +${at - go} ms (allowed ${allowed})`] : []
      })
      expect(
        over,
        `requests per second after "go": ${perSecond.map((n) => n ?? 0).join(", ")}; workers said:\n${
          children.map(({ output }) => output.text).join("\n")
        }`
      ).toEqual([])
    }).pipe(Effect.scoped), 60_000)

  // The next three run under a TestClock against the real redis-server: Redis answers in real
  // time, while the permits' waits, the deadline and the store's timeout are on the test's
  // clock, so how fast the machine is cannot decide what the tests see.

  it.scoped("waiting for a permit counts against the call's deadline: nothing is sent past it", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const kaizen = mockHttp(() => json({ status: "success", result: "a: 1" }))
      const live = KaizenCache.layerFleetLimit(
        { redis: { host: redis.host, port: redis.port }, key: `deadline-${Date.now()}`, maxRequestsPerSecond: 1, maxRequestsPerMinute: 60 },
        (rateLimiter) => KaizenClient.layer({ rateLimiter, deadline: "200 millis", timeout: "10 seconds", retry: false })
      ).pipe(Layer.provide(kaizen.layer))
      const client = Context.get(yield* Layer.build(live), KaizenClient)

      const first = yield* Effect.exit(client.compress({ data: 1 }))
      expect(Exit.isSuccess(first)).toBe(true)
      // The second call's permit is a second away (1000 ms on the clock, which reads 0).
      const second = yield* Effect.fork(Effect.exit(client.compress({ data: 2 })))
      yield* untilSleepingUntil(1000)
      yield* TestClock.adjust("199 millis")
      expect(second.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      const exit = yield* Fiber.join(second)
      expect(Exit.isFailure(exit) && String(exit.cause)).toContain("overall deadline")
      // Nothing is sent when the permit's time comes either.
      yield* TestClock.adjust("5 seconds")
      expect(kaizen.requests).toHaveLength(1)
    }))

  it.scoped("waiting for a permit is interruptible", () =>
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
      const waiting = yield* Effect.fork(limiter(Effect.sync(() => ran++)))
      // The minute's next permit is a minute away: the call is in that wait.
      yield* untilSleepingUntil(60_000)
      const exit = yield* TestServices.provideLive(Effect.timeoutFail(Fiber.interrupt(waiting), {
        duration: "5 seconds",
        onTimeout: () => new Error("interrupting the wait for a permit did not return within 5 seconds")
      }))
      expect(Exit.isInterrupted(exit)).toBe(true)
      yield* TestClock.adjust("2 minutes")
      expect(ran).toBe(1)
    }))

  it.scoped("Redis dying mid-run: each process falls back to its own limit, logged once and counted", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const lines: Array<string> = []
      const limiter = yield* KaizenCache.makeFleetLimiter({
        redis: { host: redis.host, port: redis.port },
        key: `outage-${Date.now()}`,
        maxRequestsPerSecond: 1000,
        retryAfter: "1 hour"
      })
      const fallbacks = Effect.map(Metric.value(KaizenCache.rateLimitFallbacks), (s) => s.count)
      let ran = 0
      // Redis answers this one: the store's timeout is on the TestClock, which has not moved.
      yield* limiter(Effect.sync(() => ran++))
      const before = yield* fallbacks
      yield* redis.kill()
      const calls = yield* Effect.fork(
        Effect.forEach(Array.from({ length: 5 }), () => limiter(Effect.sync(() => ran++))).pipe(
          Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => lines.push(String(message)))))
        )
      )
      // The clock stays put, so the store's timeout never fires: the first call waits on the dead
      // connection until ioredis gives up on its command (after its second reconnection attempt,
      // maxRetriesPerRequest: 1), then Redis is marked down and the other four do not ask it.
      // (Had the timeout fired first, the command would still be queued when the scope closes,
      // and ioredis would reject the `quit` queued behind it: a defect in the store's finalizer.)
      yield* Fiber.join(calls)
      expect(ran).toBe(6)
      expect((yield* fallbacks) - before).toBe(5)
      expect(lines.filter((line) => line.includes("is unavailable"))).toHaveLength(1)
    }))

  it.effect("a bad limit is a ConfigError naming the option", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(KaizenCache.makeFleetLimiter({ redis: {}, key: "k", maxRequestsPerSecond: 0 }))
      expect(String(error)).toContain("maxRequestsPerSecond must be a positive number")
    }).pipe(Effect.scoped))
})
