/**
 * The memory tier's bounds (src/cache/memory.ts): least recently used dropped first, however
 * often the others were read; a byte budget beside the count; time to live from the answer.
 */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, TestClock } from "effect"
import * as Memory from "../../src/cache/memory.js"
import * as KaizenCache from "../../src/KaizenCache.js"
import { KaizenClient } from "../../src/index.js"
import { json, mockHttp } from "../support/mockHttp.js"

const sized = (capacity: number, maxBytes: number) =>
  Memory.make<string>({ capacity, maxBytes, timeToLiveMillis: 60_000, sizeOf: (value) => value.length })

describe("the memory tier", () => {
  it("drops the entry used longest ago: a hit makes an entry the most recent, whatever was read more", () => {
    const memory = sized(2, 1_000)
    memory.set("a", "A", 0)
    memory.set("b", "B", 0)
    for (let i = 0; i < 5; i++) memory.get("b", 0)
    memory.get("a", 0)
    memory.set("c", "C", 0)
    expect(memory.names()).toEqual(["a", "c"])
  })

  it("keeps answers within maxBytes, dropping the least recently used; one larger than the budget is not kept", () => {
    const memory = sized(100, 10)
    memory.set("a", "aaaa", 0)
    memory.set("b", "bbbb", 0)
    memory.set("c", "cccc", 0)
    expect(memory.names()).toEqual(["b", "c"])
    expect(memory.bytes()).toBe(8)
    memory.set("big", "x".repeat(11), 0)
    expect(memory.names()).toEqual(["b", "c"])
  })

  it.effect("time to live counts from the answer: an answer slower than it is still a hit", () => {
    const released = Effect.runSync(Deferred.make<void>())
    const kaizen = mockHttp(async () => {
      await Effect.runPromise(Deferred.await(released))
      return json({ operation: "compress", status: "success", result: "a: 1" })
    })
    const layer = KaizenCache.layer({ timeToLive: "1 minute" }).pipe(
      Layer.provide(KaizenClient.layer({ retry: false, timeout: "1 hour" })),
      Layer.provide(kaizen.layer),
      Layer.orDie
    )
    return Effect.gen(function*() {
      const client = yield* KaizenClient
      const first = yield* Effect.fork(client.compress({ data: 1 }))
      while (kaizen.requests.length === 0) yield* Effect.yieldNow()
      // The answer arrives two minutes after the request was sent.
      yield* TestClock.adjust("2 minutes")
      yield* Deferred.succeed(released, undefined)
      yield* Fiber.join(first)
      yield* TestClock.adjust("59 seconds")
      const again = yield* client.compress({ data: 1 })
      expect(KaizenCache.isCached(again)).toBe(true)
      expect(kaizen.requests).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })
})
