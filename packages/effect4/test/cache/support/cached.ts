/**
 * A caching client over a real recording server on 127.0.0.1 (test/support/server.ts), on
 * effect/http's fetch client: what reached the "server" is what was sent.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type { ServerResponse } from "node:http"
import { KaizenClient, type KaizenConfig } from "../../../src/index.js"
import * as KaizenCache from "../../../src/KaizenCache.js"
import { type Handler, json, type Recorded, serve, type TestServer } from "../../support/server.js"

/** An encode envelope whose result names the request body, so answers tell requests apart. */
export const envelope: Handler = (request, response) =>
  json(response, 200, { operation: "compress", status: "success", result: `ktof of ${request.body}` })

/** A handler that holds every request until `release` is called. */
export const holding = (answer: Handler = envelope) => {
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  const handler: Handler = async (request: Recorded, response: ServerResponse, index: number) => {
    await released
    await answer(request, response, index)
  }
  return { handler, release: () => release() }
}

/** One "process": its own cache layer over the client with `options`, the server's URL as base. */
export const client = (
  server: TestServer,
  cache: Layer.Layer<KaizenClient, unknown, KaizenClient> = KaizenCache.layer(),
  options: KaizenConfig.Options = {}
): Effect.Effect<KaizenClient.Service, never, Scope.Scope> =>
  Effect.map(
    Layer.build(cache.pipe(
      Layer.provide(KaizenClient.layer({ retry: false, baseUrl: server.url, ...options })),
      Layer.provide(FetchHttpClient.layer),
      Layer.orDie
    )),
    (context) => Context.get(context, KaizenClient)
  )

/** A server and a caching client over it. */
export const cached = (
  handler: Handler = envelope,
  cache?: Layer.Layer<KaizenClient, unknown, KaizenClient>,
  options?: KaizenConfig.Options
) =>
  Effect.gen(function*() {
    const server = yield* serve(handler)
    return { server, kaizen: yield* client(server, cache, options) }
  })

/** Lets the event loop run (a real socket's bytes) without moving a TestClock. */
export const turn = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1)))

/** Waits, turn by turn, until the server has `n` requests. The test's timeout is the only deadline. */
export const untilRequests = (server: TestServer, n: number) =>
  Effect.gen(function*() {
    while (server.requests.length < n) yield* turn
  })
