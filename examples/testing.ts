/**
 * Testing code that uses the Kaizen client: provide a mock `HttpClient` layer (no network, no
 * key) and assert on what was sent. This is the README's "Testing your code" snippet.
 *
 * Run: npx tsx examples/testing.ts
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { Effect, Layer } from "effect"
import { KaizenClient } from "kaizen-effect"

const sent: Array<string> = []
const MockKaizen = KaizenClient.layer({ retry: false }).pipe(
  Layer.provide(Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request, url) => {
      sent.push(`${request.method} ${url.pathname}`)
      return Effect.succeed(HttpClientResponse.fromWeb(
        request,
        Response.json({ operation: "compress", status: "success", result: "a: 1" })
      ))
    })
  ))
)

const result = await Effect.runPromise(
  Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress({ data: { a: 1 } })).pipe(
    Effect.provide(MockKaizen)
  )
)
console.log(`result: ${JSON.stringify(result.result)}; sent: ${sent.join(", ")}`)
