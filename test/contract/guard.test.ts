/**
 * The compiled guards (src/contract/guard.ts) answer exactly as `Schema.is` does, for every
 * Schema the client and the engine check with them, on values of three kinds: generated from
 * the Schema itself (valid, or nearly: optional fields present and absent), those values after
 * random mutations (fields removed, replaced by anything, unknown and symbol keys added, the
 * value put in an array), and arbitrary values of any shape.
 */
import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, FastCheck as fc, Schema } from "effect"
import { guard } from "../../src/contract/guard.js"
import * as Requests from "../../src/contract/requests.js"
import * as Responses from "../../src/contract/responses.js"
import { Endpoints } from "../../src/contract/endpoints.js"

type Mutation =
  | { readonly _tag: "delete"; readonly at: number; readonly key: number }
  | { readonly _tag: "set"; readonly at: number; readonly key: string; readonly value: unknown }
  | { readonly _tag: "symbol"; readonly at: number }
  | { readonly _tag: "wrap" }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ _tag: fc.constant("delete" as const), at: fc.nat(), key: fc.nat() }),
  fc.record({
    _tag: fc.constant("set" as const),
    at: fc.nat(),
    // Existing field names often (so types are replaced), other names sometimes.
    key: fc.oneof(
      fc.constantFrom("data", "options", "indent", "delimiter", "length_marker", "strict", "result", "status", "stats",
        "reduction_ratio", "token_stats", "meta", "raw", "optimized", "tokens", "replacements", "operation", "ktof",
        "prompt", "metadata", "auto_detect_json", "token_models", "schemas", "replay_meta", "start", "preview"),
      fc.string({ maxLength: 4 })
    ),
    value: fc.oneof(
      fc.constantFrom(undefined, null, 0, -0, 1.5, NaN, "", "#", ",", true),
      fc.constantFrom("array", "object").map((kind) => (kind === "array" ? [] : {})),
      fc.anything()
    )
  }),
  fc.record({ _tag: fc.constant("symbol" as const), at: fc.nat() }),
  fc.record({ _tag: fc.constant("wrap" as const) })
)

/** Every object inside `value` (itself included), in a fixed order. */
const objectsOf = (value: unknown, out: Array<Record<PropertyKey, unknown>> = []) => {
  if (typeof value === "object" && value !== null && !out.includes(value as Record<PropertyKey, unknown>)) {
    out.push(value as Record<PropertyKey, unknown>)
    for (const child of Object.values(value)) objectsOf(child, out)
  }
  return out
}

const mutate = (value: unknown, mutations: ReadonlyArray<Mutation>): unknown => {
  let current: unknown = structuredClone(value)
  for (const m of mutations) {
    if (m._tag === "wrap") {
      current = [current]
      continue
    }
    const objects = objectsOf(current)
    if (objects.length === 0) continue
    const target = objects[m.at % objects.length]!
    if (m._tag === "delete") {
      const keys = Object.keys(target)
      if (keys.length > 0) delete target[keys[m.key % keys.length]!]
    } else if (m._tag === "set") {
      target[m.key] = m.value
    } else {
      target[Symbol("extra")] = 1
    }
  }
  return current
}

const compare = (schema: Schema.Schema<any, any, never>, options: { readonly onExcessProperty?: "error" } = {}) => {
  const fast = guard(schema, options)
  const reference = Schema.is(schema, options)
  const valid = Arbitrary.make(schema)
  const values = fc.oneof(
    valid,
    fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([value, mutations]) => mutate(value, mutations)),
    fc.anything()
  )
  let accepted = 0
  fc.assert(
    fc.property(values, (u) => {
      const expected = reference(u)
      if (expected) accepted++
      expect(fast(u)).toBe(expected)
    }),
    { numRuns: 600 }
  )
  // The comparison covered both answers, not only refusals.
  expect(accepted).toBeGreaterThan(50)
}

describe("guard answers as Schema.is does", () => {
  for (const [operation, endpoint] of Object.entries(Endpoints)) {
    if (endpoint.request === undefined) continue
    it(`the ${operation} request, unknown fields refused (the client's check)`, () =>
      compare(endpoint.request as Schema.Schema<any, any, never>, { onExcessProperty: "error" }))
    it(`the ${operation} request, unknown fields ignored (the engine's check)`, () =>
      compare(endpoint.request as Schema.Schema<any, any, never>))
  }
  const envelopes = {
    EncodeResponse: Responses.EncodeResponse,
    DecodeResponse: Responses.DecodeResponse,
    HealthResponse: Responses.HealthResponse,
    Stats: Responses.Stats,
    TokenStats: Responses.TokenStats,
    Meta: Responses.Meta,
    EncodeOptions: Requests.EncodeOptions,
    DecodeOptions: Requests.DecodeOptions
  }
  for (const [name, schema] of Object.entries(envelopes)) {
    it(`${name}`, () => compare(schema as Schema.Schema<any, any, never>))
  }
})
