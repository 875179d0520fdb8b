/**
 * A 1xx the client never asked for (it sends no `Expect` and no `Upgrade`), from a raw loopback
 * server: `InvalidResponse` after exactly one attempt, however the retry policy is set, and the
 * connection closed. undici fails a `100 Continue` itself (a socket error) and hands other 1xx to
 * the handler; both paths are covered.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Scope } from "effect"
import type { AddressInfo } from "node:net"
import * as net from "node:net"
import { KaizenRetry } from "../../src/index.js"
import type { KaizenClient } from "../../src/index.js"
import { withNodeClient } from "../support/clients.js"
import { failOnUnhandledRejections, failureOf } from "../support/realClient.js"

failOnUnhandledRejections()

const okBody = JSON.stringify({ operation: "compress", status: "success", result: "a: 1" })
const final200 = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${okBody.length}\r\n\r\n${okBody}`

interface RawServer {
  readonly url: string
  /** Requests whose headers and body arrived whole, one per attempt. */
  readonly attempts: () => number
}

/**
 * Answers every request, once it is in whole, with `reply` verbatim (and then nothing, the
 * socket left open: only the client closes it).
 */
const rawServer = (reply: string): Effect.Effect<RawServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ server: net.Server; sockets: Set<net.Socket>; state: RawServer }>((resume) => {
      let attempts = 0
      const sockets = new Set<net.Socket>()
      const server = net.createServer((socket) => {
        sockets.add(socket)
        socket.on("close", () => sockets.delete(socket))
        socket.on("error", () => {})
        let received = Buffer.alloc(0)
        socket.on("data", (chunk: Buffer) => {
          received = Buffer.concat([received, chunk])
          const end = received.indexOf("\r\n\r\n")
          if (end < 0) return
          const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(received.subarray(0, end).toString("latin1"))?.[1] ?? 0)
          if (received.length < end + 4 + length) return
          received = received.subarray(end + 4 + length)
          attempts++
          socket.write(reply)
        })
      })
      server.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({
          server,
          sockets,
          state: {
            url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
            attempts: () => attempts
          }
        })))
    }),
    ({ server, sockets }) =>
      Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
        for (const socket of sockets) socket.destroy()
      })
  ).pipe(Effect.map(({ state }) => state))

const compress = (kaizen: KaizenClient.Service) => kaizen.compress({ data: { a: 1 } })

// Two retries allowed: a deterministic failure must not use them.
const options = { timeout: "30 seconds", retry: KaizenRetry.policy({ maxRetries: 2, base: "10 millis" }) } as const

const interim = [
  ["100 Continue (undici fails it itself)", "HTTP/1.1 100 Continue\r\n\r\n", "100 Continue"],
  ["103 Early Hints, then a 200", `HTTP/1.1 103 Early Hints\r\nlink: </a>; rel=preload\r\n\r\n${final200}`, "103"],
  ["102 Processing, then nothing", "HTTP/1.1 102 Processing\r\n\r\n", "102"],
  ["101 without an upgrade header", "HTTP/1.1 101 Switching Protocols\r\n\r\n", "101"]
] as const

describe("an unsolicited 1xx", () => {
  for (const [what, reply, shown] of interim) {
    it.scopedLive(`${what}: InvalidResponse after exactly one attempt`, () =>
      Effect.gen(function*() {
        const server = yield* rawServer(reply)
        const error = yield* withNodeClient({ baseUrl: server.url, ...options }, (kaizen) => failureOf(compress(kaizen)))

        expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "InvalidResponse" })
        expect(error.message).toContain(`answered ${shown}`)
        expect(error.message).toContain("1xx")
        expect(server.attempts()).toBe(1)
      }))
  }

  it.scopedLive("the same server with a plain 200: one attempt, success (the server is not the cause)", () =>
    Effect.gen(function*() {
      const server = yield* rawServer(final200)
      const response = yield* withNodeClient({ baseUrl: server.url, ...options }, compress)

      expect(response.result).toBe("a: 1")
      expect(server.attempts()).toBe(1)
    }))
})
