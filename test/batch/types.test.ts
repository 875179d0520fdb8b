/**
 * Type-level tests of KaizenBatch: the element, error and requirement types of every form. They
 * fail at `tsc --noEmit` (npm run typecheck) if a channel widens or a result loses its type.
 */
import type { PlatformError } from "@effect/platform/Error"
import { describe, expectTypeOf, it } from "@effect/vitest"
import type { Cause, Either } from "effect"
import { Effect, Schema, Stream } from "effect"
import type { KaizenClient, KaizenError, KaizenSchema } from "../../src/index.js"
import { KaizenBatch } from "../../src/index.js"

type ElementOf<T> = T extends Stream.Stream<infer A, any, any> ? A : never
type ErrorOf<T> = T extends Stream.Stream<any, infer E, any> ? E : never
type ContextOf<T> = T extends Stream.Stream<any, any, infer R> ? R : never

type Encoded = KaizenSchema.EncodeResponse & KaizenClient.ResponseInfo
type Decoded<A = KaizenSchema.JsonValue> = KaizenSchema.DecodeResponse<A> & KaizenClient.ResponseInfo

const rows = [{ data: { id: 1 } }, { data: { id: 2 } }]

describe("KaizenBatch types", () => {
  // An Iterable's iterator may throw: that ends the stream with an UnknownException.
  it("per-item Either by default: the error channel is only the input's, the requirement the client", () => {
    const batch = KaizenBatch.stream(rows, "compress")
    expectTypeOf<ElementOf<typeof batch>>().toEqualTypeOf<Either.Either<KaizenBatch.Response<"compress">, KaizenError.KaizenError>>()
    expectTypeOf<KaizenBatch.Response<"compress">>().toEqualTypeOf<Encoded>()
    expectTypeOf<ErrorOf<typeof batch>>().toEqualTypeOf<Cause.UnknownException>()
    expectTypeOf<ContextOf<typeof batch>>().toEqualTypeOf<KaizenClient>()
  })

  it("failFast: bare responses, and exactly the Kaizen error union in the channel", () => {
    const batch = KaizenBatch.stream(rows, "optimize", { failFast: true, concurrency: 4 })
    expectTypeOf<ElementOf<typeof batch>>().toEqualTypeOf<KaizenBatch.Response<"optimize">>()
    expectTypeOf<ErrorOf<typeof batch>>().toEqualTypeOf<KaizenError.KaizenError | Cause.UnknownException>()
    expectTypeOf<ErrorOf<typeof batch>>().toEqualTypeOf<KaizenError.KaizenError | Cause.UnknownException>()
  })

  it("a failFast known only as boolean gives either element shape and the Kaizen errors", () => {
    const flag = Math.random() > 2
    const batch = KaizenBatch.stream(rows, "compress", { failFast: flag })
    expectTypeOf<ElementOf<typeof batch>>().toEqualTypeOf<
      KaizenBatch.Response<"compress"> | Either.Either<KaizenBatch.Response<"compress">, KaizenError.KaizenError>
    >()
    expectTypeOf<ErrorOf<typeof batch>>().toEqualTypeOf<KaizenError.KaizenError | Cause.UnknownException>()
  })

  it("decode routes: JSON results, or the schema's type", () => {
    const plain = KaizenBatch.stream([{ ktof: "a: 1" }], "promptsDecode")
    expectTypeOf<ElementOf<typeof plain>>().toEqualTypeOf<Either.Either<Decoded, KaizenError.KaizenError>>()
    const User = Schema.Struct({ id: Schema.Number })
    const typed = KaizenBatch.stream([{ data: "id: 1" }], "decompress", { schema: User, failFast: true })
    expectTypeOf<ElementOf<typeof typed>>().toEqualTypeOf<Decoded<{ readonly id: number }>>()
  })

  it("unordered: each element paired with its input's index", () => {
    const batch = KaizenBatch.streamUnordered(rows, "compress")
    expectTypeOf<ElementOf<typeof batch>>().toEqualTypeOf<
      readonly [Either.Either<KaizenBatch.Response<"compress">, KaizenError.KaizenError>, number]
    >()
    expectTypeOf<ErrorOf<typeof batch>>().toEqualTypeOf<Cause.UnknownException>()
  })

  it("a Stream input keeps its own errors and requirements, in both forms", () => {
    class Source extends Effect.Tag("Source")<Source, { readonly n: number }>() {}
    const input: Stream.Stream<{ readonly prompt: string }, PlatformError, Source> = Stream.empty
    const first = KaizenBatch.stream(input, "optimizeRequest")
    const last = input.pipe(KaizenBatch.streamUnordered("promptsEncode", { failFast: true }))
    expectTypeOf<ErrorOf<typeof first>>().toEqualTypeOf<PlatformError>()
    expectTypeOf<ContextOf<typeof first>>().toEqualTypeOf<Source | KaizenClient>()
    expectTypeOf<ErrorOf<typeof last>>().toEqualTypeOf<PlatformError | KaizenError.KaizenError>()
    expectTypeOf<ElementOf<typeof last>>().toEqualTypeOf<readonly [KaizenBatch.Response<"promptsEncode">, number]>()
  })

  it("callbacks are typed from the options, and wrong requests or options do not compile", () => {
    KaizenBatch.stream(rows, "compress", {
      onProgress: (progress) => {
        expectTypeOf(progress).toEqualTypeOf<KaizenBatch.Progress>()
        return Effect.void
      },
      requestId: (index) => {
        expectTypeOf(index).toEqualTypeOf<number>()
        return `item-${index}`
      }
    })
    // @ts-expect-error: a compress request has `data`, not `ktof`
    KaizenBatch.stream([{ ktof: "a: 1" }], "compress")
    // @ts-expect-error: an encode route takes no result schema
    KaizenBatch.stream(rows, "compress", { schema: Schema.Number })
    // @ts-expect-error: not an operation with a body
    KaizenBatch.stream(rows, "health")
  })
})

describe("KaizenBatch types, options held in a variable", () => {
  it("options typed as KaizenBatch.Options may fail fast: both element shapes and the Kaizen errors", () => {
    const options: KaizenBatch.Options = { concurrency: 4 }
    const batch = KaizenBatch.stream(rows, "compress", options)
    expectTypeOf<ElementOf<typeof batch>>().toEqualTypeOf<
      KaizenBatch.Response<"compress"> | Either.Either<KaizenBatch.Response<"compress">, KaizenError.KaizenError>
    >()
    expectTypeOf<ErrorOf<typeof batch>>().toEqualTypeOf<KaizenError.KaizenError | Cause.UnknownException>()
  })

  it("options without failFast: per-item Either", () => {
    const batch = KaizenBatch.stream(rows, "compress", { concurrency: 4, onProgress: () => Effect.void })
    expectTypeOf<ElementOf<typeof batch>>().toEqualTypeOf<Either.Either<KaizenBatch.Response<"compress">, KaizenError.KaizenError>>()
    expectTypeOf<ErrorOf<typeof batch>>().toEqualTypeOf<Cause.UnknownException>()
  })
})

describe("KaizenBatch types, items given as an Either", () => {
  class NotJson {
    readonly _tag = "NotJson"
  }
  const items: Stream.Stream<Either.Either<{ readonly data: unknown }, NotJson>> = Stream.empty

  it("a Left's type joins the per-item error, and stays out of the channel", () => {
    const batch = KaizenBatch.stream(items, "compress")
    expectTypeOf<ElementOf<typeof batch>>().toEqualTypeOf<
      Either.Either<KaizenBatch.Response<"compress">, KaizenError.KaizenError | NotJson>
    >()
    expectTypeOf<ErrorOf<typeof batch>>().toEqualTypeOf<never>()
    const unordered = items.pipe(KaizenBatch.streamUnordered("compress"))
    expectTypeOf<ElementOf<typeof unordered>>().toEqualTypeOf<
      readonly [Either.Either<KaizenBatch.Response<"compress">, KaizenError.KaizenError | NotJson>, number]
    >()
  })

  it("failFast: a Left's type joins the channel", () => {
    const batch = KaizenBatch.stream(items, "compress", { failFast: true })
    expectTypeOf<ElementOf<typeof batch>>().toEqualTypeOf<KaizenBatch.Response<"compress">>()
    expectTypeOf<ErrorOf<typeof batch>>().toEqualTypeOf<KaizenError.KaizenError | NotJson>()
  })

  it("an Either's request is checked as a plain one", () => {
    const wrong: Array<Either.Either<{ readonly ktof: string }, NotJson>> = []
    // @ts-expect-error: a compress request has `data`, not `ktof`
    KaizenBatch.stream(wrong, "compress")
  })
})
