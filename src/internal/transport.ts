/**
 * What a transport tells the client about itself: that it is kaizen-effect's own lean
 * transport (it creates no spans and sends no trace headers, so the platform's tracer settings
 * need not be applied per call), and whether it enforces the per-attempt timeout itself.
 *
 * A client-side timeout needs the attempt in a fiber of its own (internal/timeout.ts): a fork
 * per call, the largest single cost of a call on a fast transport. A transport that owns its
 * sockets (the Node layer) can instead arm one timer per request and abort on expiry. It marks
 * the `HttpClient` it provides with the timeout it enforces, and fails an expired request with
 * a `TransportTimeout` cause; the client then skips its own timeout for that transport, and
 * maps the cause to the same `Timeout` error. Any other `HttpClient` (a mock, the platform's
 * clients) gets the client-side timeout, so the behaviour is the same whatever the transport.
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"

export const TransportInfoId: unique symbol = Symbol.for("kaizen-effect/TransportInfo")

export interface TransportInfo {
  /** The timeout (ms) enforced on every request, headers and body, if any. */
  readonly timeoutMillis: number | undefined
  /**
   * Answered in-process (the embedded engine): there is no I/O to wait for, and synchronous
   * work cannot be interrupted by a timer anyway, so a client-side timeout race only costs.
   */
  readonly inProcess?: boolean | undefined
}

/** What the transport says of itself, if it is kaizen-effect's own. */
export const transportInfo = (client: HttpClient.HttpClient): TransportInfo | undefined =>
  (client as unknown as { readonly [TransportInfoId]?: TransportInfo })[TransportInfoId]

/** Marks `client` as kaizen-effect's own transport. */
export const markTransport = <C extends HttpClient.HttpClient>(client: C, info: TransportInfo): C =>
  Object.defineProperty(client, TransportInfoId, { value: info, enumerable: false })

/** The cause of a request the transport aborted at its deadline. */
export class TransportTimeout extends Error {
  constructor(readonly millis: number) {
    super(`no complete response within ${millis} ms`)
    this.name = "TransportTimeout"
  }
}
