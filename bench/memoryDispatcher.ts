/**
 * An undici `Dispatcher` that answers every request at once from memory, so a benchmark can
 * run a real undici-based HttpClient (ours, or the platform's) with no sockets: what remains
 * is the client's own CPU. It speaks both of undici's handler interfaces, the new
 * (`onResponseStart`, used by kaizen-effect) and the legacy (`onHeaders`, used by `request`).
 */
import { Dispatcher } from "undici"

export class MemoryDispatcher extends Dispatcher {
  private readonly rawHeaders: Array<Buffer>
  private readonly headers: Record<string, string>

  constructor(private readonly body: Buffer, contentType = "application/json") {
    super()
    this.headers = { "content-type": contentType, "content-length": String(body.length) }
    this.rawHeaders = Object.entries(this.headers).flatMap(([k, v]) => [Buffer.from(k), Buffer.from(v)])
  }

  override dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    // Answer on a later tick, as a socket would: never synchronously inside dispatch().
    queueMicrotask(() => {
      if (handler.onRequestStart !== undefined || handler.onResponseStart !== undefined) {
        const controller = {
          aborted: false,
          paused: false,
          reason: null,
          abort() {},
          pause() {},
          resume() {}
        } as unknown as Dispatcher.DispatchController
        handler.onRequestStart?.(controller, {})
        handler.onResponseStart?.(controller, 200, this.headers, "OK")
        handler.onResponseData?.(controller, this.body)
        handler.onResponseEnd?.(controller, {})
      } else {
        handler.onConnect?.(() => {})
        handler.onHeaders?.(200, this.rawHeaders, () => {}, "OK")
        handler.onData?.(this.body)
        handler.onComplete?.([])
      }
    })
    return true
  }

  override async close(): Promise<void> {}
  override async destroy(): Promise<void> {}
}
