import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Tracer from "effect/Tracer"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { KaizenClient, KaizenLocal } from "../src/index.js"
import * as KaizenNode from "../src/KaizenNode.js"
import { json, serve } from "./support/server.js"

const recording = () => {
  const spans: Array<Tracer.NativeSpan> = []
  const tracer = Tracer.make({
    span(options) {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  return { spans, tracer }
}

describe("tracing", () => {
  it.effect("each call is a client span KaizenClient.<operation> with its request ID, attempts and status", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recording()
      const kaizen = yield* KaizenLocal.make()
      yield* kaizen.compress({ data: 1 }, { requestId: "job-9" }).pipe(Effect.withSpan("caller"), Effect.provideService(Tracer.Tracer, tracer))
      const span = spans.find((s) => s.name === "KaizenClient.compress")!
      expect(span.kind).toBe("client")
      expect(span.attributes.get("kaizen.request_id")).toBe("job-9")
      expect(span.attributes.get("kaizen.attempts")).toBe(1)
      expect(span.attributes.get("http.response.status_code")).toBe(200)
      expect(span.parent._tag === "Some" && (span.parent.value as Tracer.Span).name).toBe("caller")
    }))

  it.live("tracePropagation sends traceparent from the call's span; by default none is sent", () =>
    Effect.gen(function*() {
      const server = yield* serve((request, response) => json(response, 200, { result: "ok" }))
      for (
        const make of [
          (tracePropagation: boolean) => KaizenNode.make({ baseUrl: server.url, tracePropagation }),
          (tracePropagation: boolean) =>
            KaizenClient.make({ baseUrl: server.url, tracePropagation }).pipe(Effect.provide(FetchHttpClient.layer))
        ]
      ) {
        const traced = yield* make(true)
        const plain = yield* make(false)
        yield* Effect.withSpan(Effect.all([traced.health(), plain.health()]), "caller")
      }
      const [a, b, c, d] = server.requests
      expect(a!.headers["traceparent"]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
      expect(b!.headers["traceparent"]).toBeUndefined()
      expect(c!.headers["traceparent"]).toMatch(/^00-[0-9a-f]{32}-/)
      expect(d!.headers["traceparent"]).toBeUndefined()
    }).pipe(Effect.scoped))
})
