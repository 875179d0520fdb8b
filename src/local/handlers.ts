/**
 * The engine as one function: method, path and body bytes in, status, headers and JSON body
 * out. Both transports (the in-process `HttpClient` and the HTTP server) call this, so they
 * answer byte for byte alike. Nothing here touches a socket or the platform.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as KaizenSchema from "../KaizenSchema.js"
import { DEFAULT_MAX_BODY_BYTES } from "./defaults.js"
import type { EngineError } from "./errors.js"
import { EngineFailure, MethodNotAllowed, RouteNotFound } from "./errors.js"
import * as Operations from "./operations.js"
import type { Envelope } from "./operations.js"
import type { RequestOf } from "./validate.js"
import { decodeRequest, readJson } from "./validate.js"

/** A request as the engine sees it. */
export interface EngineRequest {
  readonly method: string
  /** The URL path; a query string, if any, is ignored. */
  readonly path: string
  /** The body as received: bytes from a socket, or the text an in-process client sent. */
  readonly body: Uint8Array | string
}

/** An answer, ready for any transport. */
export interface EngineResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** JSON text (empty for `HEAD`). */
  readonly body: string
}

/** Engine settings. */
export interface EngineOptions {
  /** Bodies larger than this many bytes are answered 413 (default 10 MiB). */
  readonly maxBodyBytes?: number | undefined
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): EngineResponse => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body)
})

/** The service's answer to a failure. */
export const errorResponse = (error: EngineError): EngineResponse => {
  switch (error._tag) {
    case "InvalidRequest":
      return json(422, { detail: error.items })
    case "UndecodableKtof":
      return json(400, { detail: error.detail })
    case "RouteNotFound":
      return json(404, { detail: "Not Found" })
    case "MethodNotAllowed":
      return json(405, { detail: "Method Not Allowed" }, { allow: error.allow })
    case "PayloadTooLarge":
      return json(413, { detail: `Request body too large: the limit is ${error.limit} bytes` })
    case "EngineFailure":
      return json(500, { detail: error.detail })
  }
}

type Route = (body: Uint8Array | string, maxBodyBytes: number) => Effect.Effect<Envelope, EngineError>

type Run<Op extends KaizenSchema.BodyOperation> = (
  request: RequestOf<Op>
) => Effect.Effect<Envelope, EngineError> | Either.Either<Envelope, EngineError>

// What each operation does lives in operations.ts; paths and methods come from the contract.
const runs: { readonly [Op in KaizenSchema.BodyOperation]: Run<Op> } = {
  compress: Operations.compress,
  decompress: Operations.decompress,
  optimize: Operations.optimize,
  optimizeRequest: Operations.optimizeRequest,
  optimizeResponse: Operations.optimizeResponse,
  promptsEncode: Operations.promptsEncode,
  promptsDecode: Operations.promptsDecode
}

const bodyRoute = <Op extends KaizenSchema.BodyOperation>(operation: Op): Route => (body, maxBodyBytes) =>
  Effect.flatMap(
    Either.flatMap(readJson(body, maxBodyBytes), (value) => decodeRequest(operation, value)),
    runs[operation]
  )

// `route` is undefined for the one route without a body: the health check.
const routes: ReadonlyMap<string, { readonly method: string; readonly route: Route | undefined }> = new Map(
  (Object.keys(KaizenSchema.Endpoints) as Array<KaizenSchema.Operation>).map((operation) => {
    const endpoint = KaizenSchema.Endpoints[operation]
    return [endpoint.path, { method: endpoint.method, route: operation === "health" ? undefined : bodyRoute(operation) }]
  })
)

/** A handler with its settings applied. */
export type Handler = (request: EngineRequest) => Effect.Effect<EngineResponse>

/** The engine: every Kaizen route, answered as the service answers it. */
export const makeHandler = (options: EngineOptions = {}): Handler => {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  return (request) => {
    const path = request.path.split("?")[0]!
    const method = request.method.toUpperCase()
    const entry = routes.get(path)
    if (entry === undefined) return Effect.succeed(errorResponse(new RouteNotFound({ path })))
    // Starlette answers HEAD wherever GET is allowed, without a body.
    const head = method === "HEAD" && entry.method === "GET"
    if (method !== entry.method && !head) {
      return Effect.succeed(
        errorResponse(new MethodNotAllowed({ allow: entry.method === "GET" ? "GET, HEAD" : entry.method }))
      )
    }
    if (entry.route === undefined) {
      const response = json(200, Operations.health)
      return Effect.succeed(head ? { ...response, body: "" } : response)
    }
    return entry.route(request.body, maxBodyBytes).pipe(
      Effect.match({ onFailure: errorResponse, onSuccess: (envelope) => json(200, envelope) }),
      // A bug is the engine's, not the caller's: answered as Starlette answers one, and logged.
      Effect.catchAllDefect((defect) =>
        Effect.as(
          Effect.logError("Kaizen engine: unexpected failure", defect),
          errorResponse(new EngineFailure({ detail: "Internal Server Error" }))
        )
      )
    )
  }
}
