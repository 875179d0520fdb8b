/**
 * A loopback HTTP(S) server that misbehaves on cue, for the real-socket suites.
 *
 * Each request takes the next behaviour from a script (then the fallback), and the server
 * records what it saw from its own side of the socket: arrival times, headers, bodies, how many
 * connections were opened and are still open, how many requests were in flight at once, and
 * whether the client hung up before the response was complete. Waiting is event-driven
 * (`waitUntil` re-checks a condition on every server event), never a fixed sleep.
 *
 * It is scoped: the release closes every connection and the listener, so a test cannot leak it.
 */
import { Effect } from "effect"
import type { Duration, Scope } from "effect"
import * as http from "node:http"
import * as https from "node:https"
import type { AddressInfo, Socket } from "node:net"
import { performance } from "node:perf_hooks"
import * as Signals from "./signals.js"

/** What the server does with one request. */
export type Behaviour =
  /** A complete response, after `delayMs` (a slow endpoint) if given. */
  | {
    readonly _tag: "Reply"
    readonly status: number
    readonly headers: Readonly<Record<string, string>>
    readonly body: string
    readonly delayMs: number
  }
  /** Destroy the socket before any byte of the response (ECONNRESET / "other side closed"). */
  | { readonly _tag: "ResetBeforeHeaders" }
  /** Headers announcing the whole body, then only its first `sent` bytes, then destroy the socket. */
  | { readonly _tag: "CutBody"; readonly body: string; readonly sent: number }
  /** Read the request and never answer. */
  | { readonly _tag: "Hang" }
  /** Headers and the first `sent` bytes of the body, then nothing more. */
  | { readonly _tag: "StallBody"; readonly body: string; readonly sent: number }

/** A valid envelope for every encode route (`result` is a KTOF string). */
export const okBody = JSON.stringify({ operation: "compress", status: "success", result: "a: 1" })

export const reply = (
  status: number,
  body: string = okBody,
  headers: Readonly<Record<string, string>> = {}
): Extract<Behaviour, { readonly _tag: "Reply" }> => ({
  _tag: "Reply",
  status,
  headers: { "content-type": "application/json", ...headers },
  body,
  delayMs: 0
})

export const ok: Behaviour = reply(200)
export const empty200: Behaviour = reply(200, "")
/** A slow endpoint: the usual success, after `delayMs`. */
export const slow = (delayMs: number): Behaviour => ({ ...reply(200), delayMs })
export const resetBeforeHeaders: Behaviour = { _tag: "ResetBeforeHeaders" }
export const cutBody = (body: string = okBody, sent = 10): Behaviour => ({ _tag: "CutBody", body, sent })
export const hang: Behaviour = { _tag: "Hang" }
export const stallBody = (body: string = okBody, sent = 10): Behaviour => ({ _tag: "StallBody", body, sent })

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly index: number
  readonly method: string
  readonly path: string
  readonly headers: http.IncomingHttpHeaders
  readonly requestId: string | undefined
  readonly body: string
  /** `performance.now()` when the request's headers arrived. */
  readonly arrivedAt: number
  /** `Date.now()` at the same moment, for comparisons with HTTP dates. */
  readonly arrivedAtWall: number
  readonly behaviour: Behaviour["_tag"]
  /** The response was written in full. */
  readonly completed: boolean
  /** The client closed the connection before the response was complete. */
  readonly clientClosed: boolean
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export interface FaultServer {
  /** `http(s)://127.0.0.1:<port>` (or the `host` it listens on) */
  readonly url: string
  readonly port: number
  readonly requests: ReadonlyArray<RecordedRequest>
  /** TCP connections accepted so far. */
  readonly socketsOpened: () => number
  /** TCP connections not yet closed. */
  readonly socketsOpen: () => number
  /** The most requests in flight at any one time. */
  readonly maxInFlight: () => number
  /** Resumes as soon as a condition on the server's state holds (see `Signals.waitUntil`). */
  readonly waitUntil: Signals.Signals["waitUntil"]
  /** `waitUntil` the server has no open connection left. */
  readonly awaitNoOpenSockets: (within?: Duration.DurationInput) => Effect.Effect<void>
}

export interface Options {
  /** Behaviours for the first requests, in order. */
  readonly script?: ReadonlyArray<Behaviour>
  /** What every request gets once the script is used up (default `ok`). */
  readonly fallback?: Behaviour
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string }
  /** The loopback address to listen on (default 127.0.0.1; any 127.x.y.z is this machine). */
  readonly host?: string
}

export const make = (options: Options = {}): Effect.Effect<FaultServer, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.async<Running>((resume) => {
        const running = start(options)
        running.server.listen(0, options.host ?? "127.0.0.1", () => resume(Effect.succeed(running)))
      }),
      (running) => running.close
    ),
    (running) => running.api
  )

interface Running {
  readonly server: http.Server
  readonly api: FaultServer
  readonly close: Effect.Effect<void>
}

const start = (options: Options): Running => {
  const queue: Array<Behaviour> = [...(options.script ?? [])]
  const fallback = options.fallback ?? ok
  const requests: Array<Mutable<RecordedRequest>> = []
  const open = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let opened = 0
  let inFlight = 0
  let maxInFlight = 0
  const { notify, waitUntil } = Signals.make(
    "fault server",
    () => `requests ${requests.length}, sockets open ${open.size} of ${opened} opened, in flight ${inFlight}`
  )

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const arrivedAt = performance.now()
    const arrivedAtWall = Date.now()
    const behaviour = queue.shift() ?? fallback
    const requestId = req.headers["x-request-id"]
    const record: Mutable<RecordedRequest> = {
      index: requests.length,
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      requestId: typeof requestId === "string" ? requestId : undefined,
      body: "",
      arrivedAt,
      arrivedAtWall,
      behaviour: behaviour._tag,
      completed: false,
      clientClosed: false
    }
    requests.push(record)
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    // Set when this server cuts the connection itself, so it is not mistaken for the client hanging up.
    let cutByServer = false
    // A request stops being in flight when its response is fully written (`finish`) or its
    // connection goes (`close`), whichever comes first.
    let settled = false
    const settle = () => {
      if (settled) return
      settled = true
      inFlight--
      notify()
    }
    res.on("finish", () => {
      record.completed = true
      settle()
    })
    res.on("close", () => {
      if (!res.writableFinished && !cutByServer) record.clientClosed = true
      settle()
      notify()
    })
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("error", () => {
      // The client went away mid-upload; the `close` handler above records it.
    })
    req.on("end", () => {
      record.body = Buffer.concat(chunks).toString("utf8")
      switch (behaviour._tag) {
        case "Reply": {
          const send = () => {
            if (res.destroyed) return
            res.writeHead(behaviour.status, {
              // Tells the client it may keep the connection for 10 minutes, so an idle socket is
              // closed by the client closing its pool, not by undici's default 4 s idle timer.
              "keep-alive": "timeout=600",
              ...behaviour.headers,
              "content-length": Buffer.byteLength(behaviour.body)
            })
            res.end(behaviour.body)
          }
          if (behaviour.delayMs <= 0) return send()
          const timer = setTimeout(() => {
            timers.delete(timer)
            send()
          }, behaviour.delayMs)
          timers.add(timer)
          return
        }
        case "ResetBeforeHeaders":
          cutByServer = true
          req.socket.destroy()
          return
        case "CutBody":
        case "StallBody": {
          const bytes = Buffer.from(behaviour.body)
          res.writeHead(200, { "content-type": "application/json", "content-length": bytes.length })
          // The write callback runs once the partial body is handed to the socket, so the client
          // has the headers and part of the body before the cut.
          res.write(bytes.subarray(0, behaviour.sent), () => {
            if (behaviour._tag === "CutBody") {
              cutByServer = true
              req.socket.destroy()
            }
          })
          return
        }
        case "Hang":
          return
      }
    })
    notify()
  }

  const server: http.Server = options.tls === undefined
    ? http.createServer(handle)
    : https.createServer({ key: options.tls.key, cert: options.tls.cert }, handle)
  // Keep-alive sockets must stay open until the client closes them: that is what is measured.
  server.keepAliveTimeout = 0
  server.headersTimeout = 0
  server.requestTimeout = 0
  server.on("connection", (socket: Socket) => {
    opened++
    open.add(socket)
    socket.on("close", () => {
      open.delete(socket)
      notify()
    })
    notify()
  })

  const port = () => (server.address() as AddressInfo).port

  const api: FaultServer = {
    get url() {
      return `${options.tls === undefined ? "http" : "https"}://${options.host ?? "127.0.0.1"}:${port()}`
    },
    get port() {
      return port()
    },
    requests,
    socketsOpened: () => opened,
    socketsOpen: () => open.size,
    maxInFlight: () => maxInFlight,
    waitUntil,
    awaitNoOpenSockets: (within) => waitUntil("down to 0 open sockets", () => open.size === 0, within)
  }

  const close = Effect.async<void>((resume) => {
    for (const timer of timers) clearTimeout(timer)
    timers.clear()
    server.closeAllConnections()
    for (const socket of open) socket.destroy()
    server.close(() => resume(Effect.void))
  })

  return { server, api, close }
}

/**
 * A loopback port with nothing listening: bound, noted, then closed. (Another process could take
 * it in between; on a test machine that is vanishingly rare.)
 */
export const closedPort: Effect.Effect<number> = Effect.async<number>((resume) => {
  const server = http.createServer()
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo
    server.close(() => resume(Effect.succeed(port)))
  })
})
