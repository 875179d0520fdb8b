/**
 * HTTP/1.1 on a raw `node:net` socket, for what well-behaved clients never do to a server:
 * headers that stop halfway, a body that never arrives, an upload that goes on after the
 * answer. Also, from the server's side, its open sockets and every log entry it writes, so a
 * test can assert that nothing was left open and nothing failed unseen.
 */
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { Cause, Effect, Logger, LogLevel } from "effect"
import type { Server } from "node:http"
import * as net from "node:net"
import * as Signals from "./signals.js"

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

/** The sockets a server has open and the requests it has parsed, with waits on both. */
export const trackSockets = (server: Server) => {
  const open = new Set<net.Socket>()
  let requests = 0
  const signals = Signals.make("server", () => `${open.size} sockets open, ${requests} requests`)
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
    allClosed: signals.waitUntil("all sockets closed", () => open.size === 0, "10 seconds"),
    /** Resumes once the server has parsed the headers of `count` requests in all. */
    requests: (count: number) => signals.waitUntil(`${count} requests parsed`, () => requests >= count, "10 seconds")
  }
}

/** A log entry that reports a failure: a defect, or anything at level Warning or above. */
export interface Failure {
  readonly level: string
  readonly message: unknown
  readonly cause: string
}

/**
 * Records every log entry that reports a defect (at any level) or anything at Warning or above.
 * Wrap the effect that starts the server in `provide`, so its request fibers log here too.
 *
 * Not failures: every fiber that ends in a typed failure logs it at Debug, including forked
 * fibers whose failure their parent handles (the server's own fibers cannot fail with a typed
 * error); and a request interrupted because its client hung up ends, by the platform's design,
 * with its would-be response as a `Die` value (`HttpServerError.causeResponse`).
 */
export const failureLog = () => {
  const failures: Array<Failure> = []
  const logger = Logger.make(({ cause, logLevel, message }) => {
    const defects = [...Cause.defects(cause)].filter((d) => !HttpServerResponse.isServerResponse(d))
    if (defects.length > 0 || LogLevel.greaterThanEqual(logLevel, LogLevel.Warning)) {
      failures.push({ level: logLevel.label, message, cause: Cause.pretty(cause) })
    }
  })
  return {
    failures,
    provide: <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      effect.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)), Logger.withMinimumLogLevel(LogLevel.All))
  }
}
