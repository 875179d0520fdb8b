/**
 * KaizenBatch on real transports: the Node layer against `KaizenLocal.serve` and against a
 * loopback server that records what it sees from its side of the socket, and the embedded engine
 * under the client (`KaizenLocal.layerHttpClient()`).
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Fiber, Layer, Option, Stream } from "effect"
import { KaizenBatch, KaizenClient, KaizenLocal } from "../../src/index.js"
import type { KaizenError } from "../../src/index.js"
import * as FaultServer from "../support/faultServer.js"
import { failOnUnhandledRejections, noEnv, withNodeClient } from "../support/realClient.js"
import * as KaizenNode from "../../src/KaizenNode.js"

failOnUnhandledRejections()

const records = (n: number) =>
  Array.from({ length: n }, (_, id) => ({ id, name: `user-${id}`, tags: id % 3 === 0 ? ["a", "b"] : [] }))

/** Compresses every record (failing fast), then decompresses the KTOF with item `broken` replaced by text that does not decode. */
const roundTrip = (data: ReadonlyArray<unknown>, broken: number) =>
  Effect.gen(function*() {
    const ktof = yield* Stream.fromIterable(data).pipe(
      Stream.map((record) => ({ data: record })),
      KaizenBatch.stream("compress", { concurrency: 8, failFast: true }),
      Stream.map((response) => response.result),
      Stream.runCollect
    )
    const texts = Chunk.toReadonlyArray(ktof).map((text, i) => (i === broken ? "items[3]:\n  - 1" : text))
    const decoded = yield* KaizenBatch.streamUnordered(texts.map((text) => ({ data: text })), "decompress", {
      concurrency: 8
    }).pipe(Stream.runCollect)
    // Back in input order, by the index each result carries.
    return [...Chunk.toReadonlyArray(decoded)].sort(([, a], [, b]) => a - b).map(([result]) => result)
  })

const checkRoundTrip = (
  data: ReadonlyArray<unknown>,
  broken: number,
  results: ReadonlyArray<Either.Either<{ readonly result: unknown }, KaizenError.KaizenError>>
) => {
  expect(results).toHaveLength(data.length)
  results.forEach((result, i) => {
    if (i === broken) {
      expect(Either.getLeft(result).pipe(Option.getOrUndefined)).toMatchObject({
        _tag: "KaizenAPIError",
        statusCode: 400
      })
    } else {
      expect(Either.getOrThrow(result).result).toEqual(data[i])
    }
  })
}

describe("real transports", () => {
  it.live("the Node layer against kaizen serve on loopback: compress then decompress 300 records", () =>
    Effect.scoped(Effect.gen(function*() {
      const address = yield* KaizenLocal.serve({ port: 0 })
      const data = records(300)
      const results = yield* roundTrip(data, 17).pipe(
        Effect.provide(KaizenNode.layer({ baseUrl: address.url })),
        Effect.withConfigProvider(noEnv)
      )
      checkRoundTrip(data, 17, results)
    })), 120_000) // 600 requests: about 5 s alone, past 30 s on a contended machine

  it.effect("the embedded engine under the client (KaizenLocal.layerHttpClient()): the same round trip", () =>
    Effect.gen(function*() {
      const data = records(300)
      const results = yield* roundTrip(data, 250).pipe(
        Effect.provide(
          KaizenClient.layer({ baseUrl: "http://kaizen.local" }).pipe(Layer.provide(KaizenLocal.layerHttpClient()))
        )
      )
      checkRoundTrip(data, 250, results)
    }))

  it.live("real sockets: the server never sees more calls in flight than the concurrency", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* FaultServer.make()
      const results = yield* withNodeClient(
        { baseUrl: server.url, retry: false },
        (kaizen) =>
          KaizenBatch.stream(records(200).map((data) => ({ data })), "compress", { concurrency: 5 }).pipe(
            Stream.runCollect,
            Effect.provideService(KaizenClient, kaizen)
          )
      )
      expect(Chunk.toReadonlyArray(results).every(Either.isRight)).toBe(true)
      expect(server.requests).toHaveLength(200)
      expect(server.maxInFlight()).toBeLessThanOrEqual(5)
    })))

  it.live("real sockets: interrupting the consumer aborts the calls in flight and sends nothing more", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* FaultServer.make({ fallback: FaultServer.hang })
      yield* withNodeClient({ baseUrl: server.url, retry: false }, (kaizen) =>
        Effect.gen(function*() {
          const fiber = yield* KaizenBatch.stream(records(50).map((data) => ({ data })), "compress", {
            concurrency: 4
          }).pipe(Stream.runDrain, Effect.provideService(KaizenClient, kaizen), Effect.fork)
          yield* server.waitUntil("4 requests in flight", () => server.requests.length === 4)
          yield* Fiber.interrupt(fiber)
          yield* server.waitUntil(
            "every request's connection closed by the client",
            () => server.requests.every((r) => r.clientClosed)
          )
        }))
      expect(server.requests).toHaveLength(4)
      expect(server.maxInFlight()).toBe(4)
      expect(server.requests.every((r) => !r.completed)).toBe(true)
    })))
})
