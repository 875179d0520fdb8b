/**
 * The engine over HTTP on Node: `@effect/platform`'s HttpServer on `node:http`, answering
 * with the same handler as the in-process client. The only module of the engine that imports
 * Node: `KaizenLocal` loads it lazily, so the in-process layer stays platform-neutral.
 *
 * @internal
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { createServer } from "node:http"
import { collect } from "./body.js"
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT } from "./defaults.js"
import { PayloadTooLarge } from "./errors.js"
import type { EngineOptions, EngineResponse, Handler } from "./handlers.js"
import { errorResponse, makeHandler } from "./handlers.js"

/** Where and how to serve. */
export interface ServeOptions extends EngineOptions {
  /** Default {@link DEFAULT_PORT}; `0` picks a free port. */
  readonly port?: number | undefined
  /** Default `127.0.0.1`: the engine is for this machine unless you say otherwise. */
  readonly host?: string | undefined
}

/** Where the server listens, once it does. */
export interface Address {
  readonly hostname: string
  readonly port: number
  /** The base URL to give a client, e.g. `http://127.0.0.1:8787`. */
  readonly url: string
}

const toServerResponse = (answer: EngineResponse): HttpServerResponse.HttpServerResponse => {
  const { "content-type": contentType, ...headers } = answer.headers
  return HttpServerResponse.text(answer.body, { status: answer.status, headers, contentType })
}

const unreadable = toServerResponse({
  status: 400,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ detail: "The request body could not be read" })
})

const app = (handle: Handler, maxBodyBytes: number) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    // A declared size over the limit is refused before a byte of the body is read.
    if (Number(request.headers["content-length"] ?? 0) > maxBodyBytes) {
      return toServerResponse(errorResponse(new PayloadTooLarge({ limit: maxBodyBytes })))
    }
    const body = yield* Effect.either(collect(request.stream, maxBodyBytes))
    // The client went away mid-body: nobody reads this answer, but the fiber ends cleanly.
    if (body._tag === "Left") return unreadable
    return toServerResponse(yield* handle({ method: request.method, path: request.url, body: body.right }))
  })

const urlHost = (hostname: string): string => hostname.includes(":") ? `[${hostname}]` : hostname

/** Serves the engine until the scope closes, and gives back the address it listens on. */
export const serve = (options: ServeOptions = {}): Effect.Effect<Address, HttpServerError.ServeError, Scope.Scope> =>
  Effect.gen(function*() {
    const host = options.host ?? "127.0.0.1"
    const server = yield* NodeHttpServer.make(() => createServer(), { port: options.port ?? DEFAULT_PORT, host })
    yield* server.serve(app(makeHandler(options), options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES))
    const address = server.address
    const hostname = address._tag === "TcpAddress" ? address.hostname : host
    const port = address._tag === "TcpAddress" ? address.port : 0
    return { hostname, port, url: `http://${urlHost(hostname)}:${port}` }
  })
