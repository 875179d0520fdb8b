/**
 * A loopback HTTP proxy for the transport tests: CONNECT tunnelling (what undici's ProxyAgent
 * does by default, for https and plain-http targets alike) and absolute-URI forwarding (the
 * classic plain-http proxy request), recording which of the two it was asked for and where to.
 *
 * Only loopback targets are served, so a misrouted test can never reach the network. Scoped:
 * the release closes every client and upstream connection and the listener.
 */
import { Effect } from "effect"
import type { Duration, Scope } from "effect"
import * as http from "node:http"
import * as net from "node:net"
import type { AddressInfo, Socket } from "node:net"
import * as Signals from "./signals.js"

export interface ProxiedRequest {
  /** `connect`: a CONNECT tunnel to `target` (`host:port`); `forward`: an absolute-URI request. */
  readonly kind: "connect" | "forward"
  readonly method: string
  /** `host:port` for a tunnel, the absolute URL for a forwarded request. */
  readonly target: string
}

export interface ProxyServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly seen: ReadonlyArray<ProxiedRequest>
  readonly socketsOpen: () => number
  readonly awaitNoOpenSockets: (within?: Duration.DurationInput) => Effect.Effect<void>
}

const loopback = new Set(["127.0.0.1", "localhost", "[::1]", "::1"])

// Hop-by-hop headers (RFC 9110 §7.6.1) are for the proxy, not the origin.
const hopByHop = new Set(["connection", "proxy-connection", "keep-alive", "proxy-authorization", "te", "trailer", "upgrade"])

export const make: Effect.Effect<ProxyServer, never, Scope.Scope> = Effect.acquireRelease(
  Effect.async<{ readonly server: http.Server; readonly api: ProxyServer; readonly sockets: Set<Socket> }>(
    (resume) => {
      const seen: Array<ProxiedRequest> = []
      const sockets = new Set<Socket>()
      const { notify, waitUntil } = Signals.make("proxy", () => `${sockets.size} sockets open`)
      // Upstream sockets are tracked too, so the release can close tunnels from both ends.
      const track = (socket: Socket) => {
        sockets.add(socket)
        socket.on("close", () => {
          sockets.delete(socket)
          notify()
        })
      }

      const server = http.createServer((req, res) => {
        const target = req.url ?? ""
        seen.push({ kind: "forward", method: req.method ?? "", target })
        let url: URL
        try {
          url = new URL(target)
        } catch {
          res.writeHead(400).end("absolute-URI required")
          return
        }
        if (!loopback.has(url.hostname)) {
          res.writeHead(403).end("loopback targets only")
          return
        }
        const headers: http.OutgoingHttpHeaders = {}
        for (const [name, value] of Object.entries(req.headers)) {
          if (!hopByHop.has(name) && value !== undefined) headers[name] = value
        }
        // agent: false with connection: close, so no idle upstream socket outlives the request.
        headers["connection"] = "close"
        const upstream = http.request(
          { host: url.hostname, port: url.port, path: url.pathname + url.search, method: req.method, headers, agent: false },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(res)
          }
        )
        upstream.on("socket", track)
        upstream.on("error", () => res.destroy())
        req.pipe(upstream)
      })

      server.on("connect", (req: http.IncomingMessage, client: Socket, head: Buffer) => {
        const target = req.url ?? ""
        seen.push({ kind: "connect", method: req.method ?? "", target })
        const colon = target.lastIndexOf(":")
        const host = target.slice(0, colon)
        const port = Number(target.slice(colon + 1))
        if (!loopback.has(host) || !Number.isInteger(port)) {
          client.end("HTTP/1.1 403 Forbidden\r\n\r\n")
          return
        }
        const upstream = net.connect(port, host.replace(/^\[|\]$/g, ""), () => {
          client.write("HTTP/1.1 200 Connection Established\r\n\r\n")
          if (head.length > 0) upstream.write(head)
          upstream.pipe(client)
          client.pipe(upstream)
        })
        track(upstream)
        // Either end going away ends the tunnel.
        const teardown = () => {
          upstream.destroy()
          client.destroy()
        }
        upstream.on("error", teardown)
        upstream.on("close", teardown)
        client.on("error", teardown)
        client.on("close", teardown)
      })

      server.on("connection", track)
      server.keepAliveTimeout = 0

      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({
          server,
          sockets,
          api: {
            url: `http://127.0.0.1:${port}`,
            seen,
            socketsOpen: () => sockets.size,
            awaitNoOpenSockets: (within = "5 seconds") =>
              waitUntil("down to 0 open sockets", () => sockets.size === 0, within)
          }
        }))
      })
    }
  ),
  ({ server, sockets }) =>
    Effect.async<void>((resume) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resume(Effect.void))
    })
).pipe(Effect.map(({ api }) => api))
