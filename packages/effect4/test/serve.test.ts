import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { KaizenLocal } from "../src/index.js"
import type { KaizenClient } from "../src/index.js"
import * as InFlight from "../src/local/inFlight.js"
import { makeNodeServer, serveOn } from "../src/local/server.js"
import * as KaizenNode from "../src/KaizenNode.js"

/** Runs `use` with a Node-layer client of a fresh server; both are closed afterwards. */
const withServer = <A, E>(
  use: (kaizen: KaizenClient.Service, address: KaizenLocal.Address) => Effect.Effect<A, E>,
  options: KaizenLocal.ServeOptions = {}
) =>
  Effect.scoped(Effect.gen(function*() {
    const address = yield* KaizenLocal.serve({ port: 0, ...options })
    const kaizen = yield* KaizenNode.make({ baseUrl: address.url, retry: false })
    return yield* use(kaizen, address)
  }))

const post = (url: string, body: string) =>
  Effect.promise(async () => {
    const response = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json" } })
    return { status: response.status, text: await response.text() }
  })

describe("KaizenLocal.serve: the engine over HTTP on 127.0.0.1", () => {
  it.live("any client gets the service's answers; a body over maxBodyBytes is a 413; closing the scope stops it", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const address = yield* Scope.provide(KaizenLocal.serve({ port: 0, maxBodyBytes: 4096 }), scope)
      expect(address.url).toBe(`http://127.0.0.1:${address.port}`)
      const kaizen = yield* KaizenNode.make({ baseUrl: address.url, retry: false })
      const encoded = yield* kaizen.compress({ data: { a: [1, 2, 3] } })
      expect(encoded.result).toBe("a[3]: 1,2,3")
      expect((yield* kaizen.decompress({ data: encoded.result })).result).toEqual({ a: [1, 2, 3] })
      const large = yield* Effect.flip(kaizen.compress({ data: "x".repeat(6000) }))
      expect(large._tag === "KaizenAPIError" && large.statusCode).toBe(413)
      const raw = yield* Effect.promise(() => fetch(`${address.url}/v1/nowhere`, { method: "POST", body: "{}" }))
      expect(raw.status).toBe(404)
      expect(yield* Effect.promise(() => raw.json())).toEqual({ detail: "Not Found" })
      const busy = yield* Effect.exit(KaizenLocal.serve({ port: address.port }))
      expect(Exit.isFailure(busy) && String(busy.cause)).toMatch(/ServeError|EADDRINUSE/)
      yield* Scope.close(scope, Exit.void)
      const gone = yield* Effect.flip(kaizen.health())
      expect(gone._tag === "KaizenRequestError" && gone.reason).toBe("Transport")
    }).pipe(Effect.scoped))

  it.live("serves the full lifecycle to a real client", () =>
    withServer((kaizen) =>
      Effect.gen(function*() {
        expect((yield* kaizen.health()).status).toBe("ok")
        const data = { users: [{ id: 1, name: "Ada", tags: ["math"] }, { id: 2, name: "Grace", tags: [] }] }
        const encoded = yield* kaizen.promptsEncode({ prompt: data, metadata: { trace: "t-1" } })
        expect(encoded.meta?.client_metadata).toEqual({ trace: "t-1" })
        const decoded = yield* kaizen.promptsDecode({ ktof: encoded.result, replay_meta: { turn: 2 } })
        expect(decoded.result).toEqual(data)
        expect(decoded.meta).toEqual({ turn: 2 })
        const request = yield* kaizen.optimizeRequest({ prompt: `Check ${JSON.stringify(data)} now` })
        expect(request.meta?.auto_detected_json).toBe(true)
        const response = yield* kaizen.optimizeResponse({ ktof: (yield* kaizen.optimize({ data })).result })
        expect(response.result).toEqual(data)
        const compressed = yield* kaizen.compress({ data, options: { delimiter: "|", length_marker: true } })
        expect(compressed.result).toContain("[#2|]")
        expect((yield* kaizen.decompress({ data: compressed.result })).result).toEqual(data)
        const bad = yield* Effect.flip(kaizen.decompress({ data: "a[2]: 1" }))
        expect(bad._tag === "KaizenAPIError" && bad.statusCode).toBe(400)
      })))

  it.live("the Node layer as users get it (retries on): every call answered at its first attempt", () =>
    Effect.scoped(Effect.gen(function*() {
      const node = makeNodeServer()
      let requests = 0
      node.on("request", () => requests++)
      const address = yield* serveOn(node, { port: 0 })
      const kaizen = yield* KaizenNode.make({ baseUrl: address.url })
      const data = { rows: [{ id: 1, title: "alpha" }, { id: 2, title: "beta" }] }
      const encoded = yield* kaizen.promptsEncode({ prompt: data })
      expect((yield* kaizen.promptsDecode({ ktof: encoded.result })).result).toEqual(data)
      expect((yield* kaizen.optimizeRequest({ prompt: `Rows: ${JSON.stringify(data)}` })).meta?.auto_detected_json).toBe(true)
      expect((yield* kaizen.optimizeResponse({ ktof: (yield* kaizen.optimize({ data })).result })).result).toEqual(data)
      expect((yield* kaizen.decompress({ data: (yield* kaizen.compress({ data })).result })).result).toEqual(data)
      expect((yield* kaizen.health()).status).toBe("ok")
      // The default retry policy was on and found nothing to retry.
      expect(requests).toBe(8)
    })))

  // 400 values, each compressed and decompressed: 800 requests, 100 in flight at a time.
  it.live("answers hundreds of concurrent requests, each correctly", () =>
    withServer((kaizen) =>
      Effect.gen(function*() {
        const results = yield* Effect.forEach(
          Array.from({ length: 400 }, (_, i) => i),
          (i) =>
            Effect.gen(function*() {
              const data = { id: i, rows: [{ n: i, square: i * i }, { n: -i - 1, square: i * i }] }
              const encoded = yield* kaizen.compress({ data })
              return { i, back: (yield* kaizen.decompress({ data: encoded.result })).result }
            }),
          { concurrency: 100 }
        )
        expect(results).toHaveLength(400)
        for (const { back, i } of results) {
          expect(back).toEqual({ id: i, rows: [{ n: i, square: i * i }, { n: -i - 1, square: i * i }] })
        }
      })), 120_000)

  it.live("the body reaches the engine as sent: integers past 2^53 reach KTOF digit for digit", () =>
    withServer((_, address) =>
      Effect.gen(function*() {
        const big = "123456789012345678901234567890"
        const encoded = yield* post(`${address.url}/v1/compress`, `{"data":{"n":${big},"m":9007199254740993}}`)
        expect(encoded.status).toBe(200)
        const ktof = (JSON.parse(encoded.text) as { result: string }).result
        expect(ktof).toBe(`n: ${big}\nm: 9007199254740993`)
      })))

  it.live("a body alone is admitted whatever maxInFlightBytes and maxInFlightValues say", () =>
    withServer((kaizen) =>
      Effect.gen(function*() {
        const data = Array.from({ length: 50 }, (_, i) => ({ i }))
        const encoded = yield* kaizen.compress({ data })
        expect((yield* kaizen.decompress({ data: encoded.result })).result).toEqual(data)
      }), { maxInFlightBytes: 10, maxInFlightValues: 10 }))

  it.live("takes its bounds as options, durations as Effect durations", () =>
    withServer((kaizen) =>
      Effect.gen(function*() {
        expectTypeOf<KaizenLocal.ServeOptions["headersTimeout"]>().toEqualTypeOf<Duration.Input | undefined>()
        expectTypeOf<KaizenLocal.ServeOptions["bodyTimeout"]>().toEqualTypeOf<Duration.Input | undefined>()
        expectTypeOf<KaizenLocal.ServeOptions["maxInFlightBytes"]>().toEqualTypeOf<number | undefined>()
        expectTypeOf<KaizenLocal.ServeOptions["maxValues"]>().toEqualTypeOf<number | undefined>()
        expectTypeOf<KaizenLocal.ServeOptions["maxInFlightValues"]>().toEqualTypeOf<number | undefined>()
        expect((yield* kaizen.health()).status).toBe("ok")
      }), { headersTimeout: "5 seconds", bodyTimeout: Duration.seconds(5), maxInFlightBytes: 1024 * 1024, maxValues: 1000 }))
})

describe("the in-flight budget (maxInFlightBytes, maxInFlightValues)", () => {
  it.effect("a share grows within the cap, is refused past it while another is held, and is given back with its scope", () =>
    Effect.gen(function*() {
      const budget = InFlight.make(100)
      const first = yield* Scope.make()
      const a = yield* Scope.provide(budget.share, first)
      expect(a.cover(60)).toBe(true)
      yield* Effect.scoped(Effect.gen(function*() {
        const b = yield* budget.share
        expect(b.cover(40)).toBe(true)
        expect(b.cover(41)).toBe(false)
        expect(budget.held()).toBe(100)
      }))
      expect(budget.held()).toBe(60)
      yield* Scope.close(first, Exit.void)
      // Alone, a share covers more than the cap: large bodies are taken one at a time.
      yield* Effect.scoped(Effect.gen(function*() {
        expect((yield* budget.share).cover(500)).toBe(true)
      }))
      expect(budget.held()).toBe(0)
    }))
})
