import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, FastCheck as fc, ManagedRuntime } from "effect"
import { KaizenClient } from "../src/index.js"
import type { KaizenRequestError } from "../src/index.js"
import { mockClient } from "./support/clients.js"
import { json } from "./support/mockHttp.js"

// Each bad input, the operation it goes to, and the path the error message must name.
const circular: Record<string, unknown> = { name: "loop" }
circular.self = circular
const shared = { x: 1 }

interface Case {
  readonly name: string
  readonly call: (k: KaizenClient.Service) => Effect.Effect<unknown, unknown>
  readonly mentions: ReadonlyArray<string>
}

const nested = (levels: number): unknown => {
  let value: unknown = 0
  for (let i = 0; i < levels; i++) value = [value]
  return value
}

const cases: Array<Case> = [
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
  { name: "a ktof that is not a string", call: (k) => k.promptsDecode({ ktof: 7 as never }), mentions: ["ktof", "KTOF string"] },
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
  { name: "an Error", call: (k) => k.compress({ data: { e: new Error("x") } }), mentions: ["data.e", "an Error"] },
  { name: "a TypeError", call: (k) => k.compress({ data: [new TypeError("x")] }), mentions: ["data[0]", "an Error"] },
  {
    // A `null` to drop makes the client copy the request: the copy keeps `__proto__` as a field.
    name: "a `__proto__` field beside a null option",
    call: (k) => k.compress(JSON.parse(`{"data":1,"options":null,"__proto__":{"options":{"indent":8}}}`)),
    mentions: ["__proto__", "is unexpected"]
  },
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
  ...[1_001, 1_500, 3_000, 20_000].map((levels): Case => ({
    name: `nesting ${levels} levels deep (the service refuses over 1,000)`,
    call: (k) => k.compress({ data: nested(levels) }),
    mentions: ["data[0][0]", `more)…[0][0]`, "nested more than 1000 levels"]
  })),
  {
    name: "a getter that throws",
    call: (k) => k.compress({ data: { a: 1, get b(): number { throw new Error("boom") } } }),
    mentions: ["data.b", "reading this property threw (boom)"]
  },
  {
    name: "a toJSON that throws",
    call: (k) => k.compress({ data: { when: { toJSON: () => { throw new Error("no JSON for you") } } } }),
    mentions: ["data.when", "toJSON method threw (no JSON for you)"]
  },
  {
    name: "a Proxy whose trap throws",
    call: (k) =>
      k.compress({
        data: {
          p: new Proxy({}, {
            ownKeys: () => {
              throw new Error("trap")
            }
          })
        }
      }),
    mentions: ["data.p", "threw (trap)"]
  },
  { name: "new Number(NaN)", call: (k) => k.compress({ data: { n: new Number(NaN) } }), mentions: ["data.n", "NaN"] },
  { name: "new Number(Infinity)", call: (k) => k.compress({ data: [new Number(Infinity)] }), mentions: ["data[0]", "Infinity"] },
  { name: "an Invalid Date", call: (k) => k.compress({ data: { at: new Date("nope") } }), mentions: ["data.at", "Invalid Date"] }
]

describe("bad input is refused locally and nothing is sent", () => {
  for (const { call, mentions, name } of cases) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const mock = mockClient(() => json({ status: "success", result: "x" }))
        const error = yield* Effect.flatMap(KaizenClient, call).pipe(
          Effect.provide(mock.layer),
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
      const mock = mockClient(() => json({ status: "success", result: "x" }))
      yield* Effect.flatMap(KaizenClient, (k) =>
        k.compress({ data: { a: shared, b: shared, at: new Date(0), skipped: undefined } })).pipe(
          Effect.provide(mock.layer)
        )
      expect(JSON.parse(mock.requests[0]!.body!)).toEqual({
        data: { a: { x: 1 }, b: { x: 1 }, at: "1970-01-01T00:00:00.000Z" }
      })
    }))

  it.effect("every problem is reported, not only the first", () =>
    Effect.gen(function*() {
      const mock = mockClient(() => json({}))
      const error = yield* Effect.flatMap(KaizenClient, (k) =>
        k.promptsEncode({ prompt: "x", token_models: "gpt-4o" as never, options: { indent: 0 } })).pipe(
          Effect.provide(mock.layer),
          Effect.flip
        )
      expect(error.message).toContain("token_models")
      expect(error.message).toContain("options.indent")
    }))
})

describe("length_marker", () => {
  it.effect("takes true, false or \"#\" and nothing else", () =>
    Effect.gen(function*() {
      const mock = mockClient(() => json({ status: "success", result: "x" }))
            for (const length_marker of [true, false, "#"] as const) {
        yield* Effect.flatMap(KaizenClient, (k) => k.compress({ data: [1], options: { length_marker } })).pipe(
          Effect.provide(mock.layer)
        )
      }
      const error = yield* Effect.flatMap(KaizenClient, (k) =>
        k.compress({ data: [1], options: { length_marker: "*" as never } })).pipe(Effect.provide(mock.layer), Effect.flip)
      expect(error.message).toContain("options.length_marker: length_marker must be true, false or \"#\"")
      expect(mock.requests).toHaveLength(3)
    }))
})

describe("values past the fast check", () => {
  it.effect("a valid value nested 200 levels deep (beyond the allocation-free check) is sent intact", () =>
    Effect.gen(function*() {
      let deep: unknown = { leaf: "x" }
      for (let i = 0; i < 200; i++) deep = i % 2 === 0 ? [deep] : { next: deep }
      const mock = mockClient(() => json({ status: "success", result: "x" }))
      yield* Effect.flatMap(KaizenClient, (k) => k.compress({ data: deep })).pipe(
        Effect.provide(mock.layer)
      )
      expect(JSON.parse(mock.requests[0]!.body!)).toEqual({ data: deep })
    }))

  it.effect("a cycle deep inside a plain value is still found, with its path", () =>
    Effect.gen(function*() {
      const inner: Record<string, unknown> = { id: 1 }
      inner.parent = { child: inner }
      const mock = mockClient(() => json({}))
      const error = yield* Effect.flatMap(KaizenClient, (k) => k.compress({ data: { rows: [inner] } })).pipe(
        Effect.provide(mock.layer),
        Effect.flip
      )
      expect(error.message).toContain("data.rows[0].parent.child: circular reference")
      expect(mock.requests).toHaveLength(0)
    }))
})

// What a JavaScript value means as JSON, computed without JSON.stringify (whose silent losses
// are what is under test): a JSON value, or `unrepresentable` where JSON has no exact form.
const unrepresentable = Symbol("unrepresentable")
const dropped = Symbol("dropped")

const jsonMeaning = (value: unknown, key: string, inArray: boolean, ancestors: Set<object>): unknown => {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value
    case "number":
      return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : unrepresentable
    case "bigint":
      return unrepresentable
    case "undefined":
    case "function":
    case "symbol":
      // JSON.stringify drops such a property, and nulls such an element.
      return inArray ? unrepresentable : dropped
  }
  if (value === null) return null
  const object = value as object
  if (ancestors.has(object)) return unrepresentable
  if (object instanceof Number || object instanceof String || object instanceof Boolean) {
    return jsonMeaning(object.valueOf(), key, inArray, ancestors)
  }
  if (object instanceof Date) return Number.isFinite(object.getTime()) ? object.toISOString() : unrepresentable
  if (
    object instanceof Map || object instanceof Set || object instanceof WeakMap || object instanceof WeakSet ||
    object instanceof RegExp || object instanceof Error || ArrayBuffer.isView(object) || object instanceof ArrayBuffer || object instanceof Promise
  ) return unrepresentable
  const toJSON = (object as { toJSON?: unknown }).toJSON
  if (typeof toJSON === "function") return jsonMeaning(toJSON.call(object, key), key, inArray, ancestors)
  ancestors.add(object)
  try {
    if (Array.isArray(object)) {
      const out: Array<unknown> = []
      for (let i = 0; i < object.length; i++) {
        const item = jsonMeaning(object[i], String(i), true, ancestors)
        if (item === unrepresentable || item === dropped) return unrepresentable
        out.push(item)
      }
      return out
    }
    const out: Record<string, unknown> = {}
    for (const name of Object.keys(object)) {
      const field = jsonMeaning((object as Record<string, unknown>)[name], name, false, ancestors)
      if (field === unrepresentable) return unrepresentable
      if (field !== dropped) Object.defineProperty(out, name, { value: field, enumerable: true, writable: true, configurable: true })
    }
    return out
  } finally {
    ancestors.delete(object)
  }
}

describe("every input is refused with a path, or sent exactly", () => {
  const mock = mockClient(() => json({ status: "success", result: "x" }))
  // One client for every run: the property is about the value, not the layer.
  const client = ManagedRuntime.make(mock.layer)
  const values = fc.anything({
    maxDepth: 4,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withTypedArray: true,
    withObjectString: true
  })
  const special = fc.constantFrom<unknown>(
    new Date(Number.NaN),
    new Number(Number.NaN),
    new Number(-0),
    { toJSON: () => undefined },
    { toJSON: () => ({ inner: Number.POSITIVE_INFINITY }) },
    [() => 1],
    { fn: () => 1 },
    nested(1_001)
  )

  it.effect.prop("for generated JavaScript values", [fc.oneof(values, special, fc.array(fc.oneof(values, special), { maxLength: 3 }))], ([data]) =>
    Effect.gen(function*() {
      const before = mock.requests.length
      const result = yield* Effect.promise(() =>
        client.runPromise(Effect.either(Effect.flatMap(KaizenClient, (k) => k.compress({ data }))))
      )
      const meaning = jsonMeaning(data, "data", false, new Set())
      if (Either.isLeft(result)) {
        expect(result.left).toMatchObject({ _tag: "KaizenRequestError", reason: "InvalidRequest" })
        // The path of what was refused: `data` itself or somewhere inside it.
        expect(result.left.message).toMatch(/^Invalid compress request \(nothing was sent\): data\b/)
        expect(mock.requests.length).toBe(before)
      } else {
        // Sent: exactly what the value means, and only when it has an exact meaning.
        expect(meaning === unrepresentable || meaning === dropped).toBe(false)
        expect(JSON.parse(mock.requests.at(-1)!.body!)).toEqual({ data: meaning })
      }
    }), { fastCheck: { numRuns: 1000 }, timeout: 120_000 })
})
