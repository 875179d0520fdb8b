/**
 * A real `redis-server` (Debian's package) for the cache and fleet-limit tests (the Effect 3
 * line's test/support/redisServer.ts, on Effect 4): started on a
 * free loopback port in a temporary directory, with nothing saved to disk, and stopped (its
 * directory removed) when the scope closes. `kill` stops it mid-test, as an outage.
 *
 * Where `redis-server` (or the optional peer `ioredis`) is not installed, `describeRedis` skips
 * its suite with one line saying how to install it; under `CI=true` the suite fails instead, so
 * CI never passes by skipping.
 */
import { describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

const hasIoredis = (() => {
  try {
    createRequire(import.meta.url).resolve("ioredis")
    return true
  } catch {
    return false
  }
})()

const hasServer = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0

export const installed: boolean = hasServer && hasIoredis

const HOW_TO_INSTALL = hasServer
  ? "ioredis is not installed: npm install in packages/effect4 (a dev dependency)"
  : "redis-server is not installed: apt-get update && apt-get install -y redis-server"
let told = false

/** `describe`, when redis-server is here; otherwise skipped (one line) or, under CI, failed. */
export const describeRedis = (name: string, body: () => void): void => {
  if (installed) {
    describe(name, body)
    return
  }
  if (process.env["CI"] === "true") {
    describe(name, () => {
      it("needs redis-server", () => {
        throw new Error(`CI=true: ${HOW_TO_INSTALL}`)
      })
    })
    return
  }
  if (!told) {
    told = true
    console.log(`Skipping the Redis tests: ${HOW_TO_INSTALL}`)
  }
  describe.skip(name, body)
}

export interface RedisServer {
  readonly host: "127.0.0.1"
  readonly port: number
  /** SIGKILL, as a crash: no reply to anything from now on. Resolves once it has exited. */
  readonly kill: () => Effect.Effect<void>
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })

const exited = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())))

/** Starts redis-server, resolving when it accepts connections (its own "Ready" line). */
const start = (dir: string, port: number): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn("redis-server", [
      "--port", String(port),
      "--bind", "127.0.0.1",
      "--dir", dir,
      "--save", "",
      "--appendonly", "no",
      "--protected-mode", "yes"
    ], { stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk
      if (output.includes("Ready to accept connections")) resolve(child)
    })
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)))
  })

export const make: Effect.Effect<RedisServer, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(async () => {
    const dir = mkdtempSync(join(tmpdir(), "kaizen-redis-"))
    // Another process may take the probed port first: try a few.
    for (let attempt = 1; ; attempt++) {
      try {
        const port = await freePort()
        return { dir, port, child: await start(dir, port) }
      } catch (error) {
        if (attempt === 5) throw error
      }
    }
  }),
  ({ child, dir }) =>
    Effect.promise(async () => {
      child.kill("SIGKILL")
      await exited(child)
      rmSync(dir, { recursive: true, force: true })
    })
).pipe(Effect.map(({ child, port }) => ({
  host: "127.0.0.1" as const,
  port,
  kill: () =>
    Effect.promise(() => {
      child.kill("SIGKILL")
      return exited(child)
    })
})))

/** The few commands the tests send Redis themselves, typed here so the tests check without ioredis. */
export interface Admin {
  keys(pattern: string): Promise<Array<string>>
  get(key: string): Promise<string | null>
  config(...args: Array<string>): Promise<unknown>
  info(section: string): Promise<string>
  client(...args: Array<string>): Promise<unknown>
}

// A specifier in a variable: ioredis is loaded only by the suites that run (see `installed`).
const IOREDIS: string = "ioredis"

/** A connection of the test's own to the Redis on `port`, closed with the scope. */
export const admin = (port: number): Effect.Effect<Admin, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const { Redis } = (await import(IOREDIS)) as {
        Redis: new(options: object) => Admin & { connect(): Promise<void>; disconnect(): void }
      }
      const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true })
      await client.connect()
      return client
    }),
    (client) => Effect.sync(() => client.disconnect())
  )
