import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { KaizenBatch, KaizenClient, KaizenLocal } from "../src/index.js"
import type { KaizenError } from "../src/KaizenError.js"
import * as KaizenNode from "../src/KaizenNode.js"
import { json, serve } from "./support/server.js"

const rows = Array.from({ length: 40 }, (_, id) => ({ data: { id, name: `user-${id}` } }))

describe("KaizenBatch", () => {
  it.effect("stream: every item in input order, each a Result, on the engine", () =>
    Effect.gen(function*() {
      const results = yield* KaizenBatch.stream(rows, "compress").pipe(Stream.runCollect, Effect.provide(KaizenLocal.layer()))
      expectTypeOf(results[0]!).toEqualTypeOf<Result.Result<KaizenBatch.Response<"compress">, KaizenError>>()
      expect(results.length).toBe(40)
      results.forEach((result, i) => {
        expect(Result.isSuccess(result) && result.success.result).toBe(`id: ${i}\nname: user-${i}`)
      })
    }))

  it.effect("a bad item is its own Failure, in its place; an item given as a Failure is not sent", () =>
    Effect.gen(function*() {
      const items: Array<KaizenBatch.Request<"compress", string>> = [
        { data: 1 },
        { data: 2, options: { indent: 0 } },
        Result.fail("line 3 did not parse"),
        Result.succeed({ data: 4 })
      ]
      const progress: Array<KaizenBatch.Progress> = []
      const results = yield* KaizenBatch.stream(items, "compress", {
        concurrency: 2,
        onProgress: (p) => Effect.sync(() => progress.push(p))
      }).pipe(Stream.runCollect, Effect.provide(KaizenLocal.layer()))
      expect(results.map((r) => r._tag)).toEqual(["Success", "Failure", "Failure", "Success"])
      expect(Result.isFailure(results[2]!) && results[2].failure).toBe("line 3 did not parse")
      expect(progress.at(-1)).toEqual({ started: 4, succeeded: 2, failed: 2, completed: 4 })
    }))

  it.effect("failFast: the stream fails with the first typed error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        KaizenBatch.stream([{ data: 1 }, { data: 2, options: { indent: 0 } }], "compress", { failFast: true }).pipe(
          Stream.runCollect,
          Effect.provide(KaizenLocal.layer())
        )
      )
      expect(error._tag).toBe("KaizenRequestError")
    }))

  it.effect("decode routes take a schema; data-last form works in a pipe", () =>
    Effect.gen(function*() {
      const Point = Schema.Struct({ x: Schema.Number })
      const results = yield* Stream.fromIterable([{ data: "x: 1" }, { data: "x: 2" }]).pipe(
        KaizenBatch.stream("decompress", { schema: Point, failFast: true }),
        Stream.runCollect,
        Effect.provide(KaizenLocal.layer())
      )
      expect(results.map((r) => r.result.x)).toEqual([1, 2])
    }))

  it.live("streamUnordered on the Node layer: completion order with the index, at most `concurrency` in flight", () =>
    Effect.gen(function*() {
      let inFlight = 0
      let most = 0
      const server = yield* serve(async (request, response) => {
        inFlight++
        most = Math.max(most, inFlight)
        const { data } = JSON.parse(request.body) as { data: number }
        // The first item answers last.
        await new Promise((resolve) => setTimeout(resolve, data === 0 ? 150 : 5))
        inFlight--
        json(response, 200, { result: String(data) })
      })
      const kaizen = KaizenNode.layer({ baseUrl: server.url })
      const items = Array.from({ length: 12 }, (_, i) => ({ data: i }))
      const results = yield* KaizenBatch.streamUnordered(items, "compress", { concurrency: 3, failFast: true }).pipe(
        Stream.runCollect,
        Effect.provide(kaizen)
      )
      expect(results.length).toBe(12)
      expect(results.map(([, index]) => index).sort((a, b) => a - b)).toEqual(items.map((_, i) => i))
      expect(results[0]![1]).not.toBe(0)
      for (const [response, index] of results) expect(response.result).toBe(String(index))
      expect(most).toBeLessThanOrEqual(3)
    }).pipe(Effect.scoped))

  it.effect("a concurrency that is not a whole number >= 1 is a defect, nothing sent", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        KaizenBatch.stream([{ data: 1 }], "compress", { concurrency: 0 }).pipe(Stream.runCollect, Effect.provide(KaizenLocal.layer()))
      )
      expect(exit._tag === "Failure" && String(exit.cause)).toMatch(/concurrency must be a whole number/)
      expect(KaizenClient).toBeDefined()
    }))
})
