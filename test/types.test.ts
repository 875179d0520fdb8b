/**
 * Type-level tests: the public signatures are the product. These fail at `tsc --noEmit`
 * (npm run typecheck) and in vitest's own type check if an error channel or requirement widens.
 */
import type { HttpClient } from "@effect/platform"
import { describe, expectTypeOf, it } from "@effect/vitest"
import type { ConfigError, Layer, Scope } from "effect"
import { Effect, Schema } from "effect"
import { json, mockHttp } from "./support/mockHttp.js"
import type { KaizenAPIError, KaizenError, KaizenRequestError, KaizenSchema } from "../src/index.js"
import { KaizenClient, KaizenLocal, KaizenRetry } from "../src/index.js"
import * as KaizenNode from "../src/KaizenNode.js"

type Exact = KaizenRequestError | KaizenAPIError
type ErrorOf<T> = T extends Effect.Effect<any, infer E, any> ? E : never
type ContextOf<T> = T extends Effect.Effect<any, any, infer R> ? R : never

// A real service (never run): the calls below only build Effects whose types are checked.
const kaizen: KaizenClient.Service = Effect.runSync(
  Effect.scoped(KaizenClient.make()).pipe(Effect.provide(mockHttp(() => json({})).layer))
)

describe("error channel", () => {
  it("every operation fails with exactly KaizenRequestError | KaizenAPIError and needs nothing", () => {
    const effects = {
      compress: kaizen.compress({ data: 1 }),
      decompress: kaizen.decompress({ data: "a: 1" }),
      optimize: kaizen.optimize({ data: 1 }),
      optimizeRequest: kaizen.optimizeRequest({ prompt: "x" }),
      optimizeResponse: kaizen.optimizeResponse({ ktof: "a: 1" }),
      promptsEncode: kaizen.promptsEncode({ prompt: "x" }),
      promptsDecode: kaizen.promptsDecode({ ktof: "a: 1" }),
      health: kaizen.health()
    }
    expectTypeOf<ErrorOf<typeof effects.compress>>().toEqualTypeOf<Exact>()
    expectTypeOf<ErrorOf<typeof effects.decompress>>().toEqualTypeOf<Exact>()
    expectTypeOf<ErrorOf<typeof effects.optimize>>().toEqualTypeOf<Exact>()
    expectTypeOf<ErrorOf<typeof effects.optimizeRequest>>().toEqualTypeOf<Exact>()
    expectTypeOf<ErrorOf<typeof effects.optimizeResponse>>().toEqualTypeOf<Exact>()
    expectTypeOf<ErrorOf<typeof effects.promptsEncode>>().toEqualTypeOf<Exact>()
    expectTypeOf<ErrorOf<typeof effects.promptsDecode>>().toEqualTypeOf<Exact>()
    expectTypeOf<ErrorOf<typeof effects.health>>().toEqualTypeOf<Exact>()
    expectTypeOf<ContextOf<typeof effects.compress>>().toEqualTypeOf<never>()
    expectTypeOf<ContextOf<typeof effects.health>>().toEqualTypeOf<never>()
    expectTypeOf<KaizenError.KaizenError>().toEqualTypeOf<Exact>()
  })

  it("the README's quick start has the promised type", () => {
    const messages = [{ role: "user", content: "hi" }]
    const program = Effect.gen(function*() {
      const k = yield* KaizenClient
      const encoded = yield* k.promptsEncode({ prompt: { messages }, token_models: ["gpt-4o-mini"] })
      const decoded = yield* k.promptsDecode({ ktof: encoded.result })
      return decoded.result
    })
    expectTypeOf(program).toEqualTypeOf<
      Effect.Effect<KaizenSchema.JsonValue, KaizenRequestError | KaizenAPIError, KaizenClient>
    >()
  })

  it("catchTags sees both tags and removes them from the channel", () => {
    const handled = kaizen.compress({ data: 1 }).pipe(
      Effect.catchTags({
        KaizenAPIError: (e) => Effect.succeed(e.statusCode),
        KaizenRequestError: (e) => Effect.succeed(e.reason)
      })
    )
    expectTypeOf<ErrorOf<typeof handled>>().toEqualTypeOf<never>()
    const apiOnly = kaizen.compress({ data: 1 }).pipe(Effect.catchTag("KaizenAPIError", () => Effect.succeed(0)))
    expectTypeOf<ErrorOf<typeof apiOnly>>().toEqualTypeOf<KaizenRequestError>()
  })

  it("Effect.retry with the Kaizen policy keeps the error type", () => {
    const retried = Effect.retry(kaizen.compress({ data: 1 }), KaizenRetry.policy({ maxRetries: 5 }))
    expectTypeOf<ErrorOf<typeof retried>>().toEqualTypeOf<Exact>()
  })
})

describe("results", () => {
  it("encode routes give a string result; decode routes JSON, or the caller's type with a Schema", () => {
    expectTypeOf(kaizen.compress({ data: 1 })).toMatchTypeOf<Effect.Effect<{ readonly result: string }, Exact>>()
    expectTypeOf(kaizen.decompress({ data: "a: 1" })).toMatchTypeOf<
      Effect.Effect<{ readonly result: KaizenSchema.JsonValue; readonly requestId: string }, Exact>
    >()
    const User = Schema.Struct({ id: Schema.Number, joined: Schema.DateFromString })
    expectTypeOf(kaizen.promptsDecode({ ktof: "x" }, { schema: User })).toMatchTypeOf<
      Effect.Effect<{ readonly result: { readonly id: number; readonly joined: Date } }, Exact>
    >()
  })

  it("request types refuse what the API refuses", () => {
    // @ts-expect-error token_models must be a list
    kaizen.promptsEncode({ prompt: "x", token_models: "gpt-4o" })
    // @ts-expect-error metadata must be an object
    kaizen.optimizeRequest({ prompt: "x", metadata: "trace-1" })
    // @ts-expect-error the delimiter is one of , \t |
    kaizen.compress({ data: 1, options: { delimiter: ";" } })
    // @ts-expect-error unknown fields are refused
    kaizen.compress({ data: 1, extra: true })
  })
})

describe("layers", () => {
  it("KaizenClient's layers need an HttpClient; KaizenNode's and KaizenLocal's need nothing", () => {
    expectTypeOf(KaizenClient.layer({})).toEqualTypeOf<
      Layer.Layer<KaizenClient, ConfigError.ConfigError, HttpClient.HttpClient>
    >()
    expectTypeOf(KaizenClient.layerConfig()).toEqualTypeOf<
      Layer.Layer<KaizenClient, ConfigError.ConfigError, HttpClient.HttpClient>
    >()
    expectTypeOf(KaizenNode.layerConfig()).toEqualTypeOf<Layer.Layer<KaizenClient, ConfigError.ConfigError>>()
    expectTypeOf(KaizenNode.layer({})).toEqualTypeOf<Layer.Layer<KaizenClient, ConfigError.ConfigError>>()
    expectTypeOf(KaizenNode.make({})).toEqualTypeOf<
      Effect.Effect<KaizenClient.Service, ConfigError.ConfigError, Scope.Scope>
    >()
    expectTypeOf(KaizenLocal.layer()).toEqualTypeOf<Layer.Layer<KaizenClient, ConfigError.ConfigError>>()
    expectTypeOf(KaizenLocal.make()).toEqualTypeOf<
      Effect.Effect<KaizenClient.Service, ConfigError.ConfigError, Scope.Scope>
    >()
    expectTypeOf(KaizenLocal.layerHttpClient()).toEqualTypeOf<Layer.Layer<HttpClient.HttpClient>>()
    expectTypeOf(KaizenClient.make()).toEqualTypeOf<
      Effect.Effect<KaizenClient.Service, ConfigError.ConfigError, HttpClient.HttpClient | Scope.Scope>
    >()
  })
})

describe("the issue's own quick start, as written", () => {
  it("yield* KaizenClient gives the service, and the layers hang off the same name", () => {
    const messages = [{ role: "user", content: "hi" }]
    const program = Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      const encoded = yield* kaizen.promptsEncode({ prompt: { messages }, token_models: ["gpt-4o-mini"] })
      const decoded = yield* kaizen.promptsDecode({ ktof: encoded.result })
      return decoded.result
    })
    expectTypeOf(program).toEqualTypeOf<
      Effect.Effect<KaizenSchema.JsonValue, KaizenRequestError | KaizenAPIError, KaizenClient>
    >()
    expectTypeOf(program.pipe(Effect.provide(KaizenNode.layerConfig()))).toEqualTypeOf<
      Effect.Effect<KaizenSchema.JsonValue, KaizenRequestError | KaizenAPIError | ConfigError.ConfigError>
    >()
    // The namespace form names the same tag.
    expectTypeOf<KaizenClient>().toEqualTypeOf<KaizenClient>()
    expectTypeOf<KaizenClient.Service>().toEqualTypeOf<KaizenClient["Type"]>()
  })
})
