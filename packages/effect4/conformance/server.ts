/**
 * A scripted HTTP server on 127.0.0.1 for the conformance suite (no Effect): each request is
 * recorded and answered by the scenario's script, or by the engine's own handler.
 */
import { makeHandler } from "@kaizen-effect/engine"
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"

export interface Recorded {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

export type Reply =
  | "engine"
  | {
    readonly status: number
    readonly headers?: Readonly<Record<string, string>>
    /** A string as is; anything else as JSON (with a JSON content type unless given). */
    readonly body?: unknown
    /** Never answer. */
    readonly hang?: true
    /** Send the headers and part of the body, then nothing more. */
    readonly stall?: true
    /** Send the headers, then destroy the socket. */
    readonly destroy?: true
  }

export type Script = (request: Recorded, index: number) => Reply

export interface Running {
  readonly url: string
  readonly requests: Array<Recorded>
  readonly close: () => Promise<void>
}

const engine = makeHandler({})

export const start = (script: Script): Promise<Running> =>
  new Promise((resolve) => {
    const requests: Array<Recorded> = []
    const server = createServer((req, res) => {
      const chunks: Array<Buffer> = []
      req.on("data", (chunk: Buffer) => chunks.push(chunk))
      req.on("end", async () => {
        const recorded: Recorded = {
          method: req.method ?? "GET",
          path: req.url ?? "/",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8")
        }
        requests.push(recorded)
        const reply = script(recorded, requests.length - 1)
        if (reply === "engine") {
          const answer = await engine({ method: recorded.method, path: recorded.path, body: recorded.body })
          res.writeHead(answer.status, answer.headers)
          res.end(answer.body)
          return
        }
        if (reply.hang) return
        const text = reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body)
        const headers: Record<string, string> = { ...reply.headers }
        if (reply.body !== undefined && typeof reply.body !== "string" && headers["content-type"] === undefined) {
          headers["content-type"] = "application/json"
        }
        if (reply.stall) {
          res.writeHead(reply.status, headers)
          res.write(text.slice(0, Math.max(1, Math.floor(text.length / 2))))
          return
        }
        if (reply.destroy) {
          res.writeHead(reply.status, { ...headers, "content-length": String(text.length + 100) })
          res.write(text)
          setImmediate(() => res.socket?.destroy())
          return
        }
        res.writeHead(reply.status, headers)
        res.end(text)
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })

/** A URL where nothing listens: a server started and closed. */
export const vanished = async (): Promise<string> => {
  const running = await start(() => "engine")
  await running.close()
  return running.url
}
