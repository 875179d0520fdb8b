import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { KaizenClient } from "../src/index.js"
import type { KaizenRequestError } from "../src/index.js"
import { json, mockHttp } from "./support/mockHttp.js"

// Each bad input, the operation it goes to, and the path the error message must name.
const circular: Record<string, unknown> = { name: "loop" }
circular.self = circular
const shared = { x: 1 }

const cases: Array<{
  readonly name: string
  readonly call: (k: KaizenClient.Service) => Effect.Effect<unknown, unknown>
  readonly mentions: ReadonlyArray<string>
}> = [
  {
    name: "token_models as a string",
    call: (k) => k.promptsEncode({ prompt: "x", token_models: "gpt-4o" as never }),
    mentions: ["token_models", "list of model names"]
  },
  {
    name: "metadata as a string",
    call: (k) => k.optimizeRequest({ prompt: "x", metadata: "trace-1" as never }),
    mentions: ["metadata", "JSON object"]
  },
  { name: "indent 0", call: (k) => k.compress({ data: 1, options: { indent: 0 } }), mentions: ["options.indent", ">= 1"] },
  { name: "indent 1.5", call: (k) => k.compress({ data: 1, options: { indent: 1.5 } }), mentions: ["options.indent"] },
  {
    name: "a two-character delimiter",
    call: (k) => k.compress({ data: 1, options: { delimiter: ";;" as never } }),
    mentions: ["options.delimiter", "one of"]
  },
  { name: "an empty ktof", call: (k) => k.promptsDecode({ ktof: "" }), mentions: ["ktof", "non-empty"] },
  { name: "a missing prompt", call: (k) => k.promptsEncode({} as never), mentions: ["prompt", "is missing"] },
  {
    name: "an unknown field",
    call: (k) => k.compress({ data: 1, compression: "max" } as never),
    mentions: ["compression", "is unexpected"]
  },
  { name: "a BigInt", call: (k) => k.compress({ data: { id: 10n } }), mentions: ["data.id", "BigInt"] },
  { name: "a circular reference", call: (k) => k.compress({ data: circular }), mentions: ["data.self", "circular"] },
  { name: "a function", call: (k) => k.promptsEncode({ prompt: { f: () => 1 } }), mentions: ["prompt.f", "function"] },
  { name: "a symbol", call: (k) => k.compress({ data: [Symbol("s")] }), mentions: ["data[0]", "symbol"] },
  { name: "NaN", call: (k) => k.compress({ data: { score: NaN } }), mentions: ["data.score", "NaN"] },
  { name: "Infinity", call: (k) => k.compress({ data: [1, Infinity] }), mentions: ["data[1]", "Infinity"] },
  { name: "-Infinity", call: (k) => k.optimize({ data: { t: -Infinity } }), mentions: ["data.t", "-Infinity"] },
  { name: "a Map", call: (k) => k.compress({ data: new Map([["a", 1]]) }), mentions: ["data", "Map"] },
  { name: "undefined in an array", call: (k) => k.compress({ data: [1, undefined] }), mentions: ["data[1]", "undefined"] },
  {
    name: "a nested unknown option",
    call: (k) => k.promptsDecode({ ktof: "a: 1", options: { strict: true, lenient: 1 } as never }),
    mentions: ["options.lenient"]
  },
  {
    name: "a non-JSON value inside metadata",
    call: (k) => k.promptsDecode({ ktof: "a: 1", metadata: { at: 1n } as never }),
    mentions: ["metadata.at", "BigInt"]
  },
  {
    name: "nesting too deep to serialise",
    call: (k) => {
      let deep: unknown = 0
      for (let i = 0; i < 20_000; i++) deep = [deep]
      return k.compress({ data: deep })
    },
    mentions: ["cannot be serialised"]
  }
]

describe("bad input is refused locally and nothing is sent", () => {
  for (const { call, mentions, name } of cases) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const mock = mockHttp(() => json({ status: "success", result: "x" }))
        const error = yield* Effect.flatMap(KaizenClient.KaizenClient, call).pipe(
          Effect.provide(KaizenClient.KaizenClient.layer().pipe(Layer.provide(mock.layer))),
          Effect.flip
        )
        const refused = error as KaizenRequestError
        expect(refused._tag).toBe("KaizenRequestError")
        expect(refused.reason).toBe("InvalidRequest")
        expect(refused.message).toMatch(/^Invalid \w+ request \(nothing was sent\): /)
        for (const text of mentions) expect(refused.message).toContain(text)
        expect(mock.requests).toHaveLength(0)
      }))
  }

  it.effect("what JSON carries faithfully is accepted: shared references, Dates, undefined properties", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ status: "success", result: "x" }))
      yield* Effect.flatMap(KaizenClient.KaizenClient, (k) =>
        k.compress({ data: { a: shared, b: shared, at: new Date(0), skipped: undefined } })).pipe(
          Effect.provide(KaizenClient.KaizenClient.layer().pipe(Layer.provide(mock.layer)))
        )
      expect(JSON.parse(mock.requests[0]!.body!)).toEqual({
        data: { a: { x: 1 }, b: { x: 1 }, at: "1970-01-01T00:00:00.000Z" }
      })
    }))

  it.effect("every problem is reported, not only the first", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({}))
      const error = yield* Effect.flatMap(KaizenClient.KaizenClient, (k) =>
        k.promptsEncode({ prompt: "x", token_models: "gpt-4o" as never, options: { indent: 0 } })).pipe(
          Effect.provide(KaizenClient.KaizenClient.layer().pipe(Layer.provide(mock.layer))),
          Effect.flip
        )
      expect(error.message).toContain("token_models")
      expect(error.message).toContain("options.indent")
    }))
})

describe("length_marker", () => {
  it.effect("takes true, false or \"#\" and nothing else", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ status: "success", result: "x" }))
      const layer = KaizenClient.KaizenClient.layer().pipe(Layer.provide(mock.layer))
      for (const length_marker of [true, false, "#"] as const) {
        yield* Effect.flatMap(KaizenClient.KaizenClient, (k) => k.compress({ data: [1], options: { length_marker } })).pipe(
          Effect.provide(layer)
        )
      }
      const error = yield* Effect.flatMap(KaizenClient.KaizenClient, (k) =>
        k.compress({ data: [1], options: { length_marker: "*" as never } })).pipe(Effect.provide(layer), Effect.flip)
      expect(error.message).toContain("options.length_marker: length_marker must be true, false or \"#\"")
      expect(mock.requests).toHaveLength(3)
    }))
})

describe("values past the fast check", () => {
  it.effect("a valid value nested 200 levels deep (beyond the allocation-free check) is sent intact", () =>
    Effect.gen(function*() {
      let deep: unknown = { leaf: "x" }
      for (let i = 0; i < 200; i++) deep = i % 2 === 0 ? [deep] : { next: deep }
      const mock = mockHttp(() => json({ status: "success", result: "x" }))
      yield* Effect.flatMap(KaizenClient.KaizenClient, (k) => k.compress({ data: deep })).pipe(
        Effect.provide(KaizenClient.KaizenClient.layer().pipe(Layer.provide(mock.layer)))
      )
      expect(JSON.parse(mock.requests[0]!.body!)).toEqual({ data: deep })
    }))

  it.effect("a cycle deep inside a plain value is still found, with its path", () =>
    Effect.gen(function*() {
      const inner: Record<string, unknown> = { id: 1 }
      inner.parent = { child: inner }
      const mock = mockHttp(() => json({}))
      const error = yield* Effect.flatMap(KaizenClient.KaizenClient, (k) => k.compress({ data: { rows: [inner] } })).pipe(
        Effect.provide(KaizenClient.KaizenClient.layer().pipe(Layer.provide(mock.layer))),
        Effect.flip
      )
      expect(error.message).toContain("data.rows[0].parent.child: circular reference")
      expect(mock.requests).toHaveLength(0)
    }))
})
