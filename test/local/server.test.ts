/**
 * `KaizenLocal.serve` over real sockets: a `KaizenClient` on the Node transport talks to the
 * engine on a free port through the whole lifecycle, then hundreds of requests in flight at once.
 */
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Context, Duration, Effect, Either, Layer } from "effect"
import { KaizenClient } from "../../src/KaizenClient.js"
import * as KaizenLocal from "../../src/KaizenLocal.js"
import * as NodeTransport from "../../src/internal/nodeTransport.js"

/** Runs `use` with a client connected to a fresh server; both are closed afterwards. */
const withServer = <A, E>(
  use: (kaizen: KaizenClient["Type"], address: KaizenLocal.Address) => Effect.Effect<A, E>,
  options: KaizenLocal.ServeOptions = {}
) =>
  Effect.scoped(
    Effect.gen(function*() {
      const address = yield* KaizenLocal.serve({ port: 0, ...options })
      // Built in this scope, so the connection pool lives until `use` is done.
      const context = yield* Layer.build(
        KaizenClient.layer({ baseUrl: address.url, retry: false }).pipe(Layer.provide(NodeTransport.layerHttpClient()))
      )
      const kaizen = Context.get(context, KaizenClient)
      return yield* use(kaizen, address)
    })
  )

describe("KaizenLocal.serve", () => {
  it.effect("listens on a free port and serves the full lifecycle to a real client", () =>
    withServer((kaizen, address) =>
      Effect.gen(function*() {
        expect(address.port).toBeGreaterThan(0)
        expect(address.url).toBe(`http://127.0.0.1:${address.port}`)

        const health = yield* kaizen.health()
        expect(health.status).toBe("ok")

        const data = { users: [{ id: 1, name: "Ada", tags: ["math"] }, { id: 2, name: "Grace", tags: [] }] }
        const encoded = yield* kaizen.promptsEncode({ prompt: data, metadata: { trace: "t-1" }, token_models: ["gpt-4o"] })
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

        const bad = yield* Effect.either(kaizen.decompress({ data: "a[2]: 1" }))
        expect(Either.isLeft(bad) && bad.left._tag === "KaizenAPIError" && bad.left.statusCode).toBe(400)
      })
    ))

  // 400 values, each compressed and decompressed: 800 requests, 100 in flight at a time (more
  // than the pool's 64 sockets, so the pool queues too). The clock is the TestClock, so no
  // client timeout can fire; the test's own timeout is set for a machine many times busier
  // than one where it takes a second or two (1,000 values unbounded once took over 30 s).
  it.effect("answers hundreds of concurrent requests, each correctly", () =>
    withServer((kaizen) =>
      Effect.gen(function*() {
        const count = 400
        const results = yield* Effect.forEach(
          Array.from({ length: count }, (_, i) => i),
          (i) =>
            Effect.gen(function*() {
              const data = { id: i, rows: [{ n: i, square: i * i }, { n: -i - 1, square: i * i }] }
              const encoded = yield* kaizen.compress({ data })
              const decoded = yield* kaizen.decompress({ data: encoded.result })
              return { i, back: decoded.result }
            }),
          { concurrency: 100 }
        )
        expect(results).toHaveLength(count)
        for (const { back, i } of results) {
          expect(back).toEqual({ id: i, rows: [{ n: i, square: i * i }, { n: -i - 1, square: i * i }] })
        }
      })
    ), 120_000)

  it.effect("refuses a body over its limit with 413, and unknown routes with 404", () =>
    withServer((_, address) =>
      Effect.gen(function*() {
        const large = yield* Effect.promise(() =>
          fetch(`${address.url}/v1/compress`, { method: "POST", body: JSON.stringify({ data: "x".repeat(500) }) })
        )
        expect(large.status).toBe(413)
        const body = (yield* Effect.promise(() => large.json())) as { detail: string }
        expect(body.detail).toContain("256 bytes")
        const missing = yield* Effect.promise(() => fetch(`${address.url}/v1/nothing`, { method: "POST", body: "{}" }))
        expect(missing.status).toBe(404)
        expect(yield* Effect.promise(() => missing.json())).toEqual({ detail: "Not Found" })
      }), { maxBodyBytes: 256 }))

  it.effect("takes its bounds as options, durations as Effect durations", () =>
    withServer((kaizen) =>
      Effect.gen(function*() {
        expectTypeOf<KaizenLocal.ServeOptions["headersTimeout"]>().toEqualTypeOf<Duration.DurationInput | undefined>()
        expectTypeOf<KaizenLocal.ServeOptions["bodyTimeout"]>().toEqualTypeOf<Duration.DurationInput | undefined>()
        expectTypeOf<KaizenLocal.ServeOptions["maxInFlightBytes"]>().toEqualTypeOf<number | undefined>()
        expect((yield* kaizen.health()).status).toBe("ok")
      }), { headersTimeout: "5 seconds", bodyTimeout: Duration.seconds(5), maxInFlightBytes: 1024 * 1024 }))

  it.effect("closing the scope stops the server", () =>
    Effect.gen(function*() {
      const address = yield* Effect.scoped(KaizenLocal.serve({ port: 0 }))
      const after = yield* Effect.either(Effect.tryPromise(() => fetch(`${address.url}/`)))
      expect(Either.isLeft(after)).toBe(true)
    }))
})
