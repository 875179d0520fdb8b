/**
 * Mock transports for the batch tests: `HttpClient` layers whose every request is recorded and
 * answered by the test, so order, concurrency and interruption are decided by the test, not by
 * timing.
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import type { HttpClientRequest } from "@effect/platform"
import { Deferred, Effect, Layer, Queue } from "effect"
import { KaizenClient } from "../../src/index.js"
import type { KaizenConfig } from "../../src/index.js"

/** The body the client sent, parsed. */
const bodyOf = (request: HttpClientRequest.HttpClientRequest): any => {
  const body = request.body
  if (body._tag === "Uint8Array") return JSON.parse(new TextDecoder().decode(body.body))
  if (body._tag === "Raw" && typeof body.body === "string") return JSON.parse(body.body)
  throw new Error(`unexpected body ${body._tag}`)
}

/** An answer for a request: the usual encode envelope, or an error status with a detail. */
export type Answer = { readonly status: number; readonly body: unknown }

export const encoded = (result: string): Answer => ({
  status: 200,
  body: { operation: "compress", status: "success", result }
})

export const decoded = (result: unknown): Answer => ({
  status: 200,
  body: { operation: "decompress", status: "success", result }
})

export const rejected = (detail: string): Answer => ({ status: 400, body: { detail } })

/** One request waiting for the test's answer. */
export interface Pending {
  readonly path: string
  readonly body: any
  readonly requestId: string | undefined
  readonly answer: (answer: Answer) => Effect.Effect<void>
}

/** What the gated transport saw. */
export interface Gate {
  /** Requests in arrival order, each waiting for `answer`. */
  readonly arrivals: Queue.Dequeue<Pending>
  readonly inFlight: () => number
  readonly maxInFlight: () => number
  /** Requests whose call was interrupted while waiting for its answer. */
  readonly interrupted: () => number
  readonly layer: Layer.Layer<KaizenClient>
}

const respond = (request: HttpClientRequest.HttpClientRequest, answer: Answer) =>
  HttpClientResponse.fromWeb(
    request,
    new Response(JSON.stringify(answer.body), { status: answer.status, headers: { "content-type": "application/json" } })
  )

/**
 * A client (retries off) over a transport that holds each request until the test answers it,
 * counting the requests in flight at once.
 */
export const gated = (
  options: KaizenConfig.Options = {},
  // A transport with a connection pool says its size (the Node layer's maxConnections).
  poolSize?: number
): Effect.Effect<Gate> =>
  Effect.gen(function*() {
    const arrivals = yield* Queue.unbounded<Pending>()
    let inFlight = 0
    let maxInFlight = 0
    let interrupted = 0
    const http = HttpClient.make((request) =>
      Effect.gen(function*() {
        const reply = yield* Deferred.make<Answer>()
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        yield* Queue.offer(arrivals, {
          path: new URL(request.url).pathname,
          body: bodyOf(request),
          requestId: request.headers["x-request-id"],
          answer: (answer) => Deferred.succeed(reply, answer)
        })
        const answer = yield* Deferred.await(reply).pipe(
          Effect.onInterrupt(() => Effect.sync(() => interrupted++)),
          Effect.ensuring(Effect.sync(() => inFlight--))
        )
        return respond(request, answer)
      })
    )
    return {
      arrivals,
      inFlight: () => inFlight,
      maxInFlight: () => maxInFlight,
      interrupted: () => interrupted,
      layer: Layer.effect(KaizenClient, Effect.map(KaizenClient, (kaizen) => ({ ...kaizen, poolSize }))).pipe(
        Layer.provide(KaizenClient.layer({ baseUrl: "http://kaizen.test", retry: false, ...options })),
        Layer.provide(Layer.succeed(HttpClient.HttpClient, http)),
        Layer.orDie
      )
    }
  })

/** A client (retries off) over a transport that answers at once with `answer(body)`. */
export const instant = (answer: (body: any) => Answer, options: KaizenConfig.Options = {}) => {
  const sent: Array<{ readonly body: any; readonly requestId: string | undefined; readonly tenant: string | undefined }> = []
  const http = HttpClient.make((request) =>
    Effect.sync(() => {
      const body = bodyOf(request)
      sent.push({ body, requestId: request.headers["x-request-id"], tenant: request.headers["x-tenant"] })
      return respond(request, answer(body))
    })
  )
  return {
    sent,
    layer: KaizenClient.layer({ baseUrl: "http://kaizen.test", retry: false, ...options }).pipe(
      Layer.provide(Layer.succeed(HttpClient.HttpClient, http)),
      Layer.orDie
    )
  }
}
