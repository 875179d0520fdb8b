/**
 * `KAIZEN_BASE_URL=local`: the same layer users take from the environment runs on the embedded
 * engine, in-process, with no key and no socket.
 */
import { expect, it } from "@effect/vitest"
import { ConfigProvider, Effect } from "effect"
import { KaizenClient } from "../../src/index.js"
import * as KaizenNode from "../../src/KaizenNode.js"

it.effect("KaizenNode.layerConfig with KAIZEN_BASE_URL=local round-trips on the embedded engine", () =>
  Effect.gen(function*() {
    const data = { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Linus" }] }
    const { decoded, encoded } = yield* Effect.gen(function*() {
      const kaizen = yield* KaizenClient.KaizenClient
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

it.effect("layerNodeWith({ baseUrl: \"local\" }) answers health offline", () =>
  Effect.gen(function*() {
    const health = yield* Effect.flatMap(KaizenClient.KaizenClient, (k) => k.health()).pipe(
      Effect.provide(KaizenClient.KaizenClient.layerNodeWith({ baseUrl: "local" }))
    )
    expect(health.status).toBe("ok")
  }))
