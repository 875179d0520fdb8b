/**
 * The compiled guards (src/contract/guard.ts) answer exactly as `Schema.is` does (the Effect 3
 * line's test/contract/guard.test.ts, on Effect 4's own Schema-derived arbitraries), for every
 * contract Schema and for Schemas made to reach every node kind the guard compiles and every
 * case it leaves to Effect, on values of three kinds: generated from the Schema itself, those
 * values after random mutations (fields removed, replaced by edge values or anything, added,
 * moved onto a prototype, symbol keys added, the value put in an array), and arbitrary values of any shape.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import { fallbacksOf, guard } from "../src/contract/guard.js"
import * as Requests from "../src/contract/requests.js"
import * as Responses from "../src/contract/responses.js"

const Index = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

// Field names of the contract (so existing fields are replaced), or any name.
const names = [
  "data", "options", "indent", "delimiter", "length_marker", "strict", "result", "status", "stats",
  "reduction_ratio", "token_stats", "meta", "raw", "optimized", "tokens", "replacements", "operation",
  "ktof", "prompt", "metadata", "auto_detect_json", "token_models", "schemas", "replay_meta", "start",
  "preview", "detail", "loc", "code", "_tag", "n", "s", "u", "list", "toString"
] as const

// Values that sit on the edges of the contract's checks and types.
const edges: ReadonlyArray<unknown> = [undefined, null, 0, -0, 1, 1.5, -1, NaN, Infinity, 2 ** 31, "", "#", ",", "\t", "|", "a", true, false, [], {}, [null]]

const Mutation = Schema.Union([
  Schema.Struct({ _tag: Schema.Literal("delete"), at: Index, key: Index }),
  // An existing field's value replaced by an edge value (where the checks are).
  Schema.Struct({ _tag: Schema.Literal("replace"), at: Index, key: Index, edge: Index }),
  Schema.Struct({
    _tag: Schema.Literal("set"),
    at: Index,
    key: Schema.Union([Schema.Literals(names), Schema.String]),
    edge: Schema.optionalKey(Index),
    value: Schema.Unknown
  }),
  // The key goes to a prototype of its own: Effect looks a field up with `in`, an index signature with `Object.keys`.
  Schema.Struct({ _tag: Schema.Literal("inherit"), at: Index, key: Index }),
  Schema.Struct({ _tag: Schema.Literal("nullPrototype"), at: Index }),
  Schema.Struct({ _tag: Schema.Literal("symbol"), at: Index }),
  Schema.Struct({ _tag: Schema.Literal("wrap") })
])
type Mutation = typeof Mutation.Type

const isObject = (u: unknown): u is Record<PropertyKey, unknown> => typeof u === "object" && u !== null

/** A copy of a generated value: plain arrays and objects, own keys only. */
const clone = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(clone)
  if (!isObject(value)) return value
  const out: Record<PropertyKey, unknown> = {}
  for (const key of Reflect.ownKeys(value)) out[key] = clone(value[key])
  return out
}

/** Every object inside `value` (itself included), in a fixed order. */
const objectsOf = (value: unknown, out: Array<Record<PropertyKey, unknown>> = []) => {
  if (isObject(value) && !out.includes(value)) {
    out.push(value)
    for (const child of Object.values(value)) objectsOf(child, out)
  }
  return out
}

const mutate = (value: unknown, mutations: ReadonlyArray<Mutation>): unknown => {
  let current = clone(value)
  for (const m of mutations) {
    if (m._tag === "wrap") {
      current = [current]
      continue
    }
    const objects = objectsOf(current)
    if (objects.length === 0) continue
    const target = objects[m.at % objects.length]!
    const keys = Object.keys(target)
    switch (m._tag) {
      case "delete":
        if (keys.length > 0) delete target[keys[m.key % keys.length]!]
        break
      case "replace":
        if (keys.length > 0) target[keys[m.key % keys.length]!] = edges[m.edge % edges.length]
        break
      case "set":
        target[m.key] = m.edge === undefined ? m.value : edges[m.edge % edges.length]
        break
      case "inherit":
        if (keys.length > 0 && !Array.isArray(target)) {
          const key = keys[m.key % keys.length]!
          const prototype = Object.create(Object.getPrototypeOf(target))
          prototype[key] = target[key]
          delete target[key]
          Object.setPrototypeOf(target, prototype)
        }
        break
      case "nullPrototype":
        if (!Array.isArray(target)) Object.setPrototypeOf(target, null)
        break
      case "symbol":
        target[Symbol("extra")] = 1
        break
    }
  }
  return current
}

/**
 * The Type side with its `Schema.declare`d JSON values (which have no arbitrary) generated as
 * `Schema.Json`: the guard leaves declarations to Effect, so any value does for them.
 */
const forGeneration = (ast: SchemaAST.AST): SchemaAST.AST => {
  switch (ast._tag) {
    case "Declaration":
      return new SchemaAST.Union([Schema.Json.ast], undefined, undefined, undefined, undefined, ast.context)
    case "Objects":
      return new SchemaAST.Objects(
        ast.propertySignatures.map((field) => new SchemaAST.PropertySignature(field.name, forGeneration(field.type))),
        ast.indexSignatures.map((signature) => new SchemaAST.IndexSignature(signature.parameter, forGeneration(signature.type))),
        ast.annotations,
        ast.checks,
        undefined,
        ast.context
      )
    case "Arrays":
      return new SchemaAST.Arrays(ast.isMutable, ast.elements.map(forGeneration), ast.rest.map(forGeneration), ast.annotations, ast.checks, undefined, ast.context)
    case "Union":
      return new SchemaAST.Union(ast.types.map(forGeneration), ast.options, ast.annotations, ast.checks, undefined, ast.context)
    default:
      return ast
  }
}

const Kind = Schema.Literals(["generated", "mutated", "arbitrary"])

const compare = (schema: Schema.Top, runs = 600) =>
  Effect.gen(function*() {
    const fast = guard(schema)
    const reference = Schema.is(schema)
    const generated = Arbitrary.schema(Schema.make<Schema.Top>(forGeneration(SchemaAST.toType(schema.ast))))
    const mutated = Arbitrary.map(
      Arbitrary.all([generated, Arbitrary.array(Arbitrary.schema(Mutation), { minLength: 1, maxLength: 4 })]),
      ([value, mutations]) => mutate(value, mutations)
    )
    const arbitrary = Arbitrary.schema(Schema.Unknown)
    const values = Arbitrary.flatMap(
      Arbitrary.schema(Kind),
      (kind) => kind === "generated" ? generated : kind === "mutated" ? mutated : arbitrary
    )
    let accepted = 0
    let refused = 0
    const result = yield* Arbitrary.checkEffect(values, (u) => {
      const expected = reference(u)
      if (expected) accepted++
      else refused++
      return fast(u) === expected
    }, { runs })
    expect(Arbitrary.formatCheckFailure(result)).toBeUndefined()
    expect(result._tag).toBe("Passed")
    // The comparison covered both answers, not only one.
    expect(accepted).toBeGreaterThan(runs / 12)
    expect(refused).toBeGreaterThan(runs / 12)
  })

const envelopes = {
  EncodeResponse: Responses.EncodeResponse,
  DecodeResponse: Responses.DecodeResponse,
  HealthResponse: Responses.HealthResponse,
  Stats: Responses.Stats,
  TokenCount: Responses.TokenCount,
  TokenStats: Responses.TokenStats,
  Replacement: Responses.Replacement,
  Meta: Responses.Meta,
  ErrorBody: Responses.ErrorBody,
  ValidationErrorItem: Responses.ValidationErrorItem
}

const requests = {
  EncodeRequest: Requests.EncodeRequest,
  OptimizeRequest: Requests.OptimizeRequest,
  DecodeRequest: Requests.DecodeRequest,
  OptimizeRequestPayload: Requests.OptimizeRequestPayload,
  PromptEncodePayload: Requests.PromptEncodePayload,
  OptimizeResponsePayload: Requests.OptimizeResponsePayload,
  PromptDecodePayload: Requests.PromptDecodePayload,
  EncodeOptions: Requests.EncodeOptions,
  DecodeOptions: Requests.DecodeOptions,
  Delimiter: Requests.Delimiter
}

const Tagged = Schema.Union([
  Schema.Struct({ _tag: Schema.Literal("a"), n: Schema.Number }),
  Schema.Struct({ _tag: Schema.Literal("b"), s: Schema.optionalKey(Schema.String) })
])

// Each node kind the guard compiles, and each case it leaves to Effect, at least once.
const kinds = {
  "keywords, literals and checks": Schema.Struct({
    s: Schema.String.check(Schema.isMinLength(1)),
    n: Schema.optionalKey(Schema.Int.check(Schema.isInt32())),
    u: Schema.optional(Schema.Null),
    data: Schema.Union([Schema.Literal(1), Schema.Literal("1"), Schema.Boolean, Schema.Undefined]),
    options: Schema.Any
  }),
  "arrays, records and nested unions": Schema.Struct({
    list: Schema.Array(Schema.Union([Schema.String, Schema.Array(Schema.Number)])),
    meta: Schema.optionalKey(Schema.Record(Schema.String, Tagged))
  }),
  "a number with a check group": Schema.Number.check(Schema.isInt32()),
  "a string with checks": Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(3)),
  "a union with literal fields": Tagged,
  "a oneOf union": Schema.Union([Schema.String, Schema.Literal("a"), Schema.Number], { mode: "oneOf" }),
  "a checked struct": Schema.Struct({ n: Schema.Number, s: Schema.optionalKey(Schema.String) }).check(
    Schema.makeFilter((o) => Object.keys(o).length < 2)
  ),
  "a field named like an Object.prototype member": Schema.Struct({ toString: Schema.optionalKey(Schema.String), n: Schema.Number }),
  "a tuple": Schema.Tuple([Schema.String, Schema.optionalKey(Schema.Number)]),
  "a record of checked keys": Schema.Record(Schema.String.check(Schema.isMaxLength(1)), Schema.Number)
}

// Accepts anything but null and undefined: left to Effect, so not compared (it refuses too few values).
const EmptyStruct = Schema.Struct({})

describe("guard answers as Schema.is does", () => {
  for (const [name, schema] of Object.entries({ ...envelopes, ...requests, ...kinds })) {
    it.effect(name, () => compare(schema))
  }

  it("the envelopes are compiled whole, but for the decoded `result` (any JSON, a declaration)", () => {
    for (const schema of [Responses.EncodeResponse, Responses.HealthResponse, Responses.ErrorBody, Responses.TokenStats]) {
      expect(fallbacksOf(schema)).toEqual([])
    }
    expect(fallbacksOf(Responses.DecodeResponse).map((ast) => ast._tag)).toEqual(["Declaration"])
  })

  it("what the guard does not compile is left to Effect", () => {
    expect(fallbacksOf(kinds["keywords, literals and checks"])).toEqual([])
    expect(fallbacksOf(kinds["arrays, records and nested unions"])).toEqual([])
    expect(fallbacksOf(kinds["a number with a check group"])).toEqual([])
    for (const name of ["a oneOf union", "a checked struct", "a field named like an Object.prototype member", "a tuple", "a record of checked keys"] as const) {
      expect(fallbacksOf(kinds[name]).length, name).toBe(1)
    }
    expect(fallbacksOf(EmptyStruct).length).toBe(1)
  })
})
