/**
 * The engine over HTTP on Node (`node:http`), answering with the same handler as the in-process
 * client. A smaller server than the Effect 3 line's src/local/server.ts: a body is read up to
 * one byte past `maxBodyBytes` (the engine then answers 413 and the connection closes), headers
 * and bodies must arrive within their timeouts; content codings and the in-flight byte budget
 * are not ported. Loaded by `KaizenLocal.serve` only, so the package root imports no Node module.
 *
 * @internal
 */
import type * as Engine from "@kaizen-effect/engine"
import { DEFAULT_BODY_TIMEOUT_MS, DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT } from "@kaizen-effect/engine/defaults"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpServerError from "effect/http/HttpServerError"
import type * as Scope from "effect/Scope"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"

export interface ServeOptions {
  readonly maxBodyBytes?: number | undefined
  readonly port?: number | undefined
  readonly host?: string | undefined
  readonly headersTimeout?: Duration.Input | undefined
  readonly bodyTimeout?: Duration.Input | undefined
}

export interface Address {
  readonly hostname: string
  readonly port: number
  readonly url: string
}

const millisOf = (input: Duration.Input | undefined, fallback: number): number => {
  if (input === undefined) return fallback
  const millis = Duration.toMillis(input)
  // Node's 0 means "no timeout".
  return Number.isFinite(millis) ? Math.max(1, Math.round(millis)) : 0
}

const handlerOf = (handle: Engine.Handler, maxBodyBytes: number) => (server: Server) =>
  server.on("request", (req, res) => {
    const chunks: Array<Buffer> = []
    let size = 0
    let tooLarge = false
    req.on("data", (chunk: Buffer) => {
      if (tooLarge) return
      size += chunk.length
      chunks.push(chunk)
      // One byte past the limit is enough for the engine to answer 413; the rest is not read.
      if (size > maxBodyBytes) {
        tooLarge = true
        answer()
      }
    })
    req.on("end", () => {
      if (!tooLarge) answer()
    })
    let answered = false
    const answer = () => {
      if (answered) return
      answered = true
      const body = new Uint8Array(Buffer.concat(chunks, size))
      Promise.resolve(handle({ method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0]!, body })).then((out) => {
        res.writeHead(out.status, tooLarge ? { ...out.headers, connection: "close" } : out.headers)
        res.end(out.body, () => {
          if (tooLarge) req.socket.destroySoon()
        })
      })
    }
  })

export const serve = (options: ServeOptions = {}): Effect.Effect<Address, HttpServerError.ServeError, Scope.Scope> =>
  Effect.flatMap(Effect.promise(() => import("@kaizen-effect/engine")), (engine) => {
    const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
    const handle = engine.makeHandler({ maxBodyBytes })
    const headersTimeout = millisOf(options.headersTimeout, DEFAULT_HEADERS_TIMEOUT_MS)
    const bodyTimeout = millisOf(options.bodyTimeout, DEFAULT_BODY_TIMEOUT_MS)
    const host = options.host ?? "127.0.0.1"
    return Effect.acquireRelease(
      Effect.callback<Server, HttpServerError.ServeError>((resume) => {
        const server = createServer({
          headersTimeout,
          // Node's requestTimeout covers headers and body together.
          requestTimeout: headersTimeout === 0 || bodyTimeout === 0 ? 0 : headersTimeout + bodyTimeout
        })
        handlerOf(handle, maxBodyBytes)(server)
        server.once("error", (cause) => resume(Effect.fail(new HttpServerError.ServeError({ cause }))))
        server.listen(options.port ?? DEFAULT_PORT, host, () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.callback<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    ).pipe(
      Effect.map((server): Address => {
        const { port } = server.address() as AddressInfo
        const hostname = host
        const shown = hostname.includes(":") ? `[${hostname}]` : hostname
        return { hostname, port, url: `http://${shown}:${port}` }
      })
    )
  })
