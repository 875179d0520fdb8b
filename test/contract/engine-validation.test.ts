/**
 * The engine (`@kaizen-effect/engine`, no Effect) validates request bodies with its own code;
 * the library states the same contract as Effect Schemas (`Endpoints`). This test
 * keeps them equal: for bodies generated from each Schema, mutated (fields removed, replaced by
 * any JSON value or `null`, unknown and `__proto__`/`constructor` keys added, the body replaced
 * by a non-object), and arbitrary JSON, the engine gives the same request, or the same 422
 * items (`loc`, `msg`, `type`, in order), as the Schema decode the engine used to run.
 *
 * Bodies go through JSON text first: the engine validates what `JSON.parse` gives.
 */
import { describe, expect, it } from "@effect/vitest"
import { formatValue } from "../../packages/engine/src/format.js"
import type { BodyOperation, ValidationItem } from "@kaizen-effect/engine"
import { ROUTES, validateRequest } from "@kaizen-effect/engine"
import { Arbitrary, Either, FastCheck as fc, Inspectable, ParseResult, Schema } from "effect"
import { dropNullOptions } from "../../src/contract/normalize.js"
import { Endpoints } from "../../src/contract/endpoints.js"

const issueType = (tag: ParseResult.ParseIssue["_tag"]): string =>
  tag === "Missing" ? "missing" : tag === "Unexpected" ? "extra_forbidden" : tag === "Type" ? "type_error" : "value_error"

/** What the engine answered before it had its own validator: the contract's decode, as FastAPI's 422 items. */
const contractItems = (operation: BodyOperation, body: unknown): Either.Either<unknown, ReadonlyArray<ValidationItem>> => {
  const schema = Endpoints[operation].request as Schema.Schema<unknown, unknown>
  const decoded = Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "ignore" })(dropNullOptions(body))
  return Either.mapLeft(decoded, (error) => {
    const items = new Map<string, ValidationItem>()
    for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
      const loc = ["body", ...issue.path.map((key) => typeof key === "number" ? key : String(key))]
      const key = JSON.stringify(loc)
      if (!items.has(key)) {
        items.set(key, { loc, msg: issue._tag === "Missing" ? "Field required" : issue.message, type: issueType(issue._tag) })
      }
    }
    return [...items.values()]
  })
}

const jsonValue = fc.jsonValue({ maxDepth: 2 })
const anyField = fc.oneof(
  fc.constantFrom(null, 0, -0, 1, 2, 1.5, -3, 1e21, 2 ** 53, "", "#", ",", "\t", "|", ";", true, false, [], {}, ["gpt-4o"], [1, "a"]),
  jsonValue
)
const fieldName = fc.oneof(
  fc.constantFrom("data", "options", "indent", "delimiter", "length_marker", "strict", "ktof", "prompt", "metadata",
    "auto_detect_json", "token_models", "schemas", "replay_meta", "__proto__", "constructor", "toString"),
  fc.string({ maxLength: 3 })
)

type Mutation =
  | { readonly _tag: "delete"; readonly at: number; readonly key: number }
  | { readonly _tag: "set"; readonly at: number; readonly key: string; readonly value: unknown }
  | { readonly _tag: "replace"; readonly value: unknown }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ _tag: fc.constant("delete" as const), at: fc.nat(), key: fc.nat() }),
  fc.record({ _tag: fc.constant("set" as const), at: fc.nat(), key: fieldName, value: anyField }),
  fc.record({ _tag: fc.constant("set" as const), at: fc.nat(), key: fieldName, value: anyField }),
  fc.record({ _tag: fc.constant("replace" as const), value: anyField })
)

const objectsOf = (value: unknown, out: Array<Record<string, unknown>> = []) => {
  if (typeof value === "object" && value !== null && !out.includes(value as Record<string, unknown>)) {
    out.push(value as Record<string, unknown>)
    for (const child of Object.values(value)) objectsOf(child, out)
  }
  return out
}

const mutate = (value: unknown, mutations: ReadonlyArray<Mutation>): unknown => {
  let current: unknown = JSON.parse(JSON.stringify(value))
  for (const m of mutations) {
    // Fresh copies: a generated value may be shared between mutations.
    const fresh = JSON.parse(JSON.stringify(m._tag === "delete" ? null : m.value) ?? "null")
    if (m._tag === "replace") {
      current = fresh
      continue
    }
    const objects = objectsOf(current)
    if (objects.length === 0) continue
    const target = objects[m.at % objects.length]!
    if (m._tag === "delete") {
      const keys = Object.keys(target)
      if (keys.length > 0) delete target[keys[m.key % keys.length]!]
    } else {
      // An own property, as JSON.parse makes one, even for "__proto__".
      Object.defineProperty(target, m.key, { value: fresh, enumerable: true, writable: true, configurable: true })
    }
  }
  return current
}

const operations = Object.keys(ROUTES).filter((op): op is BodyOperation => op !== "health")

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)
const identifiers: Record<BodyOperation, string> = {
  compress: "EncodeRequest",
  optimize: "OptimizeRequest",
  decompress: "DecodeRequest",
  optimizeRequest: "Struct (Encoded side)",
  promptsEncode: "Struct (Encoded side)",
  optimizeResponse: "OptimizeResponsePayload",
  promptsDecode: "PromptDecodePayload"
}
const encodes = new Set<BodyOperation>(["compress", "optimize", "optimizeRequest", "promptsEncode"])

/** The engine's items for a "__proto__" key where fields go. */
const protoItems = (operation: BodyOperation, body: unknown): Array<ValidationItem> => {
  if (!isRecord(body)) return []
  const items: Array<ValidationItem> = []
  const options = body.options
  if (Object.hasOwn(body, "options") && isRecord(options) && Object.hasOwn(options, "__proto__")) {
    const name = encodes.has(operation) ? "EncodeOptions" : "DecodeOptions"
    items.push({ loc: ["body", "options", "__proto__"], msg: `"__proto__" is not a field of ${name}`, type: "extra_forbidden" })
  }
  if (Object.hasOwn(body, "__proto__")) {
    items.push({ loc: ["body", "__proto__"], msg: `"__proto__" is not a field of ${identifiers[operation]}`, type: "extra_forbidden" })
  }
  return items
}
const sortedItems = (items: ReadonlyArray<ValidationItem>) => [...items].sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)

describe("the engine's validator answers as the contract's Schemas", () => {
  it("names the same routes as the contract's endpoint table", () => {
    for (const [operation, endpoint] of Object.entries(Endpoints)) {
      expect(ROUTES[operation as keyof typeof ROUTES]).toEqual({ method: endpoint.method, path: endpoint.path })
    }
    expect(Object.keys(ROUTES).sort()).toEqual(Object.keys(Endpoints).sort())
  })

  for (const operation of operations) {
    it(`${operation}: the same request or the same 422 items, on generated, mutated and arbitrary bodies`, () => {
      const schema = Endpoints[operation].request as Schema.Schema<unknown, unknown>
      const valid = Arbitrary.make(schema)
      const bodies = fc.oneof(
        valid,
        fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([value, ms]) => mutate(value, ms)),
        jsonValue
      )
      let accepted = 0
      let refused = 0
      fc.assert(
        fc.property(bodies, (generated) => {
          const body = JSON.parse(JSON.stringify(generated) ?? "null")
          const contract = contractItems(operation, body)
          const actual = validateRequest(operation, body)
          // Where fields go (the body, `options`), the engine refuses a "__proto__" key, which a
          // JavaScript reader would take for the prototype; the contract ignores it as any
          // unknown field (and the client refuses it, as it refuses any). Those items are added.
          const proto = protoItems(operation, body)
          const expected = proto.length === 0
            ? contract
            : Either.left(Either.isLeft(contract) ? [...contract.left, ...proto] : proto)
          if (proto.length > 0) {
            expect(actual.ok).toBe(false)
            if (!actual.ok) expect(sortedItems(actual.error)).toEqual(sortedItems(expected.pipe(Either.flip, Either.getOrThrow)))
            refused++
            return
          }
          if (Either.isRight(expected)) {
            accepted++
            // Effect's Record decode assigns keys, so a "__proto__" field becomes the copy's
            // prototype; the engine keeps the caller's field as it is (nothing changed
            // silently). For those bodies only the verdict is compared.
            if (JSON.stringify(body).includes("\"__proto__\"")) expect(actual.ok).toBe(true)
            else expect(actual).toEqual({ ok: true, value: expected.right })
          } else {
            refused++
            expect(actual).toEqual({ ok: false, error: expected.left })
          }
        }),
        { numRuns: 800 }
      )
      // The comparison covered both answers.
      expect(accepted).toBeGreaterThan(50)
      expect(refused).toBeGreaterThan(50)
    })
  }

  it("shows values in messages as Effect's formatUnknown does, for every JSON value", () => {
    // Exported at run time, marked internal in Effect's declarations.
    const formatUnknown = (Inspectable as unknown as { formatUnknown: (u: unknown) => string }).formatUnknown
    const tricky = [{ constructor: { name: "X" } }, { constructor: 1 }, { toString: "s" }, JSON.parse("{\"__proto__\":{\"a\":1}}"), -0]
    for (const value of [...tricky, ...fc.sample(fc.jsonValue(), { numRuns: 300, seed: 3 })]) {
      const json = JSON.parse(JSON.stringify(value))
      expect(formatValue(json)).toBe(formatUnknown(json))
    }
  })
})
