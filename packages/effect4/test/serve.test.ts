import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { KaizenLocal } from "../src/index.js"
import * as KaizenNode from "../src/KaizenNode.js"

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
      const busy = yield* Effect.exit(KaizenLocal.serve({ port: address.port }))
      expect(Exit.isFailure(busy) && String(busy.cause)).toMatch(/ServeError|EADDRINUSE/)
      yield* Scope.close(scope, Exit.void)
      const gone = yield* Effect.flip(kaizen.health())
      expect(gone._tag === "KaizenRequestError" && gone.reason).toBe("Transport")
    }).pipe(Effect.scoped))
})
