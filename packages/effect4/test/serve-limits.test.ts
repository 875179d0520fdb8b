/**
 * `KaizenLocal.serve` is bounded, seen from a raw socket (the Effect 3 line's
 * test/node/serve-limits.test.ts): headers and bodies that never arrive are answered 408, a
 * refused upload's answer is read by a client still sending, the bytes held across requests
 * are capped (503), and `Content-Encoding` is decoded within the size limit or refused (415).
 * After each test the server has no socket open and logged no failure, and the process saw no
 * unhandled rejection.
 *
 * Timeouts are short only in the tests about them, and those assert the status the client read,
 * never how long anything took.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import * as http from "node:http"
import { Readable } from "node:stream"
import * as zlib from "node:zlib"
import type { ServeOptions } from "../src/KaizenLocal.js"
import * as InFlight from "../src/local/inFlight.js"
import { bodyStream } from "../src/local/nodeBody.js"
import { gather } from "../src/local/requestBody.js"
import { makeNodeServer, serveOn } from "../src/local/server.js"
import { connect, failOnUnhandledRejections, failureLog, trackSockets } from "./support/rawHttp.js"
import type { Ending, RawConnection } from "./support/rawHttp.js"

failOnUnhandledRejections()

/** Runs `use` against a fresh server, then checks it has no socket open and logged no failure. */
const withServer = <A, E>(
  options: ServeOptions,
  use: (port: number, sockets: ReturnType<typeof trackSockets>) => Effect.Effect<A, E>
) =>
  Effect.scoped(Effect.gen(function*() {
    const node = makeNodeServer(options)
    const sockets = trackSockets(node)
    const log = failureLog()
    const address = yield* log.provide(serveOn(node, { ...options, port: 0 }))
    const result = yield* use(address.port, sockets)
    yield* sockets.allClosed
    expect(log.failures).toEqual([])
    return result
  }))

const open = (port: number) => Effect.promise(() => connect(port))
const promise = <A>(p: Promise<A>) => Effect.promise(() => p)

const head = (headers: Record<string, string | number>, path = "/v1/compress") =>
  [`POST ${path} HTTP/1.1`, "Host: 127.0.0.1", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), "", ""].join("\r\n")

/** A valid compress request of exactly `size` bytes. */
const compressBody = (size: number) => Buffer.from(`{"data":"${"x".repeat(size - 11)}"}`)

/** `body` sent whole with its length declared; the connection's ending. */
const exchange = (port: number, body: Uint8Array, headers: Record<string, string | number> = {}) =>
  Effect.gen(function*() {
    const connection = yield* open(port)
    yield* promise(connection.send(Buffer.concat([Buffer.from(head({ "content-length": body.byteLength, ...headers })), body])))
    return yield* promise(connection.ended)
  })

/** Asserts the client read `status`, then the server closed cleanly (no reset, no error). */
const expectAnsweredThenClosed = (ending: Ending, status: number) => {
  expect(ending.response?.status).toBe(status)
  expect(ending).toMatchObject({ error: undefined, endedByServer: true })
}

/** Sends a chunked body of `count` pieces of `size` bytes, then its last chunk. */
const sendChunked = (connection: RawConnection, count: number, size: number) =>
  Effect.gen(function*() {
    const piece = "x".repeat(size)
    for (let i = 0; i < count; i++) yield* promise(connection.send(`${size.toString(16)}\r\n${piece}\r\n`))
    yield* promise(connection.send("0\r\n\r\n"))
  })

const detail = (body: string | undefined) => (JSON.parse(body ?? "null") as { detail: unknown }).detail

const KiB = 1024

describe("KaizenLocal.serve: timeouts", () => {
  it.live("headers that never finish are answered 408 and the connection closes", () =>
    withServer({ headersTimeout: 100 }, (port) =>
      Effect.gen(function*() {
        const connection = yield* open(port)
        yield* promise(connection.send("POST /v1/compress HTTP/1.1\r\nHost: 127.0.0.1\r\n"))
        const ending = yield* promise(connection.ended)
        expectAnsweredThenClosed(ending, 408)
      })))

  it.live("a connection that never sends a byte is closed the same way", () =>
    withServer({ headersTimeout: 100 }, (port) =>
      Effect.gen(function*() {
        const ending = yield* promise((yield* open(port)).ended)
        expectAnsweredThenClosed(ending, 408)
      })))

  it.live("a declared body that never arrives is answered 408 and the connection closes", () =>
    withServer({ bodyTimeout: 100 }, (port) =>
      Effect.gen(function*() {
        const connection = yield* open(port)
        yield* promise(connection.send(head({ "content-length": 1000 }) + "{\"data\":"))
        const ending = yield* promise(connection.ended)
        expectAnsweredThenClosed(ending, 408)
        expect(ending.response?.headers.connection).toBe("close")
        expect(detail(ending.response?.body)).toBe("The request body did not arrive within 100ms")
      })))
})

describe("KaizenLocal.serve: closing", () => {
  // Unlike the Effect 3 line's server, which stops accepting and lets open requests finish.
  it.live("closing the scope while a body is still arriving ends that request and its connection, with no failure", () =>
    Effect.gen(function*() {
      const node = makeNodeServer({})
      const sockets = trackSockets(node)
      const log = failureLog()
      const scope = yield* Scope.make()
      const address = yield* Scope.provide(log.provide(serveOn(node, { port: 0 })), scope)
      const connection = yield* open(address.port)
      yield* promise(connection.send(head({ "content-length": 1000 }) + "{\"data\":"))
      yield* sockets.requests(1)
      yield* Scope.close(scope, Exit.void)
      const ending = yield* promise(connection.ended)
      expect(ending.response).toBeUndefined()
      yield* sockets.allClosed
      expect(node.listening).toBe(false)
      expect(log.failures).toEqual([])
    }))
})

describe("KaizenLocal.serve: a refused upload is answered before the connection closes", () => {
  const options = { maxBodyBytes: 64 * KiB }

  it.live("a refused upload that stalls is closed once the body timeout has passed, after its 413", () =>
    withServer({ ...options, bodyTimeout: 100 }, (port) =>
      Effect.gen(function*() {
        const connection = yield* open(port)
        // Only the headers: the server has nothing unread when it closes, whatever the machine's load.
        yield* promise(connection.send(head({ "content-length": 4 * 1024 * KiB })))
        const ending = yield* promise(connection.ended)
        expectAnsweredThenClosed(ending, 413)
      })))

  it.live("a client that hangs up mid-body, or after its 413, leaves no socket and no failure behind", () =>
    withServer(options, (port) =>
      Effect.gen(function*() {
        const cases: ReadonlyArray<Record<string, string | number>> = [
          { "content-length": 32 * KiB },
          { "content-length": 32 * KiB, "content-encoding": "gzip" },
          { "content-length": 4 * 1024 * KiB }
        ]
        for (const headers of cases) {
          const connection = yield* open(port)
          yield* promise(connection.send(head(headers) + (headers["content-encoding"] ? "" : "{\"data\":\"xx")))
          if (headers["content-length"] === 4 * 1024 * KiB) yield* promise(connection.response)
          connection.abort()
          yield* promise(connection.ended)
        }
      })))

  it.live("a declared size over the limit: the client sends all of it, reads the 413, then the server closes", () =>
    withServer(options, (port) =>
      Effect.gen(function*() {
        const ending = yield* exchange(port, compressBody(4 * 1024 * KiB))
        expectAnsweredThenClosed(ending, 413)
        expect(ending.response?.headers.connection).toBe("close")
        expect(detail(ending.response?.body)).toBe("Request body too large: the limit is 65536 bytes")
      })))

  it.live("a chunked body that passes the limit mid-way is answered the same", () =>
    withServer(options, (port) =>
      Effect.gen(function*() {
        const connection = yield* open(port)
        yield* promise(connection.send(head({ "transfer-encoding": "chunked" })))
        yield* sendChunked(connection, 64, 16 * KiB)
        const ending = yield* promise(connection.ended)
        expectAnsweredThenClosed(ending, 413)
      })))

  it.live("node:http, as a plain client, gets the 413 and no error", () =>
    withServer(options, (port) =>
      Effect.gen(function*() {
        const outcome = yield* promise(
          new Promise<{ status: number | undefined; error: string | undefined }>((resolve) => {
            let status: number | undefined
            let error: string | undefined
            const request = http.request({ host: "127.0.0.1", port, method: "POST", path: "/v1/compress", agent: false })
            request.on("response", (response) => {
              status = response.statusCode
              response.resume()
            })
            request.on("error", (e: NodeJS.ErrnoException) => error ??= e.code ?? e.message)
            request.on("close", () => resolve({ status, error }))
            request.end(compressBody(4 * 1024 * KiB))
          })
        )
        expect(outcome).toEqual({ status: 413, error: undefined })
      })))
})

describe("KaizenLocal.serve: the bytes held across requests are capped", () => {
  const options = { maxBodyBytes: 64 * KiB, maxInFlightBytes: 100 * KiB }

  /** Resolves once `count` of `connections` have a response. */
  const answered = (connections: ReadonlyArray<RawConnection>, count: number) =>
    promise(
      new Promise<void>((resolve) => {
        let seen = 0
        for (const c of connections) void c.response.then(() => ++seen === count && resolve())
      })
    )

  it.live("declared bodies past the cap get 503 with Retry-After before they are sent; the rest are served", () =>
    withServer(options, (port) =>
      Effect.gen(function*() {
        const body = compressBody(40 * KiB)
        // Four clients announce 40 KiB each; 100 KiB holds two of them.
        const connections = yield* Effect.forEach([1, 2, 3, 4], () => open(port))
        for (const c of connections) yield* promise(c.send(head({ "content-length": body.byteLength, connection: "close" })))
        yield* answered(connections, 2)
        const refused: Array<RawConnection> = []
        const admitted: Array<RawConnection> = []
        for (const c of connections) (c.answered() ? refused : admitted).push(c)
        expect([refused.length, admitted.length]).toEqual([2, 2])
        // Every client then sends its body, as a plain client does whatever the answer.
        yield* Effect.forEach(connections, (c) => promise(c.send(body)), { concurrency: "unbounded" })
        for (const c of refused) {
          const response = yield* promise(c.response)
          expect(response?.status).toBe(503)
          expect(response?.headers["retry-after"]).toBe("1")
          expect(response?.headers.connection).toBe("close")
        }
        for (const c of admitted) expect((yield* promise(c.response))?.status).toBe(200)
        // The two admitted bodies gave their share back: a third fits now.
        const next = yield* open(port)
        yield* promise(next.send(Buffer.concat([Buffer.from(head({ "content-length": body.byteLength, connection: "close" })), body])))
        expect((yield* promise(next.response))?.status).toBe(200)
        for (const c of [...connections, next]) yield* promise(c.ended)
      })))

  it.live("a chunked body that grows past the cap is refused mid-way with 503", () =>
    withServer(options, (port, server) =>
      Effect.gen(function*() {
        // One client holds 60 KiB of the budget (announced, not yet sent), before the other starts.
        const holder = yield* open(port)
        const held = compressBody(60 * KiB)
        yield* promise(holder.send(head({ "content-length": held.byteLength, connection: "close" })))
        yield* server.requests(1)
        const chunked = yield* open(port)
        yield* promise(chunked.send(head({ "transfer-encoding": "chunked" })))
        yield* sendChunked(chunked, 7, 8 * KiB)
        const ending = yield* promise(chunked.ended)
        expectAnsweredThenClosed(ending, 503)
        yield* promise(holder.send(held))
        expect((yield* promise(holder.response))?.status).toBe(200)
        yield* promise(holder.ended)
      })))
})

describe("KaizenLocal.serve: what a body becomes once parsed is bounded", () => {
  // `[{},{},...]` of n objects under "data": n + 3 values (the body, the array, "data"'s value
  // is the array: body 1 + array 1 + n objects).
  const objects = (n: number) => Buffer.from(`{"data":[${Array(n).fill("{}").join(",")}]}`)

  it.live("a body holding more values than maxValues is 413; at the limit it is served exactly", () =>
    withServer({ maxValues: 1002 }, (port) =>
      Effect.gen(function*() {
        const at = yield* exchange(port, objects(1000), { connection: "close" })
        expect(at.response?.status).toBe(200)
        expect((JSON.parse(at.response!.body) as { result: string }).result.split("\n")).toHaveLength(1001)
        const over = yield* exchange(port, objects(1001), { connection: "close" })
        expect(over.response?.status).toBe(413)
        expect(detail(over.response?.body)).toBe("Request body too large: it holds more than 1002 JSON values (objects, arrays, strings, numbers)")
      })))
})

describe("KaizenLocal.serve: Content-Encoding", () => {
  const json = compressBody(2 * KiB)
  const encoders: Record<string, (b: Buffer) => Buffer> = {
    gzip: (b) => zlib.gzipSync(b),
    "x-gzip": (b) => zlib.gzipSync(b),
    deflate: (b) => zlib.deflateSync(b),
    br: (b) => zlib.brotliCompressSync(b)
  }

  it.live("gzip, deflate and br bodies are decoded: the same answer as the body sent as is", () =>
    withServer({}, (port) =>
      Effect.gen(function*() {
        const plain = yield* exchange(port, json, { connection: "close" })
        expect(plain.response?.status).toBe(200)
        for (const [coding, encode] of Object.entries(encoders)) {
          const ending = yield* exchange(port, encode(json), { "content-encoding": coding, connection: "close" })
          // Status and body: the Date header may differ by a second.
          expect({ coding, status: ending.response?.status, body: ending.response?.body })
            .toEqual({ coding, status: 200, body: plain.response?.body })
        }
        const identity = yield* exchange(port, json, { "content-encoding": "identity", connection: "close" })
        expect(identity.response?.body).toBe(plain.response?.body)
      })))

  it.live("a request without a body is answered whatever its Content-Encoding says", () =>
    withServer({}, (port) =>
      Effect.gen(function*() {
        const connection = yield* open(port)
        yield* promise(connection.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n"))
        const ending = yield* promise(connection.ended)
        expect(ending.response?.status).toBe(200)
        expect(JSON.parse(ending.response?.body ?? "null")).toMatchObject({ status: "ok" })
      })))

  it.live("any other coding, or two stacked, is refused with 415 naming what is accepted", () =>
    withServer({}, (port) =>
      Effect.gen(function*() {
        for (const coding of ["zstd", "compress", "gzip, br"]) {
          const ending = yield* exchange(port, json, { "content-encoding": coding })
          expectAnsweredThenClosed(ending, 415)
          expect(ending.response?.headers["accept-encoding"]).toBe("gzip, deflate, br")
          expect(detail(ending.response?.body)).toContain(JSON.stringify(coding))
        }
      })))

  it.live("the decoded size counts against the limit: at the limit served, one byte over 413", () =>
    withServer({ maxBodyBytes: 64 * KiB }, (port) =>
      Effect.gen(function*() {
        const at = yield* exchange(port, zlib.gzipSync(compressBody(64 * KiB)), { "content-encoding": "gzip", connection: "close" })
        expect(at.response?.status).toBe(200)
        const over = yield* exchange(port, zlib.gzipSync(compressBody(64 * KiB + 1)), { "content-encoding": "gzip" })
        expectAnsweredThenClosed(over, 413)
      })))

  it.live("a decompression bomb (1 MB of gzip, 1 GiB decoded) is answered 413", () =>
    withServer({ maxBodyBytes: 2 * 1024 * KiB }, (port) =>
      Effect.gen(function*() {
        const member = zlib.gzipSync(Buffer.alloc(1024 * KiB))
        const bomb = Buffer.concat(Array.from({ length: 1024 }, () => member))
        const ending = yield* exchange(port, bomb, { "content-encoding": "gzip" })
        expectAnsweredThenClosed(ending, 413)
      })))

  it.live("a body over the limit once decoded is 413 even while the in-flight budget is full, never 503", () =>
    withServer({ maxBodyBytes: 64 * KiB, maxInFlightBytes: 100 * KiB }, (port, server) =>
      Effect.gen(function*() {
        // One client holds 60 KiB of the budget (announced, not yet sent).
        const holder = yield* open(port)
        const held = compressBody(60 * KiB)
        yield* promise(holder.send(head({ "content-length": held.byteLength, connection: "close" })))
        yield* server.requests(1)
        // A gzip bomb passes the budget before it passes the limit: still 413, as it would be alone.
        const member = zlib.gzipSync(Buffer.alloc(1024 * KiB))
        const bomb = yield* exchange(port, Buffer.concat([member, member]), { "content-encoding": "gzip" })
        expectAnsweredThenClosed(bomb, 413)
        // Within the limit but past the budget: 503, once the body is in.
        const fits = yield* exchange(port, zlib.gzipSync(compressBody(50 * KiB)), { "content-encoding": "gzip" })
        expectAnsweredThenClosed(fits, 503)
        yield* promise(holder.send(held))
        expect((yield* promise(holder.response))?.status).toBe(200)
        yield* promise(holder.ended)
      })))

  it.live("Expect: 100-continue with a declared size over the limit is refused before 100 Continue", () =>
    withServer({ maxBodyBytes: 64 * KiB }, (port) =>
      Effect.gen(function*() {
        const refused = yield* open(port)
        yield* promise(refused.send(head({ "content-length": 20 * 1024 * KiB, expect: "100-continue" })))
        const ending = yield* promise(refused.ended)
        // The first (and only) status line the client read is the 413: no interim 100.
        expectAnsweredThenClosed(ending, 413)
        expect(detail(ending.response?.body)).toBe(`Request body too large: the limit is ${64 * KiB} bytes`)
        // Within the limit: 100 Continue, then the body, then the answer (node:http as the client).
        const body = compressBody(1 * KiB)
        const outcome = yield* promise(
          new Promise<{ continued: boolean; status: number | undefined }>((resolve, reject) => {
            let continued = false
            const request = http.request({
              host: "127.0.0.1",
              port,
              method: "POST",
              path: "/v1/compress",
              agent: false,
              headers: { "content-length": body.byteLength, expect: "100-continue" }
            })
            request.on("continue", () => {
              continued = true
              request.end(body)
            })
            request.on("response", (response) => {
              response.resume()
              response.on("end", () => resolve({ continued, status: response.statusCode }))
            })
            request.on("error", reject)
          })
        )
        expect(outcome).toEqual({ continued: true, status: 200 })
      })))

  it.live("a body that is not what its Content-Encoding says is answered 400", () =>
    withServer({}, (port) =>
      Effect.gen(function*() {
        const ending = yield* exchange(port, json, { "content-encoding": "gzip" })
        expectAnsweredThenClosed(ending, 400)
        expect(detail(ending.response?.body)).toBe("The request body is not valid gzip data, as its Content-Encoding says")
      })))

  it.live("decoding stops at the limit: a bomb's source is read only a little past it", () =>
    Effect.gen(function*() {
      const member = zlib.gzipSync(Buffer.alloc(1024 * KiB))
      let pulled = 0
      // Asynchronous, as a socket is: a synchronous source refills as fast as it is read.
      const source = Readable.from((async function*() {
        for (let i = 0; i < 10_000; i++) {
          yield await new Promise<Buffer>((resolve) => setImmediate(() => resolve(member)))
          pulled++
        }
      })())
      const budget = InFlight.make(1024 * 1024 * KiB)
      const result = yield* Effect.scoped(
        Effect.flatMap(budget.share, (share) =>
          Effect.result(gather(
            bodyStream(source, "gzip", 4 * 1024 * KiB),
            { maxBodyBytes: 4 * 1024 * KiB, timeout: Duration.infinity },
            share
          )))
      )
      expect(Result.isFailure(result) && result.failure._tag).toBe("BodyTooLarge")
      // 10,000 members would decode to 10 GiB; the read stopped after 4 MiB of them, plus buffering.
      expect(pulled).toBeLessThan(100)
      expect(budget.held()).toBe(0)
      source.destroy()
    }))
})
