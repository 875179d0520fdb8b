/**
 * The engine as an `HttpClient` (the Effect 3 line's src/local/httpClient.ts on Effect 4's
 * `effect/http`): requests are answered in-process, no socket involved, with the HTTP text the
 * service would send, so every client behaviour applies as over the network. It routes on the
 * URL's path and ignores its origin, so any base URL works. Only text and byte bodies are read
 * (the client sends its JSON as text).
 *
 * @internal
 */
import type * as Engine from "@kaizen-effect/engine"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import { fromEngine } from "./answer.js"

// The service's routes are `/` and `/v1/...`; whatever stands before them is the base URL's.
const routePath = (path: string): string => {
  const v1 = path.indexOf("/v1/")
  if (v1 > 0) return path.slice(v1)
  return v1 < 0 && path.endsWith("/") ? "/" : path
}

const refuse = (request: HttpClientRequest.HttpClientRequest, description: string) =>
  new HttpClientError.HttpClientError({ reason: new HttpClientError.EncodeError({ request, description }) })

const bodyOf = (request: HttpClientRequest.HttpClientRequest): Effect.Effect<Uint8Array | string, HttpClientError.HttpClientError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed("")
    case "Uint8Array":
      return Effect.succeed(body.body)
    case "Raw":
      if (typeof body.body === "string" || body.body instanceof Uint8Array) return Effect.succeed(body.body)
      return Effect.fail(refuse(request, "the embedded Kaizen engine reads text or byte bodies only"))
    default:
      return Effect.fail(refuse(request, "the embedded Kaizen engine reads text or byte bodies only"))
  }
}

export const make = (engine: typeof Engine, options: Engine.EngineOptions = {}): HttpClient.HttpClient => {
  const handle = engine.makeHandler(options)
  return HttpClient.make((request, url) =>
    Effect.flatMap(bodyOf(request), (body) =>
      Effect.map(
        fromEngine(handle({ method: request.method, path: routePath(url.pathname), body })),
        (answer) =>
          HttpClientResponse.fromWeb(
            request,
            new Response(answer.body === "" ? null : answer.body, { status: answer.status, headers: answer.headers })
          )
      ))
  )
}
