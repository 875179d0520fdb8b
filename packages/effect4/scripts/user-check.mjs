// What a user sees: the engine round trip and its KTOF, typed errors, the default retry on a
// 503, the key from the environment, and a vanished server.
import assert from "node:assert/strict"
import { createServer } from "node:http"
import { Effect } from "effect"
import { KaizenClient, KaizenAPIError, KaizenRequestError } from "@kaizen-effect/effect4"
import * as KaizenNode from "@kaizen-effect/effect4/node"

const run = (effect, layer) => Effect.runPromise(Effect.flatMap(Effect.service(KaizenClient), effect).pipe(Effect.provide(layer)))

const [ktof, back] = await run((kaizen) => Effect.gen(function*() {
  const encoded = yield* kaizen.compress({ data: { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }] } })
  return [encoded.result, (yield* kaizen.decompress({ data: encoded.result })).result]
}), KaizenNode.layer({ baseUrl: "local" }))
assert.equal(ktof, "users[2]{id,name}:\n  1,Ada\n  2,Grace")
assert.deepEqual(back, { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }] })

const invalid = await run((kaizen) => Effect.flip(kaizen.compress({ data: 1, options: { indent: 0 } })), KaizenNode.layer({ baseUrl: "local" }))
assert.ok(invalid instanceof KaizenRequestError && invalid.reason === "InvalidRequest")

const seen = []
const server = createServer((req, res) => {
  seen.push(req.headers)
  req.resume()
  req.on("end", () => {
    const status = seen.length === 1 ? 503 : req.url === "/v1/decompress" ? 400 : 200
    res.writeHead(status, { "content-type": "application/json" })
    res.end(JSON.stringify(status === 200 ? { result: "a: 1" } : { detail: "no" }))
  })
})
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
process.env.KAIZEN_BASE_URL = `http://127.0.0.1:${server.address().port}`
process.env.KAIZEN_API_KEY = "sk-from-the-environment"
const [retried, api] = await run((kaizen) => Effect.all([kaizen.compress({ data: { a: 1 } }), Effect.flip(kaizen.decompress({ data: "a: 1" }))]), KaizenNode.layerConfig())
assert.equal(retried.result, "a: 1")
assert.ok(api instanceof KaizenAPIError && api.statusCode === 400)
assert.equal(seen.length, 3)
assert.equal(seen[1]["x-api-key"], "sk-from-the-environment")
await new Promise((resolve) => { server.closeAllConnections(); server.close(resolve) })
const gone = await run((kaizen) => Effect.flip(kaizen.health()), KaizenNode.layerConfig())
assert.ok(gone instanceof KaizenRequestError && gone.reason === "Transport")
console.log("user checks passed")
