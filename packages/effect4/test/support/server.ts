/**
 * A real HTTP server on 127.0.0.1 that a test starts and scripts: each request is recorded and
 * answered by the test's handler, by default the engine's own handler (the service's answers).
 */
import { makeHandler } from "@kaizen-effect/engine"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

export interface Recorded {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

export type Handler = (request: Recorded, response: ServerResponse, index: number) => void | Promise<void>

export interface TestServer {
  readonly url: string
  readonly requests: Array<Recorded>
  /** Sockets ever accepted. */
  readonly sockets: () => number
  /** Sockets open now. */
  readonly open: () => number
  /** Resolves once at least `n` sockets have closed. */
  readonly closed: (n: number) => Promise<void>
}

const engine = makeHandler({})

/** The engine's answer, as the service would send it. */
export const engineHandler: Handler = async (request, response) => {
  const answer = await engine({ method: request.method, path: request.path, body: request.body })
  response.writeHead(answer.status, answer.headers)
  response.end(answer.body)
}

export const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { "content-type": "application/json", ...headers })
  response.end(JSON.stringify(body))
}

/** A server for the scope: closed (every socket with it) when the scope closes. */
export const serve = (handler: Handler = engineHandler): Effect.Effect<TestServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() =>
      new Promise<TestServer & { close: () => Promise<void> }>((resolve) => {
        const requests: Array<Recorded> = []
        const server = createServer((req, res) => {
          const chunks: Array<Buffer> = []
          req.on("data", (chunk: Buffer) => chunks.push(chunk))
          req.on("end", () => {
            const recorded: Recorded = {
              method: req.method ?? "GET",
              path: req.url ?? "/",
              headers: req.headers,
              body: Buffer.concat(chunks).toString("utf8")
            }
            requests.push(recorded)
            Promise.resolve(handler(recorded, res, requests.length - 1)).catch((error) => {
              res.writeHead(500)
              res.end(String(error))
            })
          })
        })
        let accepted = 0
        let closed = 0
        const waiting: Array<{ n: number; resolve: () => void }> = []
        server.on("connection", (socket) => {
          accepted++
          socket.on("close", () => {
            closed++
            for (const w of waiting.filter((w) => closed >= w.n)) w.resolve()
          })
        })
        server.listen(0, "127.0.0.1", () => {
          const { port } = server.address() as AddressInfo
          resolve({
            url: `http://127.0.0.1:${port}`,
            requests,
            sockets: () => accepted,
            open: () => accepted - closed,
            closed: (n) => closed >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve })),
            close: () =>
              new Promise<void>((done) => {
                server.closeAllConnections()
                server.close(() => done())
              })
          })
        })
      })
    ),
    (server) => Effect.promise(() => server.close())
  )
