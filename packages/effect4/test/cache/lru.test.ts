/**
 * The memory tier's bounds (src/cache/memory.ts): least recently used dropped first, however
 * often the others were read; a byte budget beside the count; time to live from the answer.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/testing/TestClock"
import * as Memory from "../../src/cache/memory.js"
import * as KaizenCache from "../../src/KaizenCache.js"
import { cached, holding, untilRequests } from "./support/cached.js"

const sized = (capacity: number, maxBytes: number, timeToLiveMillis = 60_000) =>
  Memory.make<string>({ capacity, maxBytes, timeToLiveMillis, sizeOf: (value) => value.length })

describe("the memory tier", () => {
  it("drops the entry used longest ago: a hit makes an entry the most recent, whatever was read more", () => {
    const memory = sized(2, 1_000)
    memory.set("a", "A", 0)
    memory.set("b", "B", 0)
    for (let i = 0; i < 5; i++) memory.get("b", 0)
    memory.get("a", 0)
    memory.set("c", "C", 0)
    expect(memory.names()).toEqual(["a", "c"])
    // Eviction order is use order: a then c, so d drops a.
    memory.set("d", "D", 0)
    expect(memory.names()).toEqual(["c", "d"])
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
    // Replacing an entry counts its new size, not both.
    memory.set("b", "bb", 0)
    expect([memory.names(), memory.bytes()]).toEqual([["c", "b"], 6])
  })

  it("an entry expires timeToLive after it was set, and a read of an expired one drops it", () => {
    const memory = sized(10, 1_000, 100)
    memory.set("a", "A", 1_000)
    expect(memory.get("a", 1_099)).toBe("A")
    expect(memory.get("a", 1_100)).toBeUndefined()
    expect([memory.size(), memory.bytes()]).toEqual([0, 0])
  })

  it("an entry's size is its answer's JSON length plus a fixed allowance", () => {
    expect(Memory.sizeOf({ result: "a: 1" })).toBe(JSON.stringify({ result: "a: 1" }).length + Memory.ENTRY_OVERHEAD)
  })

  it.effect("time to live counts from the answer: an answer slower than it is still a hit", () =>
    Effect.gen(function*() {
      const held = holding()
      const { kaizen, server } = yield* cached(held.handler, KaizenCache.layer({ timeToLive: "1 minute" }), { timeout: "1 hour" })
      const first = yield* Effect.forkChild(kaizen.compress({ data: 1 }))
      yield* untilRequests(server, 1)
      // The answer arrives two minutes after the request was sent.
      yield* TestClock.adjust("2 minutes")
      held.release()
      yield* Fiber.join(first)
      yield* TestClock.adjust("59 seconds")
      const again = yield* kaizen.compress({ data: 1 })
      expect(KaizenCache.isCached(again)).toBe(true)
      yield* TestClock.adjust("1 second")
      const expired = yield* kaizen.compress({ data: 1 })
      expect(KaizenCache.isCached(expired)).toBe(false)
      expect(server.requests).toHaveLength(2)
    }))

  it.effect("maxBytes bounds the layer: answers past it are dropped least recently used first", () =>
    Effect.gen(function*() {
      // Each answer is about 330 bytes with the allowance: two fit in 700, not three.
      const { kaizen, server } = yield* cached(undefined, KaizenCache.layer({ maxBytes: 700 }))
      yield* kaizen.compress({ data: 1 })
      yield* kaizen.compress({ data: 2 })
      yield* kaizen.compress({ data: 1 })
      yield* kaizen.compress({ data: 3 })
      expect(server.requests).toHaveLength(3)
      // 2 was used longest ago and is gone; 1 and 3 are kept.
      const answers = [yield* kaizen.compress({ data: 1 }), yield* kaizen.compress({ data: 3 })]
      expect(answers.map(KaizenCache.isCached)).toEqual([true, true])
      expect(KaizenCache.isCached(yield* kaizen.compress({ data: 2 }))).toBe(false)
    }))
})
