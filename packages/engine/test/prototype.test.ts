/**
 * Own properties only (issue 22, item 1): a request is what its text says. Keys that name
 * things on a JavaScript prototype (`__proto__`, `constructor`, `prototype`) are data inside
 * `data`, `prompt`, `metadata`, `schemas` and `replay_meta`, kept exactly; `__proto__` where the
 * API expects fields (the body, `options`) is a 422 naming it; nothing is read through a
 * prototype. The property: the handler's answer to a request's JSON text is the answer of the
 * value route to the same request built from null-prototype objects, where no prototype can
 * lend anything.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { decode } from "../src/codec.js"
import { errorResponse, makeHandler, makeOperations } from "../src/handlers.js"
import { measureBody } from "../src/json/measure.js"
import type { BodyOperation } from "../src/requests.js"
import { validateRequest } from "../src/requests.js"
import { invalidRequest } from "../src/errors.js"
import { post } from "./support.js"

/** A JSON value as a tree with its keys in order, so that it can be built two ways. */
type Tree =
  | { readonly kind: "leaf"; readonly value: string | number | boolean | null }
  | { readonly kind: "array"; readonly items: ReadonlyArray<Tree> }
  | { readonly kind: "object"; readonly entries: ReadonlyArray<readonly [string, Tree]> }

const trapKeys = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"]
const key = fc.oneof(fc.constantFrom(...trapKeys), fc.constantFrom("a", "b", "name"))

const leaf = (value: fc.Arbitrary<string | number | boolean | null>): fc.Arbitrary<Tree> =>
  value.map((v) => ({ kind: "leaf" as const, value: v }))

const entries = (value: fc.Arbitrary<Tree>, keys: fc.Arbitrary<string> = key) =>
  fc.uniqueArray(fc.tuple(keys, value), { maxLength: 4, selector: ([k]) => k })

const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf(fc.oneof(fc.constantFrom(null, true, 0, 1.5, -7, "x", "__proto__", "constructor"), fc.string({ maxLength: 3 }))),
    fc.array(tie("tree"), { maxLength: 3 }).map((items): Tree => ({ kind: "array", items })),
    entries(tie("tree")).map((e): Tree => ({ kind: "object", entries: e }))
  )
}))

const object = (e: ReadonlyArray<readonly [string, Tree]>): Tree => ({ kind: "object", entries: e })

/** JSON text, written from the tree (so `__proto__` is a key like any other). */
const text = (t: Tree): string =>
  t.kind === "leaf"
    ? JSON.stringify(t.value)
    : t.kind === "array"
    ? `[${t.items.map(text).join(",")}]`
    : `{${t.entries.map(([k, v]) => `${JSON.stringify(k)}:${text(v)}`).join(",")}}`

/** The same value of null-prototype objects, each key defined as data. */
const bare = (t: Tree): unknown => {
  if (t.kind === "leaf") return t.value
  if (t.kind === "array") return t.items.map(bare)
  const out = Object.create(null) as Record<string, unknown>
  for (const [k, v] of t.entries) Object.defineProperty(out, k, { value: bare(v), enumerable: true, writable: true, configurable: true })
  return out
}

// Fields in random order, some missing, some null, with trap keys among them and in `options`.
const optionEntry = fc.oneof(
  fc.constant<readonly [string, Tree]>(["indent", { kind: "leaf", value: 4 }]),
  fc.constant<readonly [string, Tree]>(["delimiter", { kind: "leaf", value: "|" }]),
  fc.constant<readonly [string, Tree]>(["strict", { kind: "leaf", value: false }]),
  fc.tuple(fc.constantFrom(...trapKeys, "indent", "delimiter"), fc.oneof(tree, fc.constant<Tree>({ kind: "leaf", value: null })))
)
const options = fc.uniqueArray(optionEntry, { maxLength: 3, selector: ([k]) => k }).map(object)

const fieldsOf: Record<BodyOperation, ReadonlyArray<string>> = {
  compress: ["data"],
  optimize: ["data", "token_models"],
  decompress: ["data"],
  optimizeRequest: ["prompt", "metadata", "auto_detect_json"],
  promptsEncode: ["prompt", "metadata", "schemas"],
  optimizeResponse: ["ktof"],
  promptsDecode: ["ktof", "replay_meta", "metadata"]
}

const fieldValue = (name: string): fc.Arbitrary<Tree> => {
  switch (name) {
    case "ktof":
      return fc.constantFrom("a: 1", "__proto__:\n  b: 2", "constructor: 1\nprototype[2]: 1,2").map((value): Tree => ({ kind: "leaf", value }))
    case "token_models":
      return fc.constant<Tree>({ kind: "array", items: [] })
    case "auto_detect_json":
      return fc.constant<Tree>({ kind: "leaf", value: false })
    case "metadata":
    case "schemas":
    case "replay_meta":
      return entries(tree).map(object)
    default:
      return tree
  }
}

const request = (operation: BodyOperation): fc.Arbitrary<Tree> =>
  fc.tuple(
    fc.subarray([...fieldsOf[operation]]).chain((names) => fc.tuple(...names.map((n) => fieldValue(n).map((v) => [n, v] as const)))),
    fc.option(options, { nil: undefined }),
    fc.uniqueArray(fc.tuple(fc.constantFrom(...trapKeys, "x"), fc.oneof(tree, fc.constant<Tree>({ kind: "leaf", value: null }))), {
      maxLength: 2,
      selector: ([k]) => k
    }),
    fc.nat()
  ).map(([fields, opts, extra, seed]) => {
    const all: Array<readonly [string, Tree]> = [...fields, ...(opts === undefined ? [] : [["options", opts] as const])]
    for (const e of extra) if (!all.some(([k]) => k === e[0])) all.splice(seed % (all.length + 1), 0, e)
    return object(all)
  })

const handle = makeHandler()
const operations = makeOperations()
const paths: Record<BodyOperation, string> = {
  compress: "/v1/compress",
  optimize: "/v1/optimize",
  decompress: "/v1/decompress",
  optimizeRequest: "/v1/optimize/request",
  promptsEncode: "/v1/prompts/encode",
  optimizeResponse: "/v1/optimize/response",
  promptsDecode: "/v1/prompts/decode"
}

/** The value route's answer to a request held as a value, as status and JSON text. */
const byValue = async (operation: BodyOperation, value: unknown) => {
  const request = validateRequest(operation, value)
  if (!request.ok) {
    const refused = errorResponse(invalidRequest(request.error))
    return { status: refused.status, body: refused.body }
  }
  const measure = measureBody(value)
  if (measure === undefined) throw new Error("a null-prototype request of JSON values measures")
  const answer = await operations(operation, request.value, measure)
  return { status: answer.status, body: "envelope" in answer ? JSON.stringify(answer.envelope) : answer.body }
}

describe("own properties only", () => {
  it("answers a request's text as the same request built from null-prototype objects", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<BodyOperation>(...(Object.keys(paths) as Array<BodyOperation>)).chain((op) =>
          request(op).map((t) => [op, t] as const)
        ),
        async ([operation, t]) => {
          const answer = await handle({ method: "POST", path: paths[operation], body: text(t) })
          expect({ status: answer.status, body: answer.body }).toEqual(await byValue(operation, bare(t)))
        }
      ),
      { numRuns: 400 }
    )
  })

  it("ignores trap keys where fields go, as any unknown field, but refuses `__proto__` there", async () => {
    const traps = new Set(trapKeys)
    const withoutTraps = (t: Tree): Tree =>
      t.kind !== "object" ? t : object(t.entries.filter(([k]) => !traps.has(k)).map(([k, v]) => [k, k === "options" ? withoutTraps(v) : v] as const))
    const protoAt = (t: Tree): Array<Array<string>> => {
      if (t.kind !== "object") return []
      const here = t.entries.some(([k]) => k === "__proto__") ? [["body", "__proto__"]] : []
      const options = t.entries.find(([k]) => k === "options")?.[1]
      const inOptions = options?.kind === "object" && options.entries.some(([k]) => k === "__proto__") ? [["body", "options", "__proto__"]] : []
      return [...inOptions, ...here]
    }
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<BodyOperation>("compress", "optimize", "promptsEncode", "promptsDecode").chain((op) =>
        request(op).map((t) => [op, t] as const)
      ), async ([operation, t]) => {
        const answer = await handle({ method: "POST", path: paths[operation], body: text(t) })
        const refused = protoAt(t)
        if (refused.length > 0) {
          expect(answer.status).toBe(422)
          const locs = (JSON.parse(answer.body).detail as Array<{ loc: Array<string> }>).map((item) => item.loc)
          for (const loc of refused) expect(locs).toContainEqual(loc)
          return
        }
        const plain = await handle({ method: "POST", path: paths[operation], body: text(withoutTraps(t)) })
        expect({ status: answer.status, body: answer.body }).toEqual({ status: plain.status, body: plain.body })
      }),
      { numRuns: 400 }
    )
  })

  it("keeps `__proto__` as data inside `data`, in the KTOF and back", async () => {
    await fc.assert(
      fc.asyncProperty(entries(tree).map(object), async (data) => {
        const answer = await handle({ method: "POST", path: "/v1/compress", body: `{"data":${text(data)}}` })
        expect(answer.status).toBe(200)
        const ktof = JSON.parse(answer.body).result as string
        const back = decode(ktof, { indent: 2, strict: true })
        expect(back.ok && JSON.stringify(back.value)).toBe(text(data).length === 2 ? "{}" : text(data))
      }),
      { numRuns: 300 }
    )
  })

  it("answers the issue's injections with a 422 naming `__proto__`", async () => {
    const options = await post("/v1/compress", `{"data":{"a":{"b":[1,2]}},"x":null,"__proto__":{"options":{"indent":8,"delimiter":"|"}}}`)
    expect(options.status).toBe(422)
    expect(options.json.detail).toContainEqual(expect.objectContaining({ loc: ["body", "__proto__"], type: "extra_forbidden" }))
    const data = await post("/v1/compress", `{"x":null,"__proto__":{"data":{"injected":true}}}`)
    expect(data.status).toBe(422)
    expect(data.json.detail.map((item: { loc: unknown }) => item.loc)).toEqual([["body", "data"], ["body", "__proto__"]])
    const inOptions = await post("/v1/optimize", `{"data":1,"options":{"delimiter":null,"__proto__":{"indent":8}}}`)
    expect(inOptions.json.detail).toEqual([
      { loc: ["body", "options", "__proto__"], msg: "\"__proto__\" is not a field of EncodeOptions", type: "extra_forbidden" }
    ])
    const models = await post("/v1/optimize", `{"data":1,"x":null,"__proto__":{"token_models":["gpt-4o"]}}`)
    expect(models.status).toBe(422)
    const meta = await post("/v1/prompts/decode", `{"ktof":"a: 1","metadata":null,"__proto__":{"replay_meta":{"k":1}}}`)
    expect(meta.status).toBe(422)
  })
})
