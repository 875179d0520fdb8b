/**
 * The operation span, skipped when nobody can see it (cost: BENCHMARKS.md, "Client CPU per call"): no API
 * says "a real tracer is installed", so the fiber's tracer is compared with Effect's native default.
 */
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Tracer from "effect/Tracer"

const nativeTracer = Context.get(DefaultServices.liveServices, Tracer.Tracer)

export interface SpanFacts {
  attempts: number
  lastStatus: number | undefined
}

/** `parentOfCall`: code in the call reads the current span (middleware, trace headers), so it gets this one. */
export const withOperationSpan = <A, E>(
  operation: string,
  requestId: string,
  parentOfCall: boolean,
  facts: SpanFacts,
  call: Effect.Effect<A, E>
): Effect.Effect<A, E> =>
  Effect.tracerWith((tracer) =>
    tracer === nativeTracer && !parentOfCall ? call : Effect.useSpan(
      `KaizenClient.${operation}`,
      {
        kind: "client",
        // A stack trace per call is the largest cost of a span; the name says where it is from.
        captureStackTrace: false,
        attributes: { "kaizen.operation": operation, "kaizen.request_id": requestId }
      },
      (span) =>
        Effect.ensuring(
          parentOfCall ? Effect.withParentSpan(call, span) : call,
          Effect.sync(() => {
            span.attribute("kaizen.attempts", facts.attempts)
            if (facts.lastStatus !== undefined) span.attribute("http.response.status_code", facts.lastStatus)
          })
        )
    )
  )
