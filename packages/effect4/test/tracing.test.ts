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

  it.effect("the engine layer, whose exchange reads no span, still records it when a tracer is installed", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recording()
      const traced = Effect.provideService(Tracer.Tracer, tracer)
      const kaizen = yield* KaizenClient
      yield* kaizen.compress({ data: { a: 1 } }, { requestId: "job-1" }).pipe(Effect.withSpan("caller"), traced)
      // KTOF whose table is shorter than it says: the engine refuses it (an API error, no retry).
      const refused = yield* Effect.flip(
        kaizen.decompress({ data: "users[2]{id,name}:\n  1,Ada", options: { strict: true } }, { requestId: "job-2" })
      ).pipe(Effect.withSpan("caller"), traced)
      const calls = spans.filter((s) => s.name.startsWith("KaizenClient."))
      expect(calls.map((s) => [s.name, s.attributes.get("kaizen.request_id"), s.kind])).toEqual([
        ["KaizenClient.compress", "job-1", "client"],
        ["KaizenClient.decompress", "job-2", "client"]
      ])
      const [compress, decompress] = calls
      expect(compress!.attributes.get("kaizen.attempts")).toBe(1)
      expect(compress!.attributes.get("http.response.status_code")).toBe(200)
      expect(compress!.status._tag).toBe("Ended")
      expect(compress!.parent._tag === "Some" && (compress!.parent.value as Tracer.Span).name).toBe("caller")
      expect(refused._tag === "KaizenAPIError" && refused.statusCode).toBe(400)
      expect(decompress!.attributes.get("kaizen.attempts")).toBe(1)
      expect(decompress!.attributes.get("http.response.status_code")).toBe(400)
      expect(decompress!.status._tag).toBe("Ended")
    }).pipe(Effect.provide(KaizenLocal.layer())))

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
