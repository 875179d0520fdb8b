/**
 * One request on undici's dispatcher as an Effect: the body read whole up to a limit, one timer, interruption
 * aborting the request (which frees its socket). Why: BENCHMARKS.md, "Why the machinery exists".
 */
import * as Effect from "effect/Effect"
import type { Dispatcher } from "undici"
import { UNEXPECTED_1XX } from "./transportFailure.js"

export class TransportTimeout extends Error {
  constructor(readonly millis: number) {
    super(`no complete response within ${millis} ms`)
    this.name = "TransportTimeout"
  }
}

const unexpected1xx = (status: string, cause?: unknown): Error =>
  Object.assign(new Error(`the server answered ${status}, an interim response this client never asks for`, { cause }), {
    code: UNEXPECTED_1XX
  })

/** undici 7 destroys the socket on a `100 Continue` with this error, before any handler call. */
const isUndici100 = (error: Error): boolean =>
  (error as { code?: unknown }).code === "UND_ERR_SOCKET" && error.message === "bad response"

/** Response headers as undici gives them: lower-case names, a list for a repeated header. */
export type RawHeaders = Record<string, string | Array<string> | undefined>

export interface Outcomes<A, E> {
  /** A complete answer; or, with `bodyError`, an answer whose body failed after the headers. */
  readonly answer: (status: number, headers: RawHeaders, body: Uint8Array, bodyError?: unknown) => Effect.Effect<A, E>
  /** No answer: the connection failed, or the timer fired (a {@link TransportTimeout}). */
  readonly failure: (cause: unknown) => E
}

export interface Limits {
  readonly maxBytes: number
  readonly timeoutMillis: number | undefined
}

// What a settled request holds instead: nothing is added once the outcome is decided, so they are shared.
const NO_HEADERS: RawHeaders = Object.freeze({}) as RawHeaders
const NO_CHUNKS: Array<Buffer> = Object.freeze([]) as unknown as Array<Buffer>

/**
 * undici's handler for one request: methods on the prototype, and all it held let go once decided (undici
 * keeps a handler referenced after the request ends).
 */
class InFlight<A, E> implements Dispatcher.DispatchHandler {
  /** Undefined once the outcome is decided: later callbacks are ignored. */
  private resume: ((outcome: Effect.Effect<A, E>) => void) | undefined = undefined
  private controller: Dispatcher.DispatchController | undefined = undefined
  private timer: ReturnType<typeof setTimeout> | undefined = undefined
  private status = 0
  private headers: RawHeaders = {}
  private chunks: Array<Buffer> = []
  private size = 0

  constructor(private readonly outcomes: Outcomes<A, E>, private readonly limits: Limits) {}

  start(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, resume: (outcome: Effect.Effect<A, E>) => void): void {
    this.resume = resume
    const timeoutMillis = this.limits.timeoutMillis
    if (timeoutMillis !== undefined) {
      this.timer = setTimeout(() => {
        const cause = new TransportTimeout(timeoutMillis)
        const controller = this.controller
        this.fail(cause)
        controller?.abort(cause)
      }, timeoutMillis)
    }
    dispatcher.dispatch(options, this)
  }

  abandon(): void {
    if (this.resume === undefined) return
    const controller = this.controller
    this.release()
    controller?.abort(new Error("request interrupted"))
  }

  private release(): ((outcome: Effect.Effect<A, E>) => void) | undefined {
    const resume = this.resume
    this.resume = undefined
    this.controller = undefined
    this.headers = NO_HEADERS
    this.chunks = NO_CHUNKS
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    return resume
  }

  private answer(body: Uint8Array, bodyError?: unknown): void {
    const answer = this.outcomes.answer(this.status, this.headers, body, bodyError)
    this.release()?.(answer)
  }

  private fail(cause: unknown): void {
    if (this.resume === undefined) return
    const failure = this.outcomes.failure(cause)
    this.release()?.(Effect.fail(failure))
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // Decided before undici gave it a socket (timed out or abandoned while queued): never sent.
    if (this.resume === undefined) controller.abort(new Error("request abandoned"))
    else this.controller = controller
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: RawHeaders): void {
    if (this.resume === undefined) return
    // undici passes other 1xx on and waits for a final answer; one the client never asked for fails at once.
    if (statusCode < 200) {
      const cause = unexpected1xx(String(statusCode))
      this.fail(cause)
      controller.abort(cause)
      return
    }
    this.status = statusCode
    this.headers = headers
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.resume === undefined) return
    this.size += chunk.length
    if (this.size > this.limits.maxBytes) {
      // undici's own code for its maxResponseSize: the client reads it as deterministic.
      controller.abort(Object.assign(new Error(`the response body exceeds the ${this.limits.maxBytes}-byte limit`), {
        code: "UND_ERR_RES_EXCEEDED_MAX_SIZE"
      }))
      return
    }
    this.chunks.push(chunk)
  }

  onResponseEnd(): void {
    if (this.resume === undefined) return
    const chunks = this.chunks
    this.answer(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.size))
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.resume === undefined) return
    // After the headers there is an answer: as with a streamed body, the failure is the body's.
    if (this.status !== 0) this.answer(new Uint8Array(0), error)
    else this.fail(isUndici100(error) ? unexpected1xx("100 Continue", error) : error)
  }
}

/**
 * One request per run. Not `Effect.async` with a canceler (its cost: BENCHMARKS.md, "Why the machinery exists"): an
 * interruptible wait inside `uninterruptibleMask`, whose failure handler abandons an unsettled request.
 */
export const dispatch = <A, E>(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  outcomes: Outcomes<A, E>,
  limits: Limits
): Effect.Effect<A, E> =>
  // `uninterruptibleMask` calls its function on every run, so each attempt has its own request.
  Effect.uninterruptibleMask((restore) => {
    const inFlight = new InFlight(outcomes, limits)
    return Effect.catchAllCause(
      restore(Effect.async<A, E>((resume) => {
        inFlight.start(dispatcher, options, resume)
      })),
      (cause) => {
        inFlight.abandon()
        return Effect.failCause(cause)
      }
    )
  })
