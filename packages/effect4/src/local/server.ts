/**
 * The engine over HTTP on Node (`node:http`), answering with the same handler as the in-process
 * client: the Effect 3 line's src/local/server.ts, which runs on `@effect/platform-node`, on a
 * plain `node:http` server (this line has no platform package), each request in a fiber.
 *
 * The server is bounded: request headers and bodies must arrive within their timeouts, bodies
 * are limited in size (received and decoded, and in JSON values) and, across requests, in the
 * bytes and values held at once. A refusal sent before the body is in is answered first and the
 * connection closed only once the client has finished sending (see `answerEarly`), so a plain
 * client reads it. Loaded by `KaizenLocal.serve` only, so the package root imports no Node module.
 *
 * @internal
 */
import type { EngineResponse, Handler } from "@kaizen-effect/engine"
import { makeHandler } from "@kaizen-effect/engine"
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
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import * as HttpServerError from "effect/http/HttpServerError"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import type { Address, ServeOptions } from "../KaizenLocal.js"
import { fromEngine } from "./answer.js"
import { afterRequest } from "./heap.js"
import * as InFlight from "./inFlight.js"
import { bodyStream, discardRest } from "./nodeBody.js"
import { busy, refusal, tooLarge, tooManyValues, unsupportedCoding } from "./problems.js"
import { codingOf, gather } from "./requestBody.js"

/** An answer written whole, its length declared (`end` alone would send it chunked). */
const send = (response: ServerResponse, answer: EngineResponse, extra: Record<string, string> = {}): void => {
  response.writeHead(answer.status, { ...answer.headers, ...extra, "content-length": Buffer.byteLength(answer.body) })
  response.end(answer.body)
}

/**
 * An answer sent before the body is all in. The client is told the connection closes, and it
 * does, but only once the client has sent the rest of its body (read and discarded) or
 * `within` has passed: closing on a client still sending makes its TCP stack report a reset,
 * often before it has read the answer (RFC 9112, section 9.6). So the response is written
 * now and ended only after that; Node then closes the connection.
 */
const answerEarly = (
  request: IncomingMessage,
  response: ServerResponse,
  answer: EngineResponse,
  within: Duration.Duration
): Effect.Effect<void> =>
  Effect.sync(() => {
    response.writeHead(answer.status, {
      ...answer.headers,
      connection: "close",
      "content-length": Buffer.byteLength(answer.body)
    })
    response.write(answer.body)
  }).pipe(
    Effect.andThen(discardRest(request, within)),
    Effect.ensuring(Effect.sync(() => response.end()))
  )

interface Settings {
  readonly maxBodyBytes: number
  readonly bodyTimeout: Duration.Duration
  readonly inFlight: InFlight.InFlight
  readonly maxValues: number
  /** The same kind of budget as `inFlight`, counted in JSON values instead of bytes. */
  readonly valuesInFlight: InFlight.InFlight
}

const respond = (handle: Handler, settings: Settings, request: IncomingMessage, response: ServerResponse) =>
  Effect.gen(function*() {
    const early = (answer: EngineResponse) => answerEarly(request, response, answer, settings.bodyTimeout)

    // A declared size over the limit is refused before a byte of the body is read.
    const declared = Number(request.headers["content-length"] ?? 0)
    if (declared > settings.maxBodyBytes) return yield* early(tooLarge(settings.maxBodyBytes))
    // Without a body (a GET), there is nothing to decode, whatever the header says.
    const hasBody = declared > 0 || request.headers["transfer-encoding"] !== undefined
    const coding = hasBody ? codingOf(request.headers["content-encoding"]) : Result.succeed(undefined)
    if (Result.isFailure(coding)) return yield* early(unsupportedCoding(coding.failure))
    const share = yield* settings.inFlight.share
    // A body sent as is will be held at its declared size: claimed before it is read.
    if (coding.success === undefined && !share.cover(declared)) return yield* early(busy)

    const bounds = { maxBodyBytes: settings.maxBodyBytes, timeout: settings.bodyTimeout }
    const body = yield* Effect.result(gather(bodyStream(request, coding.success, settings.maxBodyBytes), bounds, share))
    if (Result.isFailure(body)) {
      const { answer, early: stillSending } = refusal(body.failure, settings)
      // A client that stopped sending (or left) is answered and the connection closed at once.
      return stillSending ? yield* early(answer) : send(response, answer, { connection: "close" })
    }
    // What the body becomes once parsed, counted on its bytes: memory follows values, not
    // bytes (a `{}` is 3 bytes on the wire, an object once parsed). Held until the answer is made.
    const values = countValues(body.success)
    if (values > settings.maxValues) return send(response, tooManyValues(settings.maxValues))
    const valueShare = yield* settings.valuesInFlight.share
    if (!valueShare.cover(values)) return send(response, busy)
    const answer = yield* fromEngine(handle({ method: request.method ?? "GET", path: request.url ?? "/", body: body.success }))
    afterRequest(values)
    send(response, answer)
  }).pipe(Effect.scoped) // the shares are given back once the handler is done with the body

/**
 * A bug of the server's own (the engine's are answers already) is logged and answered as the
 * engine answers one, a 500, as Effect 3's platform answers a defect; if the answer had begun,
 * the connection is cut instead, so the client sees a broken response rather than none.
 */
const onDefect = (response: ServerResponse) => (defect: unknown) =>
  Effect.andThen(
    Effect.logError("Kaizen serve: unexpected failure", defect),
    Effect.sync(() => {
      if (!response.headersSent) send(response, internalError, { connection: "close" })
      else response.destroy()
    })
  )

const internalError: EngineResponse = {
  status: 500,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ detail: "Internal Server Error" })
}

const millis = (input: Duration.Input | undefined, fallback: number): number => {
  const duration = input === undefined ? fallback : Duration.toMillis(input)
  // Node's 0 means "no timeout".
  return Number.isFinite(duration) ? Math.max(1, Math.ceil(duration)) : 0
}

/**
 * A `node:http` server with the header timeout applied. Node checks it on an interval (30 s
 * unless told), so the interval follows the timeout; the body's deadline is the server's own,
 * so Node's whole-request timeout (300 s by default) is off.
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
      send(response, tooLarge(maxBodyBytes), { connection: "close" })
      return
    }
    response.writeContinue()
    server.emit("request", request, response)
  })
  return server
}

const listen = (server: Server, port: number, host: string) =>
  Effect.acquireRelease(
    Effect.callback<void, HttpServerError.ServeError>((resume) => {
      const onError = (cause: Error) => resume(Effect.fail(new HttpServerError.ServeError({ cause })))
      server.once("error", onError)
      server.listen(port, host, () => {
        server.off("error", onError)
        resume(Effect.void)
      })
    }),
    () =>
      Effect.callback<void>((resume) => {
        if (!server.listening) return resume(Effect.void)
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

const urlHost = (hostname: string): string => hostname.includes(":") ? `[${hostname}]` : hostname

/** Serves the engine on `server` until the scope closes; the address it listens on. */
export const serveOn = (
  server: Server,
  options: ServeOptions = {}
): Effect.Effect<Address, HttpServerError.ServeError, Scope.Scope> =>
  Effect.gen(function*() {
    const host = options.host ?? "127.0.0.1"
    yield* listen(server, options.port ?? DEFAULT_PORT, host)
    const bodyTimeout = millis(options.bodyTimeout, DEFAULT_BODY_TIMEOUT_MS)
    const settings: Settings = {
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      bodyTimeout: bodyTimeout === 0 ? Duration.infinity : Duration.millis(bodyTimeout),
      inFlight: InFlight.make(options.maxInFlightBytes ?? DEFAULT_MAX_IN_FLIGHT_BYTES),
      maxValues: options.maxValues ?? DEFAULT_MAX_VALUES,
      valuesInFlight: InFlight.make(options.maxInFlightValues ?? DEFAULT_MAX_IN_FLIGHT_VALUES)
    }
    const handle = makeHandler({ maxBodyBytes: settings.maxBodyBytes })
    // Request fibers run with the caller's services (its logger) and end with the scope.
    const runFork = yield* FiberSet.makeRuntime<never>()
    const onRequest = (request: IncomingMessage, response: ServerResponse) => {
      const fiber = runFork(Effect.catchDefect(respond(handle, settings, request, response), onDefect(response)))
      // A client that hangs up before its answer is written interrupts its request.
      response.on("close", () => {
        if (!response.writableEnded) fiber.interruptUnsafe()
      })
    }
    server.on("request", onRequest)
    yield* Effect.addFinalizer(() => Effect.sync(() => server.off("request", onRequest)))
    const address = server.address() as AddressInfo
    const hostname = address.address === "::" ? "0.0.0.0" : address.address
    return { hostname, port: address.port, url: `http://${urlHost(hostname)}:${address.port}` }
  })

/** Serves the engine until the scope closes, and gives back the address it listens on. */
export const serve = (options: ServeOptions = {}): Effect.Effect<Address, HttpServerError.ServeError, Scope.Scope> =>
  Effect.suspend(() => serveOn(makeNodeServer(options), options))
