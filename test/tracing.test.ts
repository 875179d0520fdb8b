/**
 * The two places the client compares with Effect's default services (internal/span.ts,
 * internal/timeout.ts) must follow whatever tracer and clock the program provides: a custom
 * tracer sees every call's span, and a custom clock decides when an attempt times out.
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, Layer } from "effect"
import { KaizenClient } from "../src/index.js"
import { clientOver, engineClient, mockClient } from "./support/clients.js"
import { json } from "./support/mockHttp.js"
import { recordingTracer } from "./support/recordingTracer.js"

describe("a custom tracer", () => {
  it.effect("records the operation span of every call, with its attempts and status, on each transport", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const onMock = mockClient(() => json({ status: "success", result: "a: 1" })).layer
      for (const layer of [onMock, engineClient()]) {
        yield* Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress({ data: { a: 1 } })).pipe(
          Effect.provide(layer),
          Effect.withTracer(tracer)
        )
      }
      expect(spans.map((span) => span.name)).toEqual(["KaizenClient.compress", "KaizenClient.compress"])
      for (const span of spans) {
        expect(span.ended).toBe(true)
        expect(span.kind).toBe("client")
        expect(span.attributes.get("kaizen.attempts")).toBe(1)
        expect(span.attributes.get("http.response.status_code")).toBe(200)
        expect(span.attributes.get("kaizen.request_id")).toMatch(/^[0-9a-f-]{36}$/)
      }
    }))
})

// A transport that answers after `millis` of real time, or never.
const answeringAfter = (millis: number | undefined) =>
  Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request) =>
      millis === undefined
        ? Effect.never
        : Effect.promise(() =>
          new Promise<HttpClientResponse.HttpClientResponse>((resolve) =>
            setTimeout(() => resolve(HttpClientResponse.fromWeb(request, json({ status: "success", result: "a: 1" }))), millis)
          )
        )
    )
  )

const live = Clock.make()

// A clock whose sleeps end at once, or never: time, for the client, is whatever it says.
const clockWhoseSleeps = (end: "at once" | "never"): Clock.Clock =>
  Object.assign(Object.create(Object.getPrototypeOf(live)), live, {
    sleep: () => (end === "at once" ? Effect.void : Effect.never)
  })

describe("a custom Clock", () => {
  it.live("decides when an attempt times out: sleeps that end at once time out a call that would take an hour", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flatMap(KaizenClient, (kaizen) => Effect.flip(kaizen.compress({ data: { a: 1 } }))).pipe(
        Effect.provide(clientOver(answeringAfter(undefined), { timeout: "1 hour" })),
        Effect.withClock(clockWhoseSleeps("at once"))
      )
      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "Timeout" })
    }))

  it.live("sleeps that never end never time an attempt out, however short the timeout", () =>
    Effect.gen(function*() {
      const response = yield* Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress({ data: { a: 1 } })).pipe(
        Effect.provide(clientOver(answeringAfter(50), { timeout: "1 millis" })),
        Effect.withClock(clockWhoseSleeps("never"))
      )
      expect(response.result).toBe("a: 1")
    }))

  it.live("on the live clock, the platform timer ends the attempt", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flatMap(KaizenClient, (kaizen) => Effect.flip(kaizen.compress({ data: { a: 1 } }))).pipe(
        Effect.provide(clientOver(answeringAfter(undefined), { timeout: "20 millis" }))
      )
      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "Timeout" })
    }))
})
