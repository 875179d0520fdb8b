/**
 * The in-process handoff between the client and the embedded engine (internal/inProcess.ts,
 * local/measure.ts): the request travels as a value and the envelope comes back as one, and
 * that must be invisible. Every answer, success or error, is compared with the same call on the
 * text route (the same engine behind an identity middleware, which turns the handoff off), and
 * the measures the engine takes without writing JSON are compared with the JSON text itself.
 */
import { HttpClient, HttpClientError, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer } from "effect"
import { InProcessJson } from "../../src/internal/inProcess.js"
import { markTransport, transportInfo } from "../../src/internal/transport.js"
import type { Service } from "../../src/KaizenClient.js"
import { KaizenClient } from "../../src/KaizenClient.js"
import * as KaizenLocal from "../../src/KaizenLocal.js"
import { MAX_DEPTH } from "../../src/local/guard.js"
import { measureBody } from "../../src/local/measure.js"
import { codePointLength, utf8Length } from "../../src/local/text.js"
import { json, mockHttp } from "../support/mockHttp.js"

const handedOver = KaizenClient.layer({ baseUrl: "local", retry: false }).pipe(Layer.provide(KaizenLocal.layer))
// Any middleware may read the body as text, so with one the client sends JSON text as over HTTP.
const asText = KaizenClient.layer({ baseUrl: "local", retry: false, transformClient: (client) => client }).pipe(
  Layer.provide(KaizenLocal.layer)
)

/** What a call gives (its value or its typed error), as plain data to compare; the request ID is each call's own. */
const outcome = <A, E>(call: (kaizen: Service) => Effect.Effect<A, E>, layer: typeof handedOver) =>
  Effect.flatMap(KaizenClient, (kaizen) => Effect.either(call(kaizen))).pipe(
    Effect.map(Either.match({
      onLeft: (error) => ({ error: { ...(error as object), message: (error as { message: string }).message, requestId: "" } }),
      onRight: (value) => ({ value: JSON.parse(JSON.stringify(value)) })
    })),
    Effect.provide(layer)
  )

const sameOnBothRoutes = <A, E>(call: (kaizen: Service) => Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const value = yield* outcome(call, handedOver)
    const text = yield* outcome(call, asText)
    expect(value).toEqual(text)
    return value
  })

const deep = (levels: number): unknown => {
  let value: unknown = "leaf"
  for (let i = 0; i < levels; i++) value = [value]
  return value
}

const table = { rows: Array.from({ length: 50 }, (_, i) => ({ id: i, name: `user-${i}`, score: i / 7, ok: i % 2 === 0 })) }

const inputs: ReadonlyArray<readonly [string, unknown]> = [
  ["a table", table],
  ["non-ASCII text, emoji and escapes", { text: "naïve café ☕ 🎉 \"quoted\" \\ back\nline\ttab\u0001", "clé ✓": ["ü", "😀"] }],
  ["numbers JSON writes in exponent form, negative zero and large integers", [1e21, 1.5e-7, -0, 2 ** 53, -123.456, 0.1 + 0.2]],
  ["empty containers and nulls", { a: {}, b: [], c: null, d: [[], {}], e: "" }],
  ["a top-level string", "just text"],
  ["a top-level number", 42],
  [`a value ${MAX_DEPTH} levels deep`, deep(MAX_DEPTH)],
  // Not plainly JSON: the engine judges these as text, exactly as over HTTP.
  ["a Date", { when: new Date(0) }],
  ["an undefined property", { a: 1, b: undefined }],
  ["a class instance", { point: new (class Point { x = 1; y = 2 })() }],
  ["a null-prototype object", Object.assign(Object.create(null), { a: 1 })],
  [`a value ${MAX_DEPTH + 1} levels deep (422)`, deep(MAX_DEPTH + 1)],
  ["a lone surrogate (422)", { text: "broken \uD800 here" }],
  ["a lone surrogate in a key (422)", { ["k\uDC00"]: 1 }],
  ["nesting too deep to serialise (refused by the client)", deep(20_000)]
]

describe("the handoff answers exactly as the text route", () => {
  for (const [name, data] of inputs) {
    it.effect(`compress and optimize: ${name}`, () =>
      Effect.gen(function*() {
        yield* sameOnBothRoutes((kaizen) => kaizen.compress({ data }))
        yield* sameOnBothRoutes((kaizen) => kaizen.optimize({ data, options: { delimiter: "|", length_marker: true } }))
      }))
  }

  it.effect("token counts, prompts with schemas and metadata, and the decode routes", () =>
    Effect.gen(function*() {
      yield* sameOnBothRoutes((kaizen) => kaizen.optimize({ data: table, token_models: ["gpt-4o"] }))
      yield* sameOnBothRoutes((kaizen) =>
        kaizen.promptsEncode({ prompt: { messages: [{ role: "user", content: "hi ☕" }] }, schemas: { S: { type: "object" } }, metadata: { trace: [1, 2] } })
      )
      yield* sameOnBothRoutes((kaizen) =>
        kaizen.optimizeRequest({ prompt: `Rows: ${JSON.stringify(table)}`, metadata: { n: 1 } })
      )
      const compressed = yield* Effect.provide(Effect.flatMap(KaizenClient, (k) => k.compress({ data: table })), handedOver)
      yield* sameOnBothRoutes((kaizen) => kaizen.decompress({ data: compressed.result }))
      yield* sameOnBothRoutes((kaizen) => kaizen.optimizeResponse({ ktof: compressed.result }))
      yield* sameOnBothRoutes((kaizen) =>
        kaizen.promptsDecode({ ktof: compressed.result, replay_meta: { a: { b: 1 } }, metadata: { c: 2 } })
      )
      yield* sameOnBothRoutes((kaizen) => kaizen.decompress({ data: "a: [" }))
    }))

  it.effect("a body over the engine's size limit is answered 413 on both routes", () =>
    Effect.gen(function*() {
      const engine = KaizenLocal.layerWith({ maxBodyBytes: 1024 })
      const data = { text: "é".repeat(600) } // 1,200 bytes of UTF-8 in 600 characters
      const call = (transformClient?: (client: HttpClient.HttpClient) => HttpClient.HttpClient) =>
        Effect.flatMap(KaizenClient, (kaizen) => Effect.flip(kaizen.compress({ data }))).pipe(
          Effect.provide(
            KaizenClient.layer({ baseUrl: "local", retry: false, ...(transformClient ? { transformClient } : {}) }).pipe(
              Layer.provide(engine)
            )
          )
        )
      const value = yield* call()
      const text = yield* call((client) => client)
      expect(value).toMatchObject({ _tag: "KaizenAPIError", statusCode: 413 })
      expect(value.message).toBe(text.message)
    }))
})

describe("the handoff", () => {
  it.effect("is what the client does on KaizenLocal.layer: the request goes as the value, measured once", () =>
    Effect.gen(function*() {
      const bodies: Array<unknown> = []
      // The engine's HttpClient, with every request's body recorded on the way in.
      const recording = Layer.effect(
        HttpClient.HttpClient,
        Effect.map(HttpClient.HttpClient, (local) =>
          markTransport(
            HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>((request) =>
              Effect.flatMap(request, (r) => {
                bodies.push(r.body)
                return local.execute(r)
              }), Effect.succeed),
            transportInfo(local)!
          ))
      ).pipe(Layer.provide(KaizenLocal.layer))
      const response = yield* Effect.flatMap(KaizenClient, (k) => k.compress({ data: table })).pipe(
        Effect.provide(KaizenClient.layer({ baseUrl: "local", retry: false }).pipe(Layer.provide(recording)))
      )
      expect(bodies).toHaveLength(1)
      const body = bodies[0] as { _tag: string; body: unknown }
      expect(body._tag).toBe("Raw")
      expect(body.body).toBeInstanceOf(InProcessJson)
      const sent = body.body as InProcessJson
      expect(sent.value).toEqual({ data: table })
      expect(sent.measure).toEqual(measureBody({ data: table }))
      expect(response.stats?.original_length).toBe(JSON.stringify(table).length)
    }))
})

describe("the caller's objects", () => {
  it.effect("are never shared with a response: echoed metadata is a copy", () =>
    Effect.gen(function*() {
      const metadata = { trace: { id: 1 } }
      const replay = { step: { n: 1 } }
      const kaizen = yield* KaizenClient
      const encoded = yield* kaizen.promptsEncode({ prompt: { a: 1 }, metadata })
      expect(encoded.meta?.client_metadata).toEqual(metadata)
      expect(encoded.meta?.client_metadata).not.toBe(metadata)
      const decoded = yield* kaizen.promptsDecode({ ktof: encoded.result, replay_meta: replay })
      const meta = decoded.meta as Record<string, unknown> | undefined
      expect(meta?.step).toEqual(replay.step)
      expect(meta?.step).not.toBe(replay.step)
    }).pipe(Effect.provide(handedOver)))

  it.effect("are trusted only for the call: changed afterwards, they are checked again", () =>
    Effect.gen(function*() {
      const data: { values: Array<number> } = { values: [1, 2] }
      yield* Effect.provide(Effect.flatMap(KaizenClient, (k) => k.compress({ data })), handedOver)
      data.values.push(Number.NaN)
      const mock = mockHttp(() => json({ result: "x" }))
      const error = yield* Effect.flip(Effect.flatMap(KaizenClient, (k) => k.compress({ data }))).pipe(
        Effect.provide(KaizenClient.layer({ retry: false }).pipe(Layer.provide(mock.layer)))
      )
      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "InvalidRequest" })
      expect(error.message).toContain("NaN")
      expect(mock.requests).toHaveLength(0)
    }))

  it.effect("only the kaizen client hands over values: a hand-made request body is read as a server reads it", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(
        HttpClientRequest.post("local/v1/compress").pipe(HttpClientRequest.bodyUnsafeJson({ data: { a: 1 } }))
      )
      expect(response.status).toBe(200)
      expect(JSON.parse(yield* response.text).result).toBe("a: 1")
    }).pipe(Effect.provide(KaizenLocal.layer)))
})

describe("measureBody", () => {
  // The measures of the JSON text, computed from the text itself.
  const fromText = (body: Record<string, unknown>) => ({
    bytes: utf8Length(JSON.stringify(body)),
    fields: Object.fromEntries(Object.entries(body).map(([key, value]) => [key, codePointLength(JSON.stringify(value))]))
  })

  it("equals what the JSON text measures, for values JSON carries exactly", () => {
    for (const [name, data] of inputs.slice(0, 7)) {
      const body = { data, options: { indent: 4, delimiter: "\t" }, "ключ": ["😀", 1.25] }
      expect(measureBody(body), name).toEqual(fromText(body))
    }
    // Keys and numbers are cached between walks; the second walk must agree with the first.
    expect(measureBody({ data: table })).toEqual(fromText({ data: table }))
    expect(measureBody({ data: table })).toEqual(fromText({ data: table }))
  })

  it("is undefined for anything the engine must judge as text", () => {
    const sparse = [1, , 3] // eslint-disable-line no-sparse-arrays
    for (const data of [new Date(0), { a: undefined }, [undefined], sparse, Number.NaN, Infinity, 10n, () => 1, Symbol("s")]) {
      expect(measureBody({ data })).toBeUndefined()
    }
    expect(measureBody({ data: new Map() })).toBeUndefined()
    expect(measureBody({ data: Object.create(null) })).toBeUndefined()
    expect(measureBody({ data: "\uDBFF" })).toBeUndefined()
    expect(measureBody({ data: deep(MAX_DEPTH + 1) })).toBeUndefined()
    expect(measureBody({ data: deep(MAX_DEPTH) })).toEqual(fromText({ data: deep(MAX_DEPTH) }))
    expect(measureBody([1])).toBeUndefined()
  })

  it("is undefined when Object.prototype has been given an enumerable property", () => {
    const proto = Object.prototype as Record<string, unknown>
    proto.polluted = 1
    try {
      expect(measureBody({ data: { a: 1 } })).toBeUndefined()
    } finally {
      delete proto.polluted
    }
    expect(measureBody({ data: { a: 1 } })).toEqual(fromText({ data: { a: 1 } }))
  })

  it("the text of an in-process body is written once, and only when asked for", () => {
    let reads = 0
    const body = new InProcessJson({ get data() {
      reads++
      return 1
    } })
    expect(reads).toBe(0)
    expect(body.text()).toBe("{\"data\":1}")
    expect(body.text()).toBe("{\"data\":1}")
    expect(reads).toBe(1)
  })
})
