/**
 * `KAIZEN_BASE_URL=local`: the same layer users take from the environment runs on the embedded
 * engine, in-process, with no key and no socket.
 */
import { expect, it } from "@effect/vitest"
import { ConfigProvider, Effect } from "effect"
import { KaizenClient, KaizenLocal } from "../../src/index.js"
import * as KaizenNode from "../../src/KaizenNode.js"
import { recordingTracer } from "../support/recordingTracer.js"

it.effect("KaizenNode.layerConfig with KAIZEN_BASE_URL=local round-trips on the embedded engine", () =>
  Effect.gen(function*() {
    const data = { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Linus" }] }
    const { decoded, encoded } = yield* Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      const encoded = yield* kaizen.compress({ data })
      const decoded = yield* kaizen.decompress({ data: encoded.result })
      return { encoded, decoded }
    }).pipe(
      Effect.provide(KaizenNode.layerConfig()),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["KAIZEN_BASE_URL", "local"]])))
    )
    expect(encoded.result).toBe("users[2]{id,name}:\n  1,Ada\n  2,Linus")
    expect(decoded.result).toEqual(data)
    expect(encoded.stats?.original_length).toBe(JSON.stringify(data).length)
  }))

it.effect("KaizenNode.layer({ baseUrl: \"local\" }) answers health offline", () =>
  Effect.gen(function*() {
    const health = yield* Effect.flatMap(KaizenClient, (k) => k.health()).pipe(
      Effect.provide(KaizenNode.layer({ baseUrl: "local" }))
    )
    expect(health.status).toBe("ok")
  }))

it.live("the Node layer as users get it (retries on) against kaizen serve: the full lifecycle, one attempt each", () =>
  Effect.scoped(Effect.gen(function*() {
    const address = yield* KaizenLocal.serve({ port: 0 })
    const { spans, tracer } = recordingTracer()
    const data = { rows: [{ id: 1, title: "alpha" }, { id: 2, title: "beta" }] }
    yield* Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      const encoded = yield* kaizen.promptsEncode({ prompt: data, token_models: ["gpt-4o-mini"] })
      expect((yield* kaizen.promptsDecode({ ktof: encoded.result })).result).toEqual(data)
      const request = yield* kaizen.optimizeRequest({ prompt: `Rows: ${JSON.stringify(data)}` })
      expect(request.meta?.auto_detected_json).toBe(true)
      expect((yield* kaizen.optimizeResponse({ ktof: (yield* kaizen.optimize({ data })).result })).result).toEqual(data)
      expect((yield* kaizen.decompress({ data: (yield* kaizen.compress({ data })).result })).result).toEqual(data)
      expect((yield* kaizen.health()).status).toBe("ok")
    }).pipe(
      Effect.provide(KaizenNode.layer({ baseUrl: address.url })),
      Effect.withTracer(tracer)
    )
    // The default retry policy was on and found nothing to retry.
    expect(spans.map((s) => s.name)).toEqual([
      "KaizenClient.promptsEncode",
      "KaizenClient.promptsDecode",
      "KaizenClient.optimizeRequest",
      "KaizenClient.optimize",
      "KaizenClient.optimizeResponse",
      "KaizenClient.compress",
      "KaizenClient.decompress",
      "KaizenClient.health"
    ])
    for (const span of spans) expect(span.attributes.get("kaizen.attempts")).toBe(1)
  })))
