/**
 * A Kaizen stand-in that limits as servers do: a request that finds `limit` requests already
 * arrived in the last `windowMillis` is answered 429 with `Retry-After`; any other gets a small
 * encode envelope. It records every arrival and every refusal, so a test counts what the
 * server saw instead of timing anything. `refuseFor` makes it refuse everything for a while
 * from the `after`-th request on (a quota lower than the client's limit).
 */
import * as Effect from "effect/Effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"

export interface SlidingServer {
  readonly url: string
  readonly arrivals: Array<number>
  readonly refused: Array<number>
}

export const make = (options: {
  readonly limit: number
  readonly windowMillis?: number
  readonly retryAfterSeconds?: number
  readonly refuseFor?: { readonly after: number; readonly millis: number }
}) =>
  Effect.acquireRelease(
    Effect.callback<SlidingServer & { readonly server: http.Server }>((resume) => {
      const windowMillis = options.windowMillis ?? 1000
      const arrivals: Array<number> = []
      const refused: Array<number> = []
      let refusingUntil = 0
      const server = http.createServer((req, res) => {
        const now = performance.timeOrigin + performance.now()
        arrivals.push(now)
        let recent = 0
        for (let i = arrivals.length - 2; i >= 0 && arrivals[i]! > now - windowMillis; i--) recent++
        if (options.refuseFor !== undefined && arrivals.length === options.refuseFor.after) {
          refusingUntil = now + options.refuseFor.millis
        }
        req.resume()
        req.on("end", () => {
          if (recent >= options.limit || now < refusingUntil) {
            refused.push(now)
            const retryAfter = now < refusingUntil ? Math.ceil((refusingUntil - now) / 1000) : options.retryAfterSeconds ?? 1
            res.writeHead(429, { "content-type": "application/json", "retry-after": String(retryAfter) })
            res.end(JSON.stringify({ detail: "rate limited" }))
            return
          }
          res.writeHead(200, { "content-type": "application/json" })
          res.end(JSON.stringify({ operation: "compress", status: "success", result: "a: 1" }))
        })
      })
      server.keepAliveTimeout = 60_000
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, arrivals, refused, server }))
      })
    }),
    ({ server }) =>
      Effect.callback<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

/** The most arrivals in any window of `windowMillis` (the server's own count, for messages). */
export const mostInAnyWindow = (arrivals: ReadonlyArray<number>, windowMillis = 1000): number => {
  const sorted = [...arrivals].sort((a, b) => a - b)
  let most = 0
  let from = 0
  for (let to = 0; to < sorted.length; to++) {
    while (sorted[from]! <= sorted[to]! - windowMillis) from++
    most = Math.max(most, to - from + 1)
  }
  return most
}
