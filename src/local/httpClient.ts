/**
 * The engine as an `HttpClient`: requests are answered in-process, no socket involved.
 *
 * It routes on the URL's path and ignores its origin, so a client configured for any base URL
 * works unchanged, including one with a path prefix (`https://gateway/kaizen` sends
 * `/kaizen/v1/compress`, answered as `/v1/compress`, and `/kaizen/` as `/`). A relative URL is
 * accepted too: with `KAIZEN_BASE_URL=local` the client's URLs are `local/v1/...`, which the
 * platform could not parse; they are answered as `/v1/...`.
 * Only web-standard globals are used (`Response`, `TextEncoder`), so this runs wherever
 * `@effect/platform` does.
 *
 * Every request is read as a server reads it, and every answer is HTTP text: the client on
 * this transport behaves exactly as over the network (its own timeout, retries and body
 * reading all apply). `KaizenLocal.layer` is the direct route without the text.
 *
 * The engine itself (codec, statistics, tokenizer table) is imported on the first request, not
 * with this module: an application that merely imports the package never loads it.
 *
 * @internal
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Engine from "@kaizen-effect/engine"
import { DEFAULT_MAX_BODY_BYTES } from "@kaizen-effect/engine/defaults"
import { fromEngine } from "./answer.js"
import { wholeBody } from "../contract/body.js"
import { collect } from "./body.js"

/** The value of `KAIZEN_BASE_URL` that selects the engine (`KaizenConfig.LOCAL_BASE_URL`; a test keeps them equal). */
export const LOCAL_BASE_URL = "local"

/** The origin given to relative URLs; it is never contacted. */
const LOCAL_ORIGIN = "http://kaizen.local"

const isAbsolute = (url: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(url)

const absolute = (url: string): string => {
  const path = url === LOCAL_BASE_URL || url.startsWith(`${LOCAL_BASE_URL}/`) ? url.slice(LOCAL_BASE_URL.length) : url
  return LOCAL_ORIGIN + (path.startsWith("/") ? path : `/${path}`)
}

// The service's routes are `/` and `/v1/...`; whatever stands before them is the base URL's.
const routePath = (path: string): string => {
  const v1 = path.indexOf("/v1/")
  if (v1 > 0) return path.slice(v1)
  return v1 < 0 && path.endsWith("/") ? "/" : path
}

const refuse = (request: HttpClientRequest.HttpClientRequest, description: string, cause?: unknown) =>
  new HttpClientError.RequestError({ request, reason: "Encode", description, cause })

/** The request body as the engine takes it: text as sent, or bytes (a stream is read only as far as the size limit needs). */
const bodyOf = (
  request: HttpClientRequest.HttpClientRequest,
  maxBodyBytes: number
): Effect.Effect<Uint8Array | string, HttpClientError.RequestError> => {
  const body = request.body
  const whole = wholeBody(body)
  if (whole !== undefined) return Effect.succeed(whole ?? "")
  if (body._tag === "Raw" && body.body instanceof ArrayBuffer) return Effect.succeed(new Uint8Array(body.body))
  if (body._tag === "Stream") {
    return Effect.mapError(
      collect(body.stream, maxBodyBytes),
      (cause) => new HttpClientError.RequestError({ request, reason: "Transport", description: "reading the body failed", cause })
    )
  }
  return Effect.fail(refuse(
    request,
    body._tag === "FormData"
      ? "the embedded Kaizen engine reads JSON bodies, not form data"
      : "the embedded Kaizen engine reads text or byte bodies only"
  ))
}

let engine: Promise<typeof Engine> | undefined

const loadEngine = (request: HttpClientRequest.HttpClientRequest) =>
  Effect.tryPromise({
    try: () => {
      engine ??= import("@kaizen-effect/engine")
      return engine
    },
    catch: (cause) =>
      new HttpClientError.RequestError({ request, reason: "Transport", description: "the embedded Kaizen engine could not be loaded", cause })
  })

// A client calls a handful of URLs; each is parsed once.
const pathCache = new Map<string, string>()

const pathOf = (request: HttpClientRequest.HttpClientRequest): Effect.Effect<string, HttpClientError.RequestError> => {
  const cached = pathCache.get(request.url)
  if (cached !== undefined) return Effect.succeed(cached)
  let path: string
  try {
    path = routePath(new URL(isAbsolute(request.url) ? request.url : absolute(request.url)).pathname)
  } catch (cause) {
    return Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause }))
  }
  if (pathCache.size >= 256) pathCache.clear()
  pathCache.set(request.url, path)
  return Effect.succeed(path)
}

/**
 * An `HttpClient` answered by the engine. Built on `HttpClient.makeWith`, not `make`: there is
 * no connection to abort and no network span to record, only a function call.
 */
export const make = (options: Engine.EngineOptions = {}): HttpClient.HttpClient => {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  let handler: Engine.Handler | undefined
  const withHandler = (request: HttpClientRequest.HttpClientRequest) =>
    handler !== undefined
      ? Effect.succeed(handler)
      : Effect.map(loadEngine(request), (engine) => handler ??= engine.makeHandler(options))

  // Plain steps, not a generator: on a small prompt they are a good part of the call's cost.
  const answer = (request: HttpClientRequest.HttpClientRequest) =>
    Effect.flatMap(pathOf(request), (path) =>
      Effect.flatMap(bodyOf(request, maxBodyBytes), (body) =>
        Effect.flatMap(withHandler(request), (handle) =>
          Effect.map(
            fromEngine(handle({ method: request.method, path, body })),
            (answer) =>
              HttpClientResponse.fromWeb(
                request,
                new Response(answer.body === "" ? null : answer.body, { status: answer.status, headers: answer.headers })
              )
          ))))
  return HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (request) => Effect.flatMap(request, answer),
    Effect.succeed
  )
}
