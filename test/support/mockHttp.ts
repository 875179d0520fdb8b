/**
 * A mock `HttpClient` layer that records every request and answers with a handler: the
 * public testing story for code that uses the Kaizen client (see README, "Testing your code").
 */
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import type { HttpClientRequest } from "@effect/platform"
import { Effect, Layer } from "effect"

export interface Recorded {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

export type Handler = (request: Recorded) => Response | Promise<Response>

const bodyText = (request: HttpClientRequest.HttpClientRequest): string | undefined => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return new TextDecoder().decode(body.body)
    case "Raw":
      if (typeof body.body === "string") return body.body
      throw new Error("unexpected raw body")
    default:
      throw new Error(`unexpected body ${body._tag}`)
  }
}

export const mockHttp = (handler: Handler) => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url) =>
    Effect.tryPromise({
      try: async () => {
        const recorded: Recorded = {
          method: request.method,
          url: url.toString(),
          headers: { ...request.headers },
          body: bodyText(request)
        }
        requests.push(recorded)
        return HttpClientResponse.fromWeb(request, await handler(recorded))
      },
      // A handler that throws behaves like a transport that failed (reset, refused, ...).
      catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
    })
  )
  return { requests, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

export const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), {
    ...init,
    headers: { "content-type": "application/json", ...(init.headers as Record<string, string> | undefined) }
  })
