/**
 * The engine as functions: method, path and body bytes in, status, headers and JSON body out
 * ({@link makeHandler}, for an in-process client and an HTTP server, so they answer byte for
 * byte alike); and an operation with its request as a value in, the envelope as a value out
 * ({@link makeOperations}, for a caller that holds the request as a value), giving the same
 * answers without writing JSON. Nothing here touches a socket or the platform.
 *
 * Answers are synchronous unless a request asks for token counts, which may load a tokenizer:
 * `await` works on both.
 */
import { DEFAULT_MAX_BODY_BYTES } from "./defaults.js"
import type { EngineError } from "./errors.js"
import { methodNotAllowed, payloadTooLarge, routeNotFound } from "./errors.js"
import type { BodyMeasure } from "./json/measure.js"
import { stringifyJson } from "./json/parse.js"
import * as Operations from "./operations.js"
import type { Envelope, OperationContext, Outcome } from "./operations.js"
import type { BodyOperation, RequestOf } from "./requests.js"
import type { MaybePromise, Result } from "./result.js"
import type { Operation } from "./routes.js"
import { ROUTES } from "./routes.js"
import type { Tokenizer } from "./tokens.js"
import { defaultTokenizer } from "./tokens.js"
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
  /** The exception behind a 500 "Internal Server Error" (an engine bug), for the caller to log. */
  readonly defect?: unknown
}

/** Engine settings. */
export interface EngineOptions {
  /** Bodies larger than this many bytes are answered 413 (default 10 MiB). */
  readonly maxBodyBytes?: number | undefined
  /** Where token counts come from (default: `gpt-tokenizer`, loaded on first use). */
  readonly tokenizer?: Tokenizer | undefined
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): EngineResponse => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  // A request's integers past 2^53 (bigints, json/parse.ts) are echoed digit for digit.
  body: stringifyJson(body)
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

type Run<Op extends BodyOperation> = (request: RequestOf<Op>, context: OperationContext) => Outcome

// What each operation does lives in operations.ts; paths and methods in routes.ts.
const runs: { readonly [Op in BodyOperation]: Run<Op> } = {
  compress: Operations.compress,
  decompress: Operations.decompress,
  optimize: Operations.optimize,
  optimizeRequest: Operations.optimizeRequest,
  optimizeResponse: Operations.optimizeResponse,
  promptsEncode: Operations.promptsEncode,
  promptsDecode: Operations.promptsDecode
}

const routes: ReadonlyMap<string, { readonly method: string; readonly operation: Operation }> = new Map(
  (Object.keys(ROUTES) as Array<Operation>).map((operation) => [ROUTES[operation].path, { method: ROUTES[operation].method, operation }])
)

// A bug is the engine's, not the caller's: answered as Starlette answers one, with its cause.
const bugResponse = (defect: unknown): EngineResponse => ({ ...json(500, { detail: "Internal Server Error" }), defect })

const guarded = <A>(run: () => MaybePromise<A>, onBug: (response: EngineResponse) => A): MaybePromise<A> => {
  try {
    const answer = run()
    return answer instanceof Promise ? answer.catch((defect: unknown) => onBug(bugResponse(defect))) : answer
  } catch (defect) {
    return onBug(bugResponse(defect))
  }
}

const settle = <A, B>(outcome: MaybePromise<A>, then: (a: A) => B): MaybePromise<B> =>
  outcome instanceof Promise ? outcome.then(then) : then(outcome)

const toResponse = (outcome: Result<Envelope, EngineError>): EngineResponse =>
  outcome.ok ? json(200, outcome.value) : errorResponse(outcome.error)

/** A handler with its settings applied. */
export type Handler = (request: EngineRequest) => MaybePromise<EngineResponse>

/** The engine: every Kaizen route, answered as the service answers it. */
export const makeHandler = (options: EngineOptions = {}): Handler => {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const context: OperationContext = { tokenizer: options.tokenizer ?? defaultTokenizer }
  return (request) => {
    const path = request.path.split("?")[0]!
    const upper = request.method.toUpperCase()
    const route = routes.get(path)
    if (route === undefined) return errorResponse(routeNotFound(path))
    // Starlette answers HEAD wherever GET is allowed, without a body.
    const head = upper === "HEAD" && route.method === "GET"
    if (upper !== route.method && !head) {
      return errorResponse(methodNotAllowed(route.method === "GET" ? "GET, HEAD" : route.method))
    }
    const operation = route.operation
    if (operation === "health") {
      const response = json(200, Operations.health)
      return head ? { ...response, body: "" } : response
    }
    return guarded(() => {
      const body = readJson(request.body, maxBodyBytes)
      if (!body.ok) return errorResponse(body.error)
      const decoded = decodeRequest(operation, body.value)
      if (!decoded.ok) return errorResponse(decoded.error)
      return settle((runs[operation] as Run<BodyOperation>)(decoded.value, context), toResponse)
    }, (response) => response)
  }
}

/** The answer to an operation called with a value: a success envelope as a value, anything else as the HTTP answer. */
export type ValueResponse =
  | { readonly status: 200; readonly headers: Readonly<Record<string, string>>; readonly envelope: Envelope }
  | EngineResponse

/**
 * An operation called with its request as a value: `request` is the operation's model as
 * `validateRequest` gives it, and `measure` what its JSON text measures
 * (`measureBody` of `@kaizen-effect/engine/json`), which also proves it exactly JSON.
 */
export type OperationHandler = <Op extends BodyOperation>(
  operation: Op,
  request: RequestOf<Op>,
  measure: BodyMeasure
) => MaybePromise<ValueResponse>

const jsonHeaders = { "content-type": "application/json" } as const

// What an envelope echoes of the request (`meta`: schemas, metadata) is the caller's own
// objects; the answer carries copies, as it would after a round trip through JSON.
const detached = (envelope: Envelope): Envelope =>
  envelope.meta === undefined ? envelope : { ...envelope, meta: JSON.parse(JSON.stringify(envelope.meta)) }

const toValueResponse = (outcome: Result<Envelope, EngineError>): ValueResponse =>
  outcome.ok ? { status: 200, headers: jsonHeaders, envelope: detached(outcome.value) } : errorResponse(outcome.error)

/**
 * The engine's operations for a caller that holds the request as a value: the same answers
 * as {@link makeHandler} gives the same request's JSON text (tested against each other for
 * generated requests), without that text being written or parsed. The body limit applies to
 * the measured size of the text, as it does to the text.
 */
export const makeOperations = (options: EngineOptions = {}): OperationHandler => {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const tokenizer = options.tokenizer ?? defaultTokenizer
  return (operation, request, measure) => {
    if (measure.bytes > maxBodyBytes) return errorResponse(payloadTooLarge(maxBodyBytes))
    const run = runs[operation] as Run<typeof operation>
    return guarded(
      () => settle(run(request, { fieldLengths: measure.fields, tokenizer }), toValueResponse),
      (response): ValueResponse => response
    )
  }
}
