/**
 * The operation span, skipped when nobody can see it, as in the Effect 3 line's
 * src/internal/span.ts: made on every call, with its stack trace, it was the largest item of a
 * call's CPU profile on the Node layer. No API says "a real tracer is installed", so the fiber's
 * tracer is compared with Effect 4's default, `Tracer.nativeTracer`, whose spans go nowhere; with
 * tracing turned off (`References.TracerEnabled`) every span is a no-op anyway.
 */
import * as Effect from "effect/Effect"
import * as References from "effect/References"
import * as Tracer from "effect/Tracer"

export interface SpanFacts {
  attempts: number
  lastStatus: number | undefined
}

// A stack trace per call is the largest cost of a span (Effect captures one for the span and
// another for `withParentSpan`); the span's name says where it is from.
const noStackTrace = { captureStackTrace: false } as const

/** `parentOfCall`: code in the call reads the current span (middleware, trace headers), so it gets this one. */
export const withOperationSpan = <A, E>(
  operation: string,
  requestId: string,
  parentOfCall: boolean,
  facts: SpanFacts,
  call: Effect.Effect<A, E>
): Effect.Effect<A, E> =>
  Effect.withFiber((fiber) => {
    const unseen = fiber.getRef(Tracer.Tracer) === Tracer.nativeTracer || !fiber.getRef(References.TracerEnabled)
    if (unseen && !parentOfCall) return call
    return Effect.useSpan(
      `KaizenClient.${operation}`,
      {
        kind: "client",
        ...noStackTrace,
        attributes: { "kaizen.operation": operation, "kaizen.request_id": requestId }
      },
      (span) =>
        Effect.ensuring(
          parentOfCall ? Effect.withParentSpan(call, span, noStackTrace) : call,
          Effect.sync(() => {
            span.attribute("kaizen.attempts", facts.attempts)
            if (facts.lastStatus !== undefined) span.attribute("http.response.status_code", facts.lastStatus)
          })
        )
    )
  })
