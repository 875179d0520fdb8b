import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { KaizenClient, KaizenLocal } from "../src/index.js"

const data = { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }] }
const ktof = "users[2]{id,name}:\n  1,Ada\n  2,Grace"

const roundTrip = Effect.gen(function*() {
  const kaizen = yield* KaizenClient
  const encoded = yield* kaizen.compress({ data })
  const decoded = yield* kaizen.decompress({ data: encoded.result })
  const prompt = yield* kaizen.promptsEncode({ prompt: { messages: [{ role: "user", content: "hi" }] } })
  const back = yield* kaizen.promptsDecode({ ktof: prompt.result })
  const health = yield* kaizen.health()
  return { encoded: encoded.result, decoded: decoded.result, back: back.result, health: health.status, requestId: encoded.requestId }
})

describe("KaizenLocal: the engine (@kaizen-effect/engine) in-process", () => {
  it.effect("layer: the client calls the engine directly, offline", () =>
    Effect.gen(function*() {
      const out = yield* Effect.provide(roundTrip, KaizenLocal.layer())
      expect(out.encoded).toBe(ktof)
      expect(out.decoded).toEqual(data)
      expect(out.back).toEqual({ messages: [{ role: "user", content: "hi" }] })
      expect(out.health).toBe("ok")
      expect(out.requestId).toMatch(/^[0-9a-f-]{36}$/)
    }))

  it.effect("layerHttpClient: the same answers as HTTP text under an unchanged KaizenClient", () =>
    Effect.gen(function*() {
      const layer = KaizenClient.layer({ baseUrl: "http://kaizen.invalid/prefix" }).pipe(
        Layer.provide(KaizenLocal.layerHttpClient())
      )
      const out = yield* Effect.provide(roundTrip, layer)
      expect(out.encoded).toBe(ktof)
      expect(out.decoded).toEqual(data)
      expect(out.health).toBe("ok")
    }))

  it.effect("the engine's refusals are the same typed errors on both layers", () =>
    Effect.gen(function*() {
      for (const layer of [KaizenLocal.layer(), KaizenClient.layer({ baseUrl: "http://x" }).pipe(Layer.provide(KaizenLocal.layerHttpClient()))]) {
        const error = yield* Effect.flip(Effect.provide(
          Effect.flatMap(Effect.service(KaizenClient), (k) => k.decompress({ data: "items[2]: a" })),
          layer
        ))
        expect(error._tag).toBe("KaizenAPIError")
        if (error._tag === "KaizenAPIError") {
          expect(error.statusCode).toBe(400)
          expect(error.message).toMatch(/line 1/)
        }
        const local = yield* Effect.flip(Effect.provide(
          Effect.flatMap(Effect.service(KaizenClient), (k) => k.compress({ data: 1, options: { delimiter: ";" as "," } })),
          layer
        ))
        expect(local._tag === "KaizenRequestError" && local.reason).toBe("InvalidRequest")
      }
    }))

  it.effect("maxBodyBytes: a body over the engine's limit is a 413", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.provide(
        Effect.flatMap(Effect.service(KaizenClient), (k) => k.compress({ data: "x".repeat(2000) })),
        KaizenLocal.layer({ maxBodyBytes: 1000, retry: false })
      ))
      expect(error._tag === "KaizenAPIError" && error.statusCode).toBe(413)
    }))
})
