/**
 * The two honest ways to run the engine in-process must answer alike: `KaizenLocal.layer`
 * (the client calls the engine's operations with the value) and `KaizenLocal.layerHttpClient()` (an
 * `HttpClient` that answers real HTTP text, under the ordinary client). Every outcome, success
 * or typed error, is compared as plain data, for fixed edge cases and for generated requests.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, FastCheck as fc, ManagedRuntime } from "effect"
import { MAX_DEPTH } from "@kaizen-effect/engine/json"
import { KaizenClient, KaizenLocal } from "../../src/index.js"
import { engineClient, engineOverHttp, mockClient } from "../support/clients.js"
import { json } from "../support/mockHttp.js"
import * as KaizenNode from "../../src/KaizenNode.js"

type Service = KaizenClient.Service

const maxBodyBytes = 4096
const direct = ManagedRuntime.make(engineClient({ maxBodyBytes }))
const overHttp = ManagedRuntime.make(engineOverHttp({}, KaizenLocal.layerHttpClient({ maxBodyBytes })))

/** What a call gives (its value or its typed error), as plain data; the request ID is each call's own. */
const outcome = (runtime: typeof direct, call: (kaizen: Service) => Effect.Effect<unknown, unknown>) =>
  Effect.promise(() =>
    runtime.runPromise(Effect.flatMap(KaizenClient, (kaizen) => Effect.either(Effect.suspend(() => call(kaizen)))))
  ).pipe(
    Effect.map(Either.match({
      onLeft: (error) => {
        const { cause: _cause, ...fields } = error as Record<string, unknown>
        return { error: { ...fields, message: (error as { message: string }).message, requestId: typeof fields.requestId } }
      },
      onRight: (value) => ({ value: JSON.parse(JSON.stringify(value)), requestId: typeof (value as { requestId?: unknown }).requestId })
    }))
  )

const sameOnBothRoutes = (call: (kaizen: Service) => Effect.Effect<unknown, unknown>) =>
  Effect.gen(function*() {
    const value = yield* outcome(direct, call)
    const text = yield* outcome(overHttp, call)
    expect(value).toEqual(text)
    return value
  })

const deep = (levels: number): unknown => {
  let value: unknown = "leaf"
  for (let i = 0; i < levels; i++) value = [value]
  return value
}

const table = { rows: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `user-${i}`, score: i / 7, ok: i % 2 === 0 })) }

const inputs: ReadonlyArray<readonly [string, unknown]> = [
  ["a table", table],
  ["non-ASCII text, emoji and escapes", { text: "naïve café ☕ 🎉 \"quoted\" \\ back\nline\ttab\u0001", "clé ✓": ["ü", "😀"] }],
  ["numbers JSON writes in exponent form, negative zero and large integers", [1e21, 1.5e-7, -0, 2 ** 53, -123.456, 0.1 + 0.2]],
  ["empty containers and nulls", { a: {}, b: [], c: null, d: [[], {}], e: "" }],
  ["a top-level string", "just text"],
  ["a top-level number", 42],
  [`a value ${MAX_DEPTH} levels deep`, deep(MAX_DEPTH)],
  // Not plainly JSON: the direct layer writes these as text, exactly as over HTTP.
  ["a Date", { when: new Date(0) }],
  ["an undefined property", { a: 1, b: undefined }],
  ["a class instance", { point: new (class Point { x = 1; y = 2 })() }],
  ["a null-prototype object", Object.assign(Object.create(null), { a: 1 })],
  ["a lone surrogate (422)", { text: "broken \uD800 here" }],
  ["a lone surrogate in a key (422)", { ["k\uDC00"]: 1 }],
  ["a body over the engine's size limit (413)", { text: "é".repeat(maxBodyBytes) }],
  [`a value ${MAX_DEPTH + 1} levels deep (refused by the client)`, deep(MAX_DEPTH + 1)],
  ["NaN (refused by the client)", { n: Number.NaN }]
]

describe("the direct layer and the HTTP layer answer alike", () => {
  for (const [name, data] of inputs) {
    it.effect(`compress and optimize: ${name}`, () =>
      Effect.gen(function*() {
        yield* sameOnBothRoutes((kaizen) => kaizen.compress({ data }))
        yield* sameOnBothRoutes((kaizen) => kaizen.optimize({ data, options: { delimiter: "|", length_marker: true } }))
      }))
  }

  it.effect("token counts, prompts with schemas and metadata, the decode routes and health", () =>
    Effect.gen(function*() {
      yield* sameOnBothRoutes((kaizen) => kaizen.optimize({ data: table, token_models: ["gpt-4o"] }))
      yield* sameOnBothRoutes((kaizen) =>
        kaizen.promptsEncode({ prompt: { messages: [{ role: "user", content: "hi ☕" }] }, schemas: { S: { type: "object" } }, metadata: { trace: [1, 2] } })
      )
      yield* sameOnBothRoutes((kaizen) => kaizen.optimizeRequest({ prompt: `Rows: ${JSON.stringify(table)}`, metadata: { n: 1 } }))
      const compressed = yield* sameOnBothRoutes((kaizen) => kaizen.compress({ data: table }))
      const ktof = (compressed as { value: { result: string } }).value.result
      yield* sameOnBothRoutes((kaizen) => kaizen.decompress({ data: ktof }))
      yield* sameOnBothRoutes((kaizen) => kaizen.optimizeResponse({ ktof }))
      yield* sameOnBothRoutes((kaizen) => kaizen.promptsDecode({ ktof, replay_meta: { a: { b: 1 } }, metadata: { c: 2 } }))
      const broken = yield* sameOnBothRoutes((kaizen) => kaizen.decompress({ data: "items[3]: 1,2" }))
      expect(broken).toMatchObject({ error: { _tag: "KaizenAPIError", statusCode: 400 } })
      yield* sameOnBothRoutes((kaizen) => kaizen.health())
    }))

  // Requests of every operation, valid and not: the engine's 200s, 400s, 413s and 422s, and
  // the client's own refusals, all compared.
  const text = fc.oneof(
    fc.string(),
    fc.constantFrom("a: 1", "[2]: 1,2", "users[1]{id,name}:\n  1,Ada", "a:\n  b: [", "\uD800", "x".repeat(maxBodyBytes + 1))
  )
  const value = fc.oneof(
    { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>({ s: "\uDC00" }, Number.NaN, { big: "é".repeat(maxBodyBytes) }) }
  )
  const options = fc.record(
    {
      indent: fc.integer({ min: -1, max: 4 }),
      delimiter: fc.constantFrom(",", "\t", "|", ";"),
      length_marker: fc.boolean(),
      strict: fc.boolean()
    },
    { requiredKeys: [] }
  )
  const request = fc.oneof(
    fc.record({ op: fc.constant("compress" as const), body: fc.record({ data: value, options }, { requiredKeys: ["data"] }) }),
    fc.record({
      op: fc.constant("optimize" as const),
      body: fc.record({ data: value, options, token_models: fc.constantFrom(["gpt-4o"], ["unknown-model"]) }, {
        requiredKeys: ["data"]
      })
    }),
    fc.record({ op: fc.constant("optimizeRequest" as const), body: fc.record({ prompt: fc.oneof(value, text), metadata: value }, { requiredKeys: ["prompt"] }) }),
    fc.record({ op: fc.constant("promptsEncode" as const), body: fc.record({ prompt: value, schemas: fc.dictionary(fc.string(), value), metadata: value }, { requiredKeys: ["prompt"] }) }),
    fc.record({ op: fc.constant("decompress" as const), body: fc.record({ data: text, options }, { requiredKeys: ["data"] }) }),
    fc.record({ op: fc.constant("optimizeResponse" as const), body: fc.record({ ktof: text, options }, { requiredKeys: ["ktof"] }) }),
    fc.record({ op: fc.constant("promptsDecode" as const), body: fc.record({ ktof: text, replay_meta: value }, { requiredKeys: ["ktof"] }) })
  )

  it.effect.prop("for generated requests of every operation, valid or not", [request], ([{ body, op }]) =>
    Effect.gen(function*() {
      yield* sameOnBothRoutes((kaizen) => (kaizen[op] as (request: unknown) => Effect.Effect<unknown, unknown>)(body))
    }), { fastCheck: { numRuns: 300 }, timeout: 120_000 }) // a few seconds alone, 25 s seen contended
})

describe("the direct layer", () => {
  it.effect("never shares the caller's objects with a response: echoed metadata is a copy", () =>
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
    }).pipe(Effect.provide(engineClient())))

  it.effect("checks a value again on every call: changed after a call, it is refused", () =>
    Effect.gen(function*() {
      const data: { values: Array<number> } = { values: [1, 2] }
      const kaizen = yield* KaizenClient
      yield* kaizen.compress({ data })
      data.values.push(Number.NaN)
      const error = yield* Effect.flip(kaizen.compress({ data }))
      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "InvalidRequest" })
      expect(error.message).toContain("NaN")
    }).pipe(Effect.provide(engineClient())))

  it.effect("is what KAIZEN_BASE_URL=local selects on the Node layers", () =>
    Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      const response = yield* kaizen.compress({ data: { a: 1 } })
      expect(response.result).toBe("a: 1")
      expect(kaizen.config.baseUrl).toBe("local")
    }).pipe(Effect.provide(KaizenNode.layer({ baseUrl: "local" }))))
})

describe("KaizenLocal.layerHttpClient()", () => {
  it.effect("reads a hand-made request as a server reads it, and answers HTTP text", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(
        HttpClientRequest.post("local/v1/compress").pipe(HttpClientRequest.bodyUnsafeJson({ data: { a: 1 } }))
      )
      expect(response.status).toBe(200)
      expect(response.headers["content-type"]).toBe("application/json")
      expect(JSON.parse(yield* response.text).result).toBe("a: 1")
    }).pipe(Effect.provide(KaizenLocal.layerHttpClient())))

  it("routes the same base URL value the configuration uses for the engine", async () => {
    const { LOCAL_BASE_URL } = await import("../../src/local/httpClient.js")
    const { KaizenConfig } = await import("../../src/index.js")
    expect(LOCAL_BASE_URL).toBe(KaizenConfig.LOCAL_BASE_URL)
  })

  it.effect("a mock transport sees plain JSON text from the client, whatever the value", () =>
    Effect.gen(function*() {
      const mock = mockClient(() => json({ result: "x" }))
      yield* Effect.flatMap(KaizenClient, (k) => k.compress({ data: table })).pipe(Effect.provide(mock.layer))
      expect(JSON.parse(mock.requests[0]!.body!)).toEqual({ data: table })
    }))
})

describe("the empty KTOF document", () => {
  it.effect("is {} on all three decode routes, from the client as from the engine", () =>
    Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      expect((yield* kaizen.decompress({ data: "" })).result).toEqual({})
      expect((yield* kaizen.optimizeResponse({ ktof: "" })).result).toEqual({})
      expect((yield* kaizen.promptsDecode({ ktof: "" })).result).toEqual({})
      expect((yield* kaizen.compress({ data: {} })).result).toBe("")
    }).pipe(Effect.provide(KaizenLocal.layer())))
})
