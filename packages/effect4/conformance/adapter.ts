/**
 * The small adapter each line implements for the conformance suite: build a client from a plain
 * description, make calls, and report each outcome as plain data. No Effect here: the suite is
 * shared by the Effect 3 line (`kaizen-effect`, Node 20) and the Effect 4 line (Node 22).
 */

export type Operation =
  | "compress"
  | "decompress"
  | "optimize"
  | "optimizeRequest"
  | "optimizeResponse"
  | "promptsEncode"
  | "promptsDecode"
  | "health"

/** Which way the client reaches the service: an `HttpClient` (fetch), the Node layer (undici), or the engine in-process. */
export type Transport = "http" | "node" | "local"

export interface ClientSpec {
  readonly transport: Transport
  /** Ignored by `local`. */
  readonly baseUrl: string
  readonly apiKey?: string | undefined
  readonly timeoutMs?: number | undefined
  /** Retries under `KaizenRetry.policy({ maxRetries, base: retryBaseMs })`; `undefined` leaves the client's default. */
  readonly retries?: number | undefined
  readonly retryBaseMs?: number | undefined
  readonly deadlineMs?: number | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** The Node layer's response size limit. */
  readonly maxResponseBytes?: number | undefined
  /** The engine's body size limit (`local`). */
  readonly maxBodyBytes?: number | undefined
}

export interface CallSpec {
  readonly operation: Operation
  readonly request?: unknown
  readonly options?: { readonly requestId?: string; readonly headers?: Readonly<Record<string, string>> } | undefined
}

export type Outcome =
  | { readonly ok: true; readonly body: unknown; readonly requestId: string }
  | {
    readonly ok: false
    readonly tag: "KaizenRequestError"
    readonly reason: string
    readonly message: string
    readonly transient: boolean
  }
  | {
    readonly ok: false
    readonly tag: "KaizenAPIError"
    readonly statusCode: number
    readonly message: string
    readonly detail: unknown
    readonly requestId: string | undefined
    readonly retryAfterMs: number | undefined
    readonly headers: Readonly<Record<string, string>>
    readonly transient: boolean
  }

export interface Adapter {
  readonly name: string
  /** Builds the client, makes the calls one after the other, closes the client. */
  readonly run: (client: ClientSpec, calls: ReadonlyArray<CallSpec>) => Promise<ReadonlyArray<Outcome>>
}
