/**
 * Runs offline on the embedded engine: no network, no key. After `npm run build`:
 *
 *   node examples/offline.ts        (Node >= 22.18 strips the types itself)
 */
import { Console, Effect } from "effect"
import { KaizenClient, KaizenLocal } from "@kaizen-effect/effect4"

const program = Effect.gen(function*() {
  const kaizen = yield* KaizenClient
  const rows = { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }] }
  const encoded = yield* kaizen.compress({ data: rows })
  yield* Console.log(encoded.result)
  const decoded = yield* kaizen.decompress({ data: encoded.result })
  yield* Console.log(JSON.stringify(decoded.result))
  // A KTOF text that says more than it holds is a typed API error, not a crash.
  const refused = yield* kaizen.decompress({ data: "items[2]: a" }).pipe(
    Effect.catchTag("KaizenAPIError", (error) => Effect.succeed(`refused: ${error.statusCode}`))
  )
  yield* Console.log(refused)
})

Effect.runPromise(program.pipe(Effect.provide(KaizenLocal.layer())))
