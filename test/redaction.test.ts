import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Logger, LogLevel, TestClock } from "effect"
import { inspect } from "node:util"
import { KaizenClient } from "../src/index.js"
import type { KaizenConfig } from "../src/index.js"
import { defaultRetry, mockClient } from "./support/clients.js"
import { json } from "./support/mockHttp.js"
import { recordingTracer } from "./support/recordingTracer.js"

const KEY = "sk-live-SECRET-7c1f2e"
const PROMPT = "the-private-prompt-text-91ab"

const everyRendering = (value: unknown): string =>
  [
    String(value),
    JSON.stringify(value),
    inspect(value, { depth: 10, showHidden: true }),
    value instanceof Error ? value.stack ?? "" : "",
    value instanceof Error ? value.message : ""
  ].join("\n")

describe("the API key appears nowhere", () => {
  const run = (respond: () => Response | Promise<Response>, options: KaizenConfig.Options = {}) =>
    Effect.gen(function*() {
      const logs: Array<string> = []
      const logger = Logger.make(({ annotations, message }) => {
        logs.push(`${JSON.stringify(message)} ${JSON.stringify([...annotations])}`)
      })
      const mock = mockClient(respond, { apiKey: KEY, ...options })
      const { spans, tracer } = recordingTracer()
      const fiber = yield* Effect.fork(
        Effect.flatMap(KaizenClient, (kaizen) =>
          Effect.zip(Effect.succeed(kaizen), Effect.either(kaizen.compress({ data: { text: PROMPT } })))).pipe(
            Effect.provide(mock.layer),
            Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
            Logger.withMinimumLogLevel(LogLevel.All),
            Effect.withTracer(tracer)
          )
      )
      yield* TestClock.adjust("10 minutes")
      const [service, result] = yield* Fiber.join(fiber)
      return { service, result, logs, spans, requests: mock.requests }
    })

  it.effect("in API errors (401), their String, JSON, inspect and stack", () =>
    Effect.gen(function*() {
      const { requests, result } = yield* run(() => json({ detail: "Invalid API key" }, { status: 401 }))
      // The key was sent: it is only the rendering that must not show it.
      expect(requests[0]!.headers["x-api-key"]).toBe(KEY)
      expect(result._tag).toBe("Left")
      expect(everyRendering(result)).not.toContain(KEY)
      expect(everyRendering((result as { left: unknown }).left)).not.toContain(KEY)
    }))

  it.effect("in errors whose server echoes auth headers back", () =>
    Effect.gen(function*() {
      const { result } = yield* run(() =>
        json({ detail: "nope" }, { status: 403, headers: { "x-api-key": KEY, "set-cookie": `k=${KEY}` } })
      )
      const error = (result as { left: { headers: Record<string, string> } }).left
      expect(error.headers["x-api-key"]).toBe("<redacted>")
      expect(everyRendering(error)).not.toContain(KEY)
    }))

  it.effect("in transport errors and timeouts", () =>
    Effect.gen(function*() {
      const timedOut = yield* run(() => new Promise<Response>(() => {}), { timeout: "1 second" })
      expect((timedOut.result as { left: { reason: string } }).left.reason).toBe("Timeout")
      expect(everyRendering(timedOut.result)).not.toContain(KEY)
      const failed = yield* run(() => Promise.reject(new Error("socket hang up")))
      expect(everyRendering(failed.result)).not.toContain(KEY)
    }))

  it.effect("in the service and its configuration", () =>
    Effect.gen(function*() {
      const { service } = yield* run(() => json({ status: "success", result: "x" }))
      expect(everyRendering(service.config)).not.toContain(KEY)
      expect(everyRendering(service)).not.toContain(KEY)
    }))

  it.effect("in log lines and span attributes, at every level, through retries; the prompt is not logged either", () =>
    Effect.gen(function*() {
      const { logs, spans } = yield* run(() => json({ detail: "busy" }, { status: 503 }), { retry: defaultRetry })
      // Retries are logged at debug with their delay and reason.
      expect(logs.filter((l) => l.includes("Kaizen retry"))).toHaveLength(2)
      expect(logs.join("\n")).toContain("status 503")
      for (const line of logs) {
        expect(line).not.toContain(KEY)
        expect(line).not.toContain(PROMPT)
      }
      for (const span of spans) {
        const rendered = JSON.stringify([...span.attributes])
        expect(rendered).not.toContain(KEY)
        expect(rendered).not.toContain(PROMPT)
      }
    }))
})

describe("operation spans", () => {
  it.effect("each call runs in KaizenClient.<operation> with attempts, status and request ID", () =>
    Effect.gen(function*() {
      let calls = 0
      const mock = mockClient(() => ++calls === 1 ? json({}, { status: 503 }) : json({ status: "success", result: "x" }), {
        retry: defaultRetry
      })
      const { spans, tracer } = recordingTracer()
      const fiber = yield* Effect.fork(
        Effect.flatMap(KaizenClient, (k) => k.compress({ data: 1 })).pipe(
          Effect.provide(mock.layer),
          Effect.withTracer(tracer)
        )
      )
      yield* TestClock.adjust("1 minute")
      const response = yield* Fiber.join(fiber)
      const span = spans.find((s) => s.name === "KaizenClient.compress")!
      expect(span.kind).toBe("client")
      expect(span.ended).toBe(true)
      expect(span.attributes.get("kaizen.attempts")).toBe(2)
      expect(span.attributes.get("http.response.status_code")).toBe(200)
      expect(span.attributes.get("kaizen.request_id")).toBe(response.requestId)
      // The platform's per-request span is off by default (it adds cost and nothing new).
      expect(spans.map((s) => s.name)).toEqual(["KaizenClient.compress"])
      expect(mock.requests[0]!.headers).not.toHaveProperty("traceparent")
      expect(mock.requests[0]!.headers).not.toHaveProperty("b3")
    }))

  it.effect("trace headers are sent only when the user opts in", () =>
    Effect.gen(function*() {
      const mock = mockClient(() => json({ status: "success", result: "x" }), { tracePropagation: true })
      yield* Effect.flatMap(KaizenClient, (k) => k.compress({ data: 1 })).pipe(
        Effect.provide(mock.layer),
        Effect.withSpan("app.job")
      )
      expect(mock.requests[0]!.headers).toHaveProperty("traceparent")
    }))
})
