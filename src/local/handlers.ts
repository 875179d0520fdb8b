/**
 * The engine as functions: method, path and body bytes in, status, headers and JSON body out
 * ({@link makeHandler}, for the in-process `HttpClient` and the HTTP server, so they answer
 * byte for byte alike); and an operation with its request as a value in, the envelope as a
 * value out ({@link makeOperations}, for the direct `KaizenClient` layer), giving the same
 * answers without writing JSON. Nothing here touches a socket or the platform.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { BodyMeasure } from "../json/measure.js"
import * as KaizenSchema from "../KaizenSchema.js"
import { DEFAULT_MAX_BODY_BYTES } from "./defaults.js"
import type { EngineError } from "./errors.js"
import { EngineFailure, MethodNotAllowed, PayloadTooLarge, RouteNotFound } from "./errors.js"
import * as Operations from "./operations.js"
import type { Envelope } from "./operations.js"
import type { RequestOf } from "./validate.js"
import { decodeRequest, readJson } from "./validate.js"
import { Endpoints } from "../contract/endpoints.js"

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
  request: RequestOf<Op>,
  // Code points of each field's compact JSON, when known without writing it.
  fieldLengths?: Readonly<Record<string, number>>
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
    (request) => runs[operation](request)
  )

interface Entry {
  readonly method: string
  // Undefined for the one route without a body: the health check.
  readonly route: Route | undefined
}

const routes: ReadonlyMap<string, Entry> = new Map(
  (Object.keys(Endpoints) as Array<KaizenSchema.Operation>).map((operation) => {
    const endpoint = Endpoints[operation]
    const entry: Entry = operation === "health"
      ? { method: endpoint.method, route: undefined }
      : { method: endpoint.method, route: bodyRoute(operation) }
    return [endpoint.path, entry]
  })
)

/** The route for a method and path, or the answer when there is none. */
const lookup = (method: string, rawPath: string): { readonly entry: Entry; readonly head: boolean } | EngineResponse => {
  const path = rawPath.split("?")[0]!
  const upper = method.toUpperCase()
  const entry = routes.get(path)
  if (entry === undefined) return errorResponse(new RouteNotFound({ path }))
  // Starlette answers HEAD wherever GET is allowed, without a body.
  const head = upper === "HEAD" && entry.method === "GET"
  if (upper !== entry.method && !head) {
    return errorResponse(new MethodNotAllowed({ allow: entry.method === "GET" ? "GET, HEAD" : entry.method }))
  }
  return { entry, head }
}

const healthResponse = (head: boolean): EngineResponse => {
  const response = json(200, Operations.health)
  return head ? { ...response, body: "" } : response
}

// A bug is the engine's, not the caller's: answered as Starlette answers one, and logged.
const catchBug = <A>(answer: Effect.Effect<A>, toAnswer: (response: EngineResponse) => A): Effect.Effect<A> =>
  Effect.catchAllDefect(answer, (defect) =>
    Effect.as(
      Effect.logError("Kaizen engine: unexpected failure", defect),
      toAnswer(errorResponse(new EngineFailure({ detail: "Internal Server Error" })))
    ))

/** A handler with its settings applied. */
export type Handler = (request: EngineRequest) => Effect.Effect<EngineResponse>

/** The engine: every Kaizen route, answered as the service answers it. */
export const makeHandler = (options: EngineOptions = {}): Handler => {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  return (request) => {
    const found = lookup(request.method, request.path)
    if (!("entry" in found)) return Effect.succeed(found)
    const { entry, head } = found
    if (entry.route === undefined) return Effect.succeed(healthResponse(head))
    return catchBug(
      Effect.match(entry.route(request.body, maxBodyBytes), {
        onFailure: errorResponse,
        onSuccess: (envelope) => json(200, envelope)
      }),
      (response) => response
    )
  }
}

/** The answer to an operation called with a value: a success envelope as a value, anything else as the HTTP answer. */
export type ValueResponse =
  | { readonly status: 200; readonly headers: Readonly<Record<string, string>>; readonly envelope: Envelope }
  | EngineResponse

/**
 * An operation called with its request as a value: `request` is the operation's contract
 * model (`Endpoints[operation].request`'s Type, as a decode of it gives) and
 * `measure` what its JSON text measures (json/measure.ts), which also proves it exactly JSON.
 */
export type OperationHandler = <Op extends KaizenSchema.BodyOperation>(
  operation: Op,
  request: RequestOf<Op>,
  measure: BodyMeasure
) => Effect.Effect<ValueResponse>

const jsonHeaders = { "content-type": "application/json" } as const

// What an envelope echoes of the request (`meta`: schemas, metadata) is the caller's own
// objects; the answer carries copies, as it would after a round trip through JSON.
const detached = (envelope: Envelope): Envelope =>
  envelope.meta === undefined ? envelope : { ...envelope, meta: JSON.parse(JSON.stringify(envelope.meta)) }

/**
 * The engine's operations for a caller that holds the request as a value: the same answers
 * as {@link makeHandler} gives the same request's JSON text (tested against each other for
 * generated requests), without that text being written or parsed. The body limit applies to
 * the measured size of the text, as it does to the text.
 */
export const makeOperations = (options: EngineOptions = {}): OperationHandler => {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  return (operation, request, measure) => {
    if (measure.bytes > maxBodyBytes) return Effect.succeed(errorResponse(new PayloadTooLarge({ limit: maxBodyBytes })))
    const run = runs[operation] as Run<typeof operation>
    return catchBug(
      Effect.match(run(request, measure.fields), {
        onFailure: (error): ValueResponse => errorResponse(error),
        onSuccess: (envelope): ValueResponse => ({ status: 200, headers: jsonHeaders, envelope: detached(envelope) })
      }),
      (response): ValueResponse => response
    )
  }
}
