/**
 * HTTP/1.1 on a raw `node:net` socket, for what well-behaved clients never do to a server:
 * headers that stop halfway, a body that never arrives, an upload that goes on after the
 * answer (the Effect 3 line's test/support/rawHttp.ts). Also, from the server's side, its open
 * sockets and the log entries that report a failure, so a test can assert that nothing was
 * left open and nothing failed unseen.
 */
import { afterAll, afterEach, beforeAll, expect } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as References from "effect/References"
import type { Server } from "node:http"
import * as net from "node:net"

/** A response as the client read it. */
export interface RawResponse {
  readonly status: number
  /** Names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** How the connection ended, from the client's side. */
export interface Ending {
  /** The first response, if one arrived whole. */
  readonly response: RawResponse | undefined
  /** The code of a socket error (`EPIPE`, `ECONNRESET`), if there was one. */
  readonly error: string | undefined
  /** Whether the server closed its side cleanly (a FIN), rather than by a reset. */
  readonly endedByServer: boolean
}

const parse = (bytes: Buffer, complete: boolean): RawResponse | undefined => {
  const end = bytes.indexOf("\r\n\r\n")
  if (end < 0) return undefined
  const [statusLine = "", ...lines] = bytes.subarray(0, end).toString("latin1").split("\r\n")
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(":")
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const body = bytes.subarray(end + 4)
  const length = headers["content-length"] === undefined ? undefined : Number(headers["content-length"])
  if (length === undefined ? !complete : body.length < length) return undefined
  return { status: Number(statusLine.split(" ")[1]), headers, body: body.subarray(0, length).toString("utf8") }
}

/** One client connection. */
export interface RawConnection {
  /**
   * Writes `data` in 64 KiB pieces, each once the socket has room: a client uploading as fast as
   * the server reads. Stops early if the socket closes.
   */
  readonly send: (data: string | Uint8Array) => Promise<void>
  /** Resolves with the first response once it is in whole (or the connection ended without one). */
  readonly response: Promise<RawResponse | undefined>
  /** Whether the first response is in whole, now. */
  readonly answered: () => boolean
  /** Resolves once the socket has closed. */
  readonly ended: Promise<Ending>
  /** Hangs up at once (a reset if data is still unread), as a client that crashed. */
  readonly abort: () => void
}

/** Connects to `127.0.0.1:port`. */
export const connect = (port: number): Promise<RawConnection> =>
  new Promise((resolveOpen, rejectOpen) => {
    const socket = net.connect(port, "127.0.0.1")
    let received = Buffer.alloc(0)
    let error: string | undefined
    let endedByServer = false
    let answered = false
    let settle!: (response: RawResponse | undefined) => void
    const response = new Promise<RawResponse | undefined>((resolve) => settle = resolve)
    const resolveResponse = (whole: RawResponse | undefined) => {
      answered ||= whole !== undefined
      settle(whole)
    }
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const whole = parse(received, false)
      if (whole !== undefined) resolveResponse(whole)
    })
    socket.on("end", () => endedByServer = true)
    socket.on("error", (e: NodeJS.ErrnoException) => error ??= e.code ?? e.message)
    const ended = new Promise<Ending>((resolve) =>
      socket.on("close", () => {
        const whole = parse(received, true)
        resolveResponse(whole)
        resolve({ response: whole, error, endedByServer })
      })
    )
    const send = async (data: string | Uint8Array) => {
      const bytes = typeof data === "string" ? Buffer.from(data, "latin1") : Buffer.from(data)
      for (let offset = 0; offset < bytes.length && !socket.destroyed; offset += 64 * 1024) {
        if (!socket.write(bytes.subarray(offset, offset + 64 * 1024))) {
          await new Promise<void>((resolve) => {
            const done = () => {
              socket.off("drain", done).off("close", done)
              resolve()
            }
            socket.on("drain", done).on("close", done)
          })
        }
      }
    }
    socket.once("connect", () => resolveOpen({ send, response, answered: () => answered, ended, abort: () => socket.resetAndDestroy() }))
    socket.once("error", rejectOpen)
  })

/**
 * Resumes once `done()` holds, checked on every `notify`; fails after `within` ms with `what`
 * and `state()`, so a broken server fails its test with a message instead of hanging it. No
 * test asserts on this time: it only bounds a wait for an event that should come.
 */
const waiter = (state: () => string) => {
  const waiting = new Set<() => void>()
  return {
    notify: () => {
      for (const check of [...waiting]) check()
    },
    waitUntil: (what: string, done: () => boolean, within = 10_000) =>
      Effect.callback<void>((resume) => {
        if (done()) return resume(Effect.void)
        const check = () => {
          if (!done()) return
          waiting.delete(check)
          clearTimeout(timer)
          resume(Effect.void)
        }
        const timer = setTimeout(() => {
          waiting.delete(check)
          resume(Effect.die(new Error(`server: not ${what} within ${within} ms (${state()})`)))
        }, within)
        waiting.add(check)
        return Effect.sync(() => {
          waiting.delete(check)
          clearTimeout(timer)
        })
      })
  }
}

/** The sockets a server has open and the requests it has parsed, with waits on both. */
export const trackSockets = (server: Server) => {
  const open = new Set<net.Socket>()
  let requests = 0
  const signals = waiter(() => `${open.size} sockets open, ${requests} requests`)
  server.on("request", () => {
    requests++
    signals.notify()
  })
  server.on("connection", (socket: net.Socket) => {
    open.add(socket)
    signals.notify()
    socket.on("close", () => {
      open.delete(socket)
      signals.notify()
    })
  })
  return {
    open: () => open.size,
    /** Resumes once every socket the server accepted has closed (dies if one is left open). */
    allClosed: signals.waitUntil("all sockets closed", () => open.size === 0),
    /** Resumes once the server has parsed the headers of `count` requests in all. */
    requests: (count: number) => signals.waitUntil(`${count} requests parsed`, () => requests >= count)
  }
}

/** A log entry that reports a failure: a defect, or anything at level Warn or above. */
export interface Failure {
  readonly level: string
  readonly message: unknown
  readonly cause: string
}

/**
 * Records every log entry that reports a defect (at any level) or anything at Warn or above.
 * Wrap the effect that starts the server in `provide`, so its request fibers log here too.
 */
export const failureLog = () => {
  const failures: Array<Failure> = []
  const logger = Logger.make(({ cause, logLevel, message }) => {
    if (Cause.hasDies(cause) || LogLevel.isGreaterThanOrEqualTo(logLevel, "Warn")) {
      failures.push({ level: logLevel, message, cause: Cause.pretty(cause) })
    }
  })
  return {
    failures,
    provide: <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      effect.pipe(Effect.provide(Logger.layer([logger])), Effect.provideService(References.MinimumLogLevel, "All"))
  }
}

/** Fails the test during which the process saw an unhandled promise rejection. */
export const failOnUnhandledRejections = (): void => {
  const seen: Array<unknown> = []
  const record = (reason: unknown) => {
    seen.push(reason)
  }
  beforeAll(() => {
    process.on("unhandledRejection", record)
  })
  afterAll(() => {
    process.off("unhandledRejection", record)
  })
  afterEach(() => {
    expect(seen.splice(0), "unhandled promise rejections").toEqual([])
  })
}
