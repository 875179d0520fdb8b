/**
 * The operation span, `KaizenClient.<operation>`: the one span users see per call, with the
 * operation, the request ID, the number of attempts and the last status.
 *
 * A span costs about a third of the client's CPU per call, so it is skipped when nobody can
 * see it: when the fiber's tracer is Effect's native one (which records nothing anywhere) and
 * nothing inside the call reads the current span. No public API says "a real tracer is
 * installed", so the tracer in the fiber is compared with the native one, taken from
 * `DefaultServices.liveServices` (Effect's own default services, the value every runtime
 * starts with). Any other tracer (OpenTelemetry, a test's recording tracer) gets the span.
 * Tested in test/tracing.test.ts with a custom tracer.
 *
 * @internal
 */
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Tracer from "effect/Tracer"

const nativeTracer = Context.get(DefaultServices.liveServices, Tracer.Tracer)

/** What the span records when the call ends. */
export interface SpanFacts {
  attempts: number
  lastStatus: number | undefined
}

/**
 * `call` inside the operation span when a tracer can see it; `parentOfCall`: code inside the
 * call reads the current span (middleware, trace headers), so the span is made its parent.
 */
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
