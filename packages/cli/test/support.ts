/**
 * Running the built `kaizen` bin (`packages/cli/dist/main.js`, built by the global setup) as a
 * subprocess, as a user's shell does, or the same command in-process; and the small servers
 * the CLI tests talk to.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { ConfigProvider, Effect } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { run } from "../src/run.js"
import { CurrentStreams, type Streams } from "../src/terminal.js"

/** The repository's root: the commands run there, as the README's do. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..")
export const bin = join(root, "packages", "cli", "dist", "main.js")
export const examplePrompt = join(root, "examples", "prompt.json")

/**
 * The time limit of a test that starts Node processes: each start costs about a second of CPU,
 * several on a busy 2-core machine, so such tests get more than the default 30 s.
 */
export const PROCESS_TIMEOUT = 120_000

/** How a run of the bin ended. */
export interface Run {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export interface RunOptions {
  /** Written to standard input, which is then closed. Left out: standard input is empty. */
  readonly stdin?: string
  /** Added to the cleaned environment. */
  readonly env?: Readonly<Record<string, string>>
  readonly cwd?: string
}

/**
 * The test process's environment without anything that would change where the CLI connects
 * or how it prints: no KAIZEN_* variables and no provider keys (*_API_KEY: a developer's own
 * keys never reach a test), no proxies, no NO_COLOR.
 */
export const cleanEnv = (extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith("KAIZEN_") || name.endsWith("_API_KEY") || name === "NO_COLOR") continue
    if (/^(https?|no|all)_proxy$/i.test(name)) continue
    env[name] = value
  }
  return { ...env, ...extra }
}

const collect = (child: ChildProcess, stdin: string | undefined): Promise<Run> =>
  new Promise((resolvePromise, reject) => {
    let stdout = ""
    let stderr = ""
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr }))
    child.stdin!.on("error", () => undefined)
    child.stdin!.end(stdin ?? "")
  })

/** Runs `kaizen ...args` to completion. */
export const kaizen = (args: ReadonlyArray<string>, options: RunOptions = {}): Promise<Run> =>
  collect(
    spawn(process.execPath, [bin, ...args], { cwd: options.cwd ?? root, env: cleanEnv(options.env) }),
    options.stdin
  )

/** Runs a shell command line in which `kaizen` is the built bin (`$KAIZEN` in a nested shell). */
export const shell = (commandLine: string, options: RunOptions = {}): Promise<Run> =>
  collect(
    spawn("/bin/sh", ["-c", `kaizen() { "$TEST_NODE" "$TEST_BIN" "$@"; }; ${commandLine}`], {
      cwd: options.cwd ?? root,
      env: cleanEnv({ ...options.env, TEST_NODE: process.execPath, TEST_BIN: bin })
    }),
    options.stdin
  )

/** A fresh temporary folder, and its removal. */
export const tempDir = (): { readonly path: string; readonly remove: () => void } => {
  const path = mkdtempSync(join(tmpdir(), "kaizen-cli-"))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/** A running `kaizen serve`, with the URL it printed. */
export interface Served {
  readonly url: string
  readonly child: ChildProcess
  /** Signals the server and waits for it to end. */
  readonly stop: (signal?: NodeJS.Signals) => Promise<Run>
}

/** Starts `kaizen serve ...args` and resolves once it has printed where it listens. */
export const serve = (args: ReadonlyArray<string> = []): Promise<Served> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, "serve", "--port", "0", ...args], { cwd: root, env: cleanEnv() })
    const ended = collect(child, undefined)
    let seen = ""
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("utf8")
      const url = /listening on (http:\/\/\S+)/.exec(seen)?.[1]
      if (url === undefined) return
      child.stdout!.off("data", onData)
      resolvePromise({
        url,
        child,
        stop: (signal = "SIGTERM") => {
          child.kill(signal)
          return ended
        }
      })
    }
    child.stdout!.on("data", onData)
    void ended.then((run) => reject(new Error(`kaizen serve ended before listening: ${JSON.stringify(run)}`)))
  })

/** A stand-in API: answers every request with `answer`, and remembers what it received. */
export interface FakeApi {
  readonly url: string
  readonly requests: Array<{ readonly path: string; readonly headers: http.IncomingHttpHeaders; readonly body: string }>
  readonly close: () => Promise<void>
}

export type Answer = (request: { readonly path: string; readonly headers: http.IncomingHttpHeaders; readonly body: string }) => {
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
} | "hang"

export const fakeApi = (answer: Answer): Promise<FakeApi> =>
  new Promise((resolvePromise) => {
    const requests: FakeApi["requests"] = []
    const server = http.createServer((req, res) => {
      let body = ""
      req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk))
      req.on("end", () => {
        const request = { path: req.url ?? "", headers: req.headers, body }
        requests.push(request)
        const reply = answer(request)
        if (reply === "hang") return
        res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers })
        res.end(JSON.stringify(reply.body))
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resolvePromise({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })

/**
 * Runs `kaizen ...args` in this process, on captured streams: the same command (`run.ts`) the
 * bin runs, without starting a Node process. For the tests where spawning adds nothing (what
 * a flag maps to, how a failure is told); the tests of how the bin behaves as a process (pipes,
 * a terminal, signals, exit codes) spawn it.
 */
export const inProcess = async (args: ReadonlyArray<string>, options: Omit<RunOptions, "cwd"> = {}): Promise<Run> => {
  let stdout = ""
  let stderr = ""
  const env: Record<string, string> = { ...options.env }
  const streams: Streams = {
    write: (stream, text) =>
      Effect.sync(() => {
        if (stream === "stdout") stdout += text
        else stderr += text
      }),
    isTTY: () => false,
    readStdin: Effect.succeed(options.stdin ?? ""),
    env
  }
  const code = await Effect.runPromise(
    run(["node", "kaizen", ...args]).pipe(
      Effect.provide(NodeContext.layer),
      Effect.provideService(CurrentStreams, streams),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
    )
  )
  return { code, signal: null, stdout, stderr }
}
