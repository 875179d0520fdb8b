/**
 * A mock `HttpClient` layer that records every request and answers with a handler: the
 * public testing story for code that uses the Kaizen client (see README, "Testing your code").
 */
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import type { HttpClientRequest } from "@effect/platform"
import { Effect, Layer } from "effect"
import { wholeBody } from "../../src/contract/body.js"

export interface Recorded {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

export type Handler = (request: Recorded) => Response | Promise<Response>

const bodyText = (request: HttpClientRequest.HttpClientRequest): string | undefined => {
  const body = wholeBody(request.body)
  if (body === undefined) throw new Error(`unexpected body ${request.body._tag}`)
  return body === null ? undefined : typeof body === "string" ? body : new TextDecoder().decode(body)
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
