/**
 * Property: for any JSON value, encode then decode through `KaizenClient` on
 * `KaizenLocal.layerHttpClient()` gives the value back, for every delimiter and indent, on both the
 * `compress`/`decompress` and the `promptsEncode`/`promptsDecode` routes.
 *
 * Values are normalised through `JSON.parse(JSON.stringify(v))` first: that is what goes on
 * the wire, and it turns -0 into 0 (the one JSON number TOON cannot keep: it writes -0 as
 * `0`, as JSON.stringify does). Strings are drawn from whole graphemes, so they are
 * well-formed Unicode; lone surrogates are refused by design (see codec.test.ts). With those
 * two exceptions every JSON value round-trips (on the prompts routes, `{}` encodes to the empty
 * KTOF document, which `prompts/decode` does not accept: its `ktof` must be non-empty).
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect, FastCheck, Layer, Runtime } from "effect"
import { KaizenClient } from "../../src/KaizenClient.js"
import * as KaizenLocal from "../../src/KaizenLocal.js"

const json = FastCheck.jsonValue({ maxDepth: 3, stringUnit: "grapheme" }).map((value) =>
  JSON.parse(JSON.stringify(value)) as unknown
)

const delimiters = [",", "\t", "|"] as const
const indents = [1, 2, 4]

const Local = KaizenClient.layerConfig().pipe(Layer.provide(KaizenLocal.layerHttpClient()))

layer(Local)("round trip through KaizenClient on KaizenLocal.layerHttpClient()", (it) => {
  describe.each([
    { label: "compress / decompress", prompts: false },
    { label: "promptsEncode / promptsDecode", prompts: true }
  ])("$label", ({ prompts }) => {
    it.effect("decode(encode(value)) equals value, for every delimiter, indent and length marker", () =>
      Effect.gen(function*() {
        const kaizen = yield* KaizenClient
        const run = Runtime.runPromise(yield* Effect.runtime<never>())
        for (const delimiter of delimiters) {
          for (const indent of indents) {
            const property = FastCheck.asyncProperty(json, FastCheck.boolean(), (value, length_marker) =>
              run(Effect.gen(function*() {
                const options = { delimiter, indent, length_marker }
                if (prompts) {
                  // auto_detect_json off: a text prompt is then encoded as one KTOF string.
                  const encoded = yield* kaizen.promptsEncode({ prompt: value, options, auto_detect_json: false })
                  // `{}` is the empty KTOF document, which prompts/decode reads back as `{}`.
                  const decoded = yield* kaizen.promptsDecode({ ktof: encoded.result, options: { indent } })
                  expect(decoded.result).toEqual(value)
                } else {
                  const encoded = yield* kaizen.compress({ data: value, options })
                  const decoded = yield* kaizen.decompress({ data: encoded.result, options: { indent } })
                  expect(decoded.result).toEqual(value)
                }
              }))
            )
            yield* Effect.promise(() => FastCheck.assert(property, { numRuns: 40 }))
          }
        }
      }))
  })
})
