/**
 * The engine over HTTP on Node: `@effect/platform`'s HttpServer on `node:http`, answering
 * with the same handler as the in-process client. The only adapter of the engine that imports
 * Node: `KaizenLocal` loads it lazily, so the in-process layer stays platform-neutral.
 *
 * The server is bounded: request headers and bodies must arrive within their timeouts, bodies
 * are limited in size (received and decoded) and, across requests, in the bytes held at once.
 * A refusal sent before the body is in is answered first and the connection closed only once
 * the client has finished sending (see `answerEarly`), so a plain client reads it.
 *
 * @internal
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as NodeStream from "@effect/platform-node/NodeStream"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { Server } from "node:http"
import { createServer } from "node:http"
import type { Readable, Transform } from "node:stream"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import * as zlib from "node:zlib"
import type { EngineResponse, Handler } from "@kaizen-effect/engine"
import { errorResponse, makeHandler } from "@kaizen-effect/engine"
import {
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_IN_FLIGHT_BYTES,
  DEFAULT_MAX_IN_FLIGHT_VALUES,
  DEFAULT_MAX_VALUES,
  DEFAULT_PORT
} from "@kaizen-effect/engine/defaults"
import { countValues } from "@kaizen-effect/engine/json"
import { fromEngine } from "./answer.js"
import * as InFlight from "./inFlight.js"
import type { Address, ServeOptions } from "./serveOptions.js"
import type { BodyProblem, Coding } from "./requestBody.js"
import { acceptedCodings, BodyTooLarge, ClientGone, codingOf, gather, Undecodable } from "./requestBody.js"

const toServerResponse = (answer: EngineResponse): HttpServerResponse.HttpServerResponse => {
  const { "content-type": contentType, ...headers } = answer.headers
  return HttpServerResponse.text(answer.body, { status: answer.status, headers, contentType })
}

// The server's own answers, in the service's (FastAPI's) shape.
const problem = (status: number, detail: string, headers: Record<string, string> = {}): EngineResponse => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify({ detail })
})

const unreadable = problem(400, "The request body could not be read")

const unsupportedCoding = (header: string) =>
  problem(
    415,
    `Content-Encoding ${JSON.stringify(header)} is not supported: send the body as is, or encoded with one of ${acceptedCodings}`,
    { "accept-encoding": acceptedCodings }
  )

const busy = problem(503, "The server holds as many request bodies as it allows; retry shortly", { "retry-after": "1" })

const tooManyValues = (limit: number) =>
  problem(413, `Request body too large: it holds more than ${limit} JSON values (objects, arrays, strings, numbers)`)

// Decoders stream with backpressure: they inflate only as far as the reader pulls, so stopping
// the read at the limit stops the decoding there too.
const decoders: { readonly [C in Coding]: () => Transform } = {
  gzip: () => zlib.createGunzip(),
  "x-gzip": () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress()
}

/**
 * The body of `source` (an `http.IncomingMessage`) as it arrives, decoded. The source is never
 * destroyed here: if reading stops early it stays open, paused, for `discardRest`, since
 * destroying it would reset a client still sending, before it reads the answer.
 *
 * When decoding, Node's `pipe` carries the backpressure (the decoder takes input only as its
 * output is read); `NodeStream.pipeThroughDuplex` does not wait for `drain` after the last
 * piece of each chunk, so the decoder's input would grow with whatever the client sends. The
 * bytes received count against the limit as well as the bytes decoded.
 */
export const bodyStream = (
  source: Readable,
  coding: Coding | undefined,
  maxBodyBytes: number
): Stream.Stream<Uint8Array, BodyProblem> => {
  if (coding === undefined) {
    return NodeStream.fromReadable<BodyProblem>(() => source, () => new ClientGone(), { closeOnDone: false })
  }
  const piped = Effect.acquireRelease(
    Effect.sync(() => {
      const decoder = decoders[coding]()
      let received = 0
      const count = (chunk: Buffer) => {
        received += chunk.byteLength
        if (received > maxBodyBytes) decoder.destroy(new BodyTooLarge())
      }
      const gone = () => decoder.destroy(new ClientGone())
      source.on("data", count).on("error", gone).on("aborted", gone)
      source.pipe(decoder)
      return { decoder, count, gone }
    }),
    ({ count, decoder, gone }) =>
      Effect.sync(() => {
        source.off("data", count).off("error", gone).off("aborted", gone)
        source.unpipe(decoder)
        decoder.destroy()
      })
  )
  return Stream.unwrapScoped(Effect.map(piped, ({ decoder }) =>
    NodeStream.fromReadable<BodyProblem>(
      () => decoder,
      (error) => error instanceof BodyTooLarge || error instanceof ClientGone ? error : new Undecodable({ coding })
    )))
}

/**
 * Reads and discards what is left of the body of `source` until it ends, the client goes away,
 * or `within` has passed. A server that closes a connection while the client is still sending
 * makes the client's TCP stack report a reset, often before the client has read the answer.
 */
export const discardRest = (source: Readable, within: Duration.Duration): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    if (source.readableEnded || source.destroyed) return resume(Effect.void)
    const done = () => {
      source.off("end", done).off("close", done).off("error", done)
      resume(Effect.void)
    }
    source.on("end", done).on("close", done).on("error", done)
    source.resume()
    return Effect.sync(() => source.off("end", done).off("close", done).off("error", done))
  }).pipe(Effect.interruptible, Effect.timeoutOption(within), Effect.asVoid)

/**
 * An answer sent before the body is all in. The client is told the connection closes, and it
 * does, but only once the client has sent the rest of its body (read and discarded) or
 * `within` has passed: closing on a client still sending makes its TCP stack report a reset,
 * often before it has read the answer (RFC 9112, section 9.6). So the response is written
 * here and ended only after that; Node then closes the connection. (As a streamed
 * `HttpServerResponse`, a client hanging up meanwhile would interrupt the stream after its
 * headers were sent, which the platform reports as a defect.)
 */
const answerEarly = (
  request: HttpServerRequest.HttpServerRequest,
  answer: EngineResponse,
  within: Duration.Duration
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  const response = NodeHttpServerRequest.toServerResponse(request)
  return Effect.sync(() => {
    response.writeHead(answer.status, {
      ...answer.headers,
      connection: "close",
      "content-length": Buffer.byteLength(answer.body)
    })
    response.write(answer.body)
  }).pipe(
    Effect.zipRight(discardRest(NodeHttpServerRequest.toIncomingMessage(request), within)),
    Effect.ensuring(Effect.sync(() => response.end())),
    // The platform writes nothing for a response already ended; this only reports the status.
    Effect.as(HttpServerResponse.empty({ status: answer.status }))
  )
}

/** An answer after which the connection closes at once: the client has stopped sending. */
const answerAndClose = (answer: EngineResponse) =>
  toServerResponse({ ...answer, headers: { ...answer.headers, connection: "close" } })

/*
 * A full garbage collection after a request that parsed many values. Such a request leaves its
 * parsed values as garbage promoted to V8's old generation, which V8 lets grow far before it
 * collects, so a few such requests in a row took the server's RSS well past what one needs
 * although only one was ever parsed at a time (figures: BENCHMARKS.md, "serve's memory").
 * Collecting a heap that is mostly garbage is cheap against the request itself. `gc` is V8's,
 * reached without `--expose-gc` on the command line; if it cannot be had, nothing is collected
 * early.
 */
let collect: (() => void) | null | undefined

const gcFunction = (): (() => void) | null => {
  if (collect !== undefined) return collect
  try {
    v8.setFlagsFromString("--expose-gc")
    const gc: unknown = vm.runInNewContext("gc")
    collect = typeof gc === "function" ? () => gc() : null
  } catch {
    collect = null
  }
  return collect
}

/** Values past which a request's garbage is collected at once: a quarter of the default budget. */
const COLLECT_AFTER_VALUES = 1_000_000

/** Collects the garbage of a request that parsed `values` values, if that is many. */
const afterRequest = (values: number): void => {
  if (values >= COLLECT_AFTER_VALUES) gcFunction()?.()
}

interface Settings {
  readonly maxBodyBytes: number
  readonly bodyTimeout: Duration.Duration
  readonly inFlight: InFlight.InFlight
  readonly maxValues: number
  /** The same kind of budget as `inFlight`, counted in JSON values instead of bytes. */
  readonly valuesInFlight: InFlight.InFlight
}

const tooLarge = (limit: number) => errorResponse({ _tag: "PayloadTooLarge", limit })

/** The answer to a body that could not be read, and whether the client may still be sending it. */
const refusal = (failure: BodyProblem, settings: Settings): { readonly answer: EngineResponse; readonly early: boolean } => {
  switch (failure._tag) {
    case "BodyTooLarge":
      return { answer: tooLarge(settings.maxBodyBytes), early: true }
    case "ServerBusy":
      return { answer: busy, early: true }
    case "Undecodable":
      return {
        answer: problem(400, `The request body is not valid ${failure.coding} data, as its Content-Encoding says`),
        early: true
      }
    case "BodyTimeout":
      return {
        answer: problem(408, `The request body did not arrive within ${Duration.format(settings.bodyTimeout)}`),
        early: false
      }
    // The client went away mid-body: nobody reads this answer, but the fiber ends cleanly.
    case "ClientGone":
      return { answer: unreadable, early: false }
  }
}

const app = (handle: Handler, settings: Settings) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const early = (answer: EngineResponse) => answerEarly(request, answer, settings.bodyTimeout)

    // A declared size over the limit is refused before a byte of the body is read.
    const declared = Number(request.headers["content-length"] ?? 0)
    if (declared > settings.maxBodyBytes) return yield* early(tooLarge(settings.maxBodyBytes))
    // Without a body (a GET), there is nothing to decode, whatever the header says.
    const hasBody = declared > 0 || request.headers["transfer-encoding"] !== undefined
    const coding = hasBody ? codingOf(request.headers["content-encoding"]) : Either.right(undefined)
    if (Either.isLeft(coding)) return yield* early(unsupportedCoding(coding.left))
    const share = yield* settings.inFlight.share
    // A body sent as is will be held at its declared size: claimed before it is read.
    if (coding.right === undefined && !share.cover(declared)) return yield* early(busy)

    const source = NodeHttpServerRequest.toIncomingMessage(request)
    const bounds = { maxBodyBytes: settings.maxBodyBytes, timeout: settings.bodyTimeout }
    const body = yield* Effect.either(gather(bodyStream(source, coding.right, settings.maxBodyBytes), bounds, share))
    if (Either.isLeft(body)) {
      const { answer, early: stillSending } = refusal(body.left, settings)
      return stillSending ? yield* early(answer) : answerAndClose(answer)
    }
    // What the body becomes once parsed, counted on its bytes: memory follows values, not
    // bytes (a `{}` is 3 bytes on the wire, an object once parsed). Held until the answer is made.
    const values = countValues(body.right)
    if (values > settings.maxValues) return toServerResponse(tooManyValues(settings.maxValues))
    const valueShare = yield* settings.valuesInFlight.share
    if (!valueShare.cover(values)) return toServerResponse(busy)
    const answer = yield* fromEngine(handle({ method: request.method, path: request.url, body: body.right }))
    afterRequest(values)
    return toServerResponse(answer)
  }).pipe(Effect.scoped) // the share is given back once the handler is done with the body

const millis = (input: Duration.DurationInput | undefined, fallback: number): number => {
  const duration = input === undefined ? Duration.millis(fallback) : Duration.decode(input)
  return Duration.isFinite(duration) ? Math.max(1, Math.ceil(Duration.toMillis(duration))) : 0
}

/**
 * A `node:http` server with the header timeout applied. Node checks it on an interval (30 s
 * unless told), so the interval follows the timeout; the body's deadline is the app's own, so
 * Node's whole-request timeout (300 s by default) is off.
 */
export const makeNodeServer = (options: ServeOptions = {}): Server => {
  const headersTimeout = millis(options.headersTimeout, DEFAULT_HEADERS_TIMEOUT_MS)
  const server = createServer({
    headersTimeout,
    requestTimeout: 0,
    connectionsCheckingInterval: headersTimeout === 0 ? 30_000 : Math.min(1_000, Math.ceil(headersTimeout / 2))
  })
  // `Expect: 100-continue`: Node answers `100 Continue` by itself unless this event has a
  // listener. A declared size over the limit is refused instead, before the client sends a
  // byte of the body; anything else is continued and served as usual.
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  server.on("checkContinue", (request, response) => {
    if (Number(request.headers["content-length"] ?? 0) > maxBodyBytes) {
      const answer = tooLarge(maxBodyBytes)
      response.writeHead(answer.status, { ...answer.headers, connection: "close", "content-length": Buffer.byteLength(answer.body) })
      response.end(answer.body)
      return
    }
    response.writeContinue()
    server.emit("request", request, response)
  })
  return server
}

const urlHost = (hostname: string): string => hostname.includes(":") ? `[${hostname}]` : hostname

/** Serves the engine on `server` until the scope closes; the address it listens on. */
export const serveOn = (
  server: () => Server,
  options: ServeOptions = {}
): Effect.Effect<Address, HttpServerError.ServeError, Scope.Scope> =>
  Effect.gen(function*() {
    const host = options.host ?? "127.0.0.1"
    const http = yield* NodeHttpServer.make(server, { port: options.port ?? DEFAULT_PORT, host })
    const bodyTimeout = millis(options.bodyTimeout, DEFAULT_BODY_TIMEOUT_MS)
    yield* http.serve(app(makeHandler(options), {
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      bodyTimeout: bodyTimeout === 0 ? Duration.infinity : Duration.millis(bodyTimeout),
      inFlight: InFlight.make(options.maxInFlightBytes ?? DEFAULT_MAX_IN_FLIGHT_BYTES),
      maxValues: options.maxValues ?? DEFAULT_MAX_VALUES,
      valuesInFlight: InFlight.make(options.maxInFlightValues ?? DEFAULT_MAX_IN_FLIGHT_VALUES)
    }))
    const address = http.address
    const hostname = address._tag === "TcpAddress" ? address.hostname : host
    const port = address._tag === "TcpAddress" ? address.port : 0
    return { hostname, port, url: `http://${urlHost(hostname)}:${port}` }
  })

/** Serves the engine until the scope closes, and gives back the address it listens on. */
export const serve = (options: ServeOptions = {}): Effect.Effect<Address, HttpServerError.ServeError, Scope.Scope> =>
  serveOn(() => makeNodeServer(options), options)
