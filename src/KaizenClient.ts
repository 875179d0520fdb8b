/**
 * The Kaizen client: a service whose eight operations are Effects over a provided
 * `HttpClient`, failing only with `KaizenRequestError | KaizenAPIError`.
 *
 * @since 0.1.0
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as ConfigError from "effect/ConfigError"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import { identity } from "effect/Function"
import * as RateLimiter from "effect/RateLimiter"
import * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Schema from "effect/Schema"
import * as KaizenConfig from "./KaizenConfig.js"
import { type KaizenAPIError, KaizenRequestError } from "./KaizenError.js"
import * as KaizenRetry from "./KaizenRetry.js"
import * as KaizenSchema from "./KaizenSchema.js"
import { dropNullOptions, normalizeEnvelope } from "./contract/normalize.js"
import type { CallInfo } from "./internal/response.js"
import { apiError, describeCause, formatParseError, jsonObjectNow, readJsonObject } from "./internal/response.js"
import { contractDecoder } from "./internal/contractDecoder.js"
import { InProcessJson, UnserialisableJson } from "./internal/inProcess.js"
import { whileTrusted } from "./internal/json.js"
import { timeoutFail } from "./internal/timeout.js"
import { transportInfo, TransportTimeout } from "./internal/transport.js"
import { version } from "./internal/version.js"
import { measureBody } from "./local/measure.js"

/**
 * Per-call options.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenClient } from "kaizen-effect"
 * const options: KaizenClient.CallOptions = { requestId: "job-42-item-7", headers: { "X-Tenant": "acme" } }
 */
export interface CallOptions {
  /** The `X-Request-ID` to send; by default the configured one, else a fresh UUID per call. */
  readonly requestId?: string | undefined
  /** Extra headers for this call only. */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * Per-call options of a decode route: a Schema decodes `result` into your own type.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import { Schema } from "effect"
 * import type { KaizenClient } from "kaizen-effect"
 * const Users = Schema.Struct({ users: Schema.Array(Schema.Struct({ id: Schema.Number })) })
 * const options: KaizenClient.DecodeOptions<typeof Users.Type, typeof Users.Encoded> = { schema: Users }
 */
export interface DecodeOptions<A, I> extends CallOptions {
  readonly schema: Schema.Schema<A, I, never>
}

type KaizenError = KaizenRequestError | KaizenAPIError

/**
 * An encode route: the request in, the KTOF envelope out.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenClient } from "kaizen-effect"
 * const compressAll = (compress: KaizenClient.EncodeOperation<"compress">, items: ReadonlyArray<unknown>) =>
 *   items.map((data) => compress({ data }))
 */
export type EncodeOperation<Op extends KaizenSchema.BodyOperation> = (
  request: KaizenSchema.RequestInput<Op>,
  options?: CallOptions
) => Effect.Effect<KaizenSchema.EncodeResponse & ResponseInfo, KaizenError>

/**
 * A decode route: `result` is JSON, or your own type when a `schema` is given.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import { Schema } from "effect"
 * import type { KaizenClient } from "kaizen-effect"
 * const Users = Schema.Struct({ users: Schema.Array(Schema.Struct({ id: Schema.Number })) })
 * const usersOf = (decompress: KaizenClient.DecodeOperation<"decompress">, ktof: string) =>
 *   decompress({ data: ktof }, { schema: Users })
 */
export interface DecodeOperation<Op extends KaizenSchema.BodyOperation> {
  (request: KaizenSchema.RequestInput<Op>, options?: CallOptions): Effect.Effect<
    KaizenSchema.DecodeResponse<KaizenSchema.JsonValue> & ResponseInfo,
    KaizenError
  >
  <A, I>(request: KaizenSchema.RequestInput<Op>, options: DecodeOptions<A, I>): Effect.Effect<
    KaizenSchema.DecodeResponse<A> & ResponseInfo,
    KaizenError
  >
}

/**
 * The operations of the Kaizen API. Each returns an Effect with no further requirements whose
 * error channel is exactly `KaizenRequestError | KaizenAPIError`.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import { Effect } from "effect"
 * import type { KaizenClient } from "kaizen-effect"
 * const roundTrip = (kaizen: KaizenClient.Service) =>
 *   Effect.flatMap(kaizen.compress({ data: { a: 1 } }), (encoded) => kaizen.decompress({ data: encoded.result }))
 */
export interface Service {
  /** `POST /v1/compress`: JSON `data` to KTOF. */
  readonly compress: EncodeOperation<"compress">
  /** `POST /v1/decompress`: KTOF `data` back to JSON. */
  readonly decompress: DecodeOperation<"decompress">
  /** `POST /v1/optimize`: like compress, with optional token counts. */
  readonly optimize: EncodeOperation<"optimize">
  /** `POST /v1/optimize/request`: a prompt (JSON or text with embedded JSON) to KTOF. */
  readonly optimizeRequest: EncodeOperation<"optimizeRequest">
  /** `POST /v1/optimize/response`: a model's KTOF reply back to JSON. */
  readonly optimizeResponse: DecodeOperation<"optimizeResponse">
  /** `POST /v1/prompts/encode`: a prompt to KTOF, with schemas and metadata. */
  readonly promptsEncode: EncodeOperation<"promptsEncode">
  /** `POST /v1/prompts/decode`: KTOF back to JSON, replaying metadata. */
  readonly promptsDecode: DecodeOperation<"promptsDecode">
  /** `GET /`: the deployment's health answer. */
  readonly health: (options?: CallOptions) => Effect.Effect<KaizenSchema.HealthResponse & ResponseInfo, KaizenError>
  /** The validated configuration this client runs with (the key stays `Redacted`). */
  readonly config: KaizenConfig.Resolved
}

// Requests are validated with every issue reported (not just the first) and unknown fields
// refused, as the Python client's Pydantic models do.
const requestParseOptions = { errors: "all", onExcessProperty: "error" } as const

interface RequestChecks {
  /** True when the request already is what the Schema would produce (nothing to fill in). */
  readonly alreadyValid: (u: unknown) => boolean
  /** The full decode: defaults filled in, every problem reported with its path. */
  readonly validate: (u: unknown) => Either.Either<unknown, ParseResult.ParseError>
}

// Built once per process from the endpoint table: compiling a Schema's parser per call costs.
const requestChecks = Object.fromEntries(
  Object.entries(KaizenSchema.Endpoints).flatMap(([operation, endpoint]) => {
    if (endpoint.request === undefined) return []
    const schema = endpoint.request as Schema.Schema<unknown, unknown>
    const checks: RequestChecks = {
      alreadyValid: Schema.is(schema, { onExcessProperty: "error" }),
      validate: Schema.decodeUnknownEither(schema, requestParseOptions)
    }
    return [[operation, checks]]
  })
) as Record<KaizenSchema.BodyOperation, RequestChecks>

const decodeEncodeResponse = contractDecoder(KaizenSchema.EncodeResponse)
const decodeDecodeResponse = contractDecoder(KaizenSchema.DecodeResponse)
const decodeHealthResponse = contractDecoder(KaizenSchema.HealthResponse)

const newRequestId = (): string => globalThis.crypto.randomUUID()

// Effect's default tracer: the one in every runtime's default services until a tracer layer
// (OpenTelemetry, ...) replaces it.
const nativeTracer = Effect.runSync(Effect.tracer)

/**
 * `Effect.retry(attempt, schedule)`, paying for the schedule only once an attempt has failed:
 * most calls succeed first time, and building a schedule driver per call is measurable. The
 * first failure is replayed into the schedule, so the policy sees exactly what it would have.
 */
const retryAfterFailure = <A, E>(
  attempt: Effect.Effect<A, E>,
  schedule: Schedule.Schedule<unknown, E>
): Effect.Effect<A, E> =>
  Effect.catchAll(attempt, (first) => {
    let replay: { readonly error: E } | undefined = { error: first }
    return Effect.retry(
      Effect.suspend(() => {
        if (replay === undefined) return attempt
        const { error } = replay
        replay = undefined
        return Effect.fail(error)
      }),
      schedule
    )
  })

/**
 * Validates a request and serialises it: the body that goes on the wire, or the reason it
 * must not be sent.
 *
 * @since 0.1.0
 * @category validation
 * @example
 * import { Either } from "effect"
 * import { KaizenClient } from "kaizen-effect"
 * const body = KaizenClient.encodeRequest("compress", { data: { a: 1 } })
 * Either.isRight(body) // true: '{"data":{"a":1}}'
 */
export const encodeRequest = (
  operation: KaizenSchema.BodyOperation,
  input: unknown
): Either.Either<string, KaizenRequestError> =>
  Either.flatMap(validated(operation, dropNullOptions(input), false), (body) => {
    try {
      return Either.right(JSON.stringify(body))
    } catch (cause) {
      // The checks leave only nesting too deep for the JSON serialiser.
      return Either.left(unserialisable(operation, cause))
    }
  })

const invalidRequest = (operation: KaizenSchema.BodyOperation, why: string, cause?: unknown) => {
  const endpoint = KaizenSchema.Endpoints[operation]
  return new KaizenRequestError({
    reason: "InvalidRequest",
    message: `Invalid ${operation} request (nothing was sent): ${why}`,
    operation,
    method: endpoint.method,
    path: endpoint.path,
    cause
  })
}

const unserialisable = (operation: KaizenSchema.BodyOperation, cause: unknown) =>
  invalidRequest(operation, `the payload cannot be serialised as JSON: ${describeCause(cause)}`, cause)

/** The request as it is to be sent (defaults filled in), or why it must not be. */
const validated = (
  operation: KaizenSchema.BodyOperation,
  request: unknown,
  // The fields were found to be exactly JSON: the Schemas need not walk them again.
  exactJson: boolean
): Either.Either<unknown, KaizenRequestError> => {
  // A request that already is what the Schema would produce (no default to fill in) is sent as
  // given: `is` checks it without building a copy. Anything else takes the full decode, which
  // fills in defaults and, on failure, says what is wrong and where.
  const checks = requestChecks[operation]
  const alreadyValid = exactJson
    ? whileTrusted(Object.values(request as object), () => checks.alreadyValid(request))
    : checks.alreadyValid(request)
  if (alreadyValid) return Either.right(request)
  return Either.mapLeft(
    checks.validate(request),
    (error) => invalidRequest(operation, formatParseError(error), error)
  )
}

/**
 * The request for the embedded engine, as a value (internal/inProcess.ts). One walk finds
 * whether it is exactly JSON and what its text would measure; then the Schema check need not
 * walk it, nor the engine measure it again.
 */
const inProcessRequest = (
  operation: KaizenSchema.BodyOperation,
  input: unknown
): Either.Either<InProcessJson, KaizenRequestError> => {
  const request = dropNullOptions(input)
  const measure = measureBody(request)
  return Either.map(
    validated(operation, request, measure !== undefined),
    // A request with defaults filled in is a new object: the engine measures that one.
    (body) => new InProcessJson(body, body === request ? measure : undefined)
  )
}

const transportError = (info: CallInfo, url: string, error: HttpClientError.HttpClientError): KaizenRequestError => {
  const cause = error.cause ?? error
  return new KaizenRequestError({
    reason: error._tag === "RequestError" && error.reason === "InvalidUrl" ? "InvalidUrl" : "Transport",
    message: `Kaizen request ${info.method} ${url} failed: ${describeCause(cause)}`,
    operation: info.operation,
    method: info.method,
    path: info.path,
    requestId: info.requestId,
    // The platform error holds the request (and so its headers); keep only the underlying cause.
    cause
  })
}

const stripCredentials = (baseUrl: string): string => {
  try {
    const url = new URL(baseUrl)
    url.username = ""
    url.password = ""
    return url.href.replace(/\/+$/, "")
  } catch {
    return baseUrl
  }
}

/**
 * What every successful response also carries, outside the server's envelope: the
 * `X-Request-ID` the call was sent with (the same on every retry of that call). It is a
 * non-enumerable property, so `JSON.stringify(response)` is exactly what the server sent.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import { Effect } from "effect"
 * import { KaizenClient } from "kaizen-effect"
 * const id = Effect.flatMap(KaizenClient.KaizenClient, (k) => k.compress({ data: [1] })).pipe(
 *   Effect.map((response) => response.requestId)
 * )
 */
export interface ResponseInfo {
  readonly requestId: string
}

const withRequestId = <A>(value: A, requestId: string): A & ResponseInfo =>
  Object.defineProperty(value as A & object, "requestId", { value: requestId, enumerable: false }) as A & ResponseInfo

/**
 * Builds the service from validated configuration and an `HttpClient`. The Scope holds the
 * client-side rate limiter, when one is configured.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { Effect } from "effect"
 * import { KaizenClient, KaizenConfig } from "kaizen-effect"
 * const kaizen = Effect.flatMap(KaizenConfig.resolve({ timeout: "5 seconds" }), KaizenClient.makeWith)
 */
export const makeWith = (
  config: KaizenConfig.Resolved
): Effect.Effect<Service, never, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const httpClient = yield* HttpClient.HttpClient
    const staticHeaders: Record<string, string> = {
      accept: "application/json",
      "user-agent": `kaizen-effect/${version}`
    }
    if (Option.isSome(config.apiKey)) {
      const key = Redacted.value(config.apiKey.value)
      staticHeaders["x-api-key"] = key
      staticHeaders["authorization"] = `Bearer ${key}`
    }
    Object.assign(staticHeaders, config.headers)
    const configuredRequestId = config.headers["x-request-id"]

    const transport = transportInfo(httpClient)
    // The operation span (KaizenClient.<op>) is the one users see; the platform's per-request
    // span adds cost and nothing new. Trace headers are opt-in and come from the operation span,
    // so they are sent whatever the transport. Kaizen's own transport makes no spans: the
    // platform's tracer setting (a FiberRef change per call) is only needed for others. With
    // its span disabled the platform adds no trace headers either, so propagation needs none.
    const withoutPlatformTracing = (client: HttpClient.HttpClient) =>
      transport !== undefined
        ? client
        : client.pipe(HttpClient.withTracerDisabledWhen(() => true))
    const base = withoutPlatformTracing(httpClient).pipe(
      config.tracePropagation
        ? HttpClient.mapRequestEffect((request) =>
          Effect.map(
            Effect.option(Effect.currentSpan),
            Option.match({
              onNone: () => request,
              onSome: (span) => HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(span))
            })
          )
        )
        : identity
    )
    const client = config.transformClient ? config.transformClient(base) : base
    // The operation span becomes the parent of whatever runs inside the call when something
    // there can see it: user middleware, or trace propagation. Transports make no spans (the
    // platform's are disabled above), and providing the parent costs a FiberRef change.
    const spanIsParent = config.transformClient !== undefined || config.tracePropagation
    // The Node transport arms one timer per request itself; the embedded engine answers
    // in-process, with nothing to time out. Any other transport gets internal/timeout.ts.
    const transportEnforcesTimeout = transport?.inProcess === true ||
      transport?.timeoutMillis === Duration.toMillis(config.timeout)
    const timeoutMillis = Duration.toMillis(config.timeout)
    const shownBaseUrl = stripCredentials(config.baseUrl)

    const retry = config.retry === false
      ? undefined
      : config.retry ?? (config.maxRetries === 0 ? undefined : KaizenRetry.policy({ maxRetries: config.maxRetries }))

    // Client-side limits are per client, across all its calls; each attempt takes a permit and
    // a rate token (a retry is a request too), but no permit is held while waiting to retry.
    const semaphore = config.maxConcurrency === undefined ? undefined : yield* Effect.makeSemaphore(config.maxConcurrency)
    const rateLimiter = config.rateLimiter ?? (config.maxRequestsPerSecond === undefined ? undefined : yield* RateLimiter.make({
      limit: config.maxRequestsPerSecond,
      interval: Duration.seconds(1),
      algorithm: "token-bucket"
    }))
    const limit = <A, E>(attempt: Effect.Effect<A, E>): Effect.Effect<A, E> => {
      let limited = attempt
      if (rateLimiter !== undefined) limited = rateLimiter(limited)
      if (semaphore !== undefined) limited = semaphore.withPermits(1)(limited)
      return limited
    }

    // Everything that does not depend on the call is built once per client: each operation's
    // request with its URL and the static headers; a call only adds its request ID and body.
    const templates = Object.fromEntries(
      Object.entries(KaizenSchema.Endpoints).map(([op, endpoint]) => [
        op,
        endpoint.method === "GET"
          ? HttpClientRequest.setHeaders(HttpClientRequest.get(config.baseUrl + endpoint.path), staticHeaders)
          : HttpClientRequest.setHeaders(HttpClientRequest.post(config.baseUrl + endpoint.path), {
            ...staticHeaders,
            "content-type": "application/json"
          })
      ])
    ) as Record<KaizenSchema.Operation, HttpClientRequest.HttpClientRequest>

    // The embedded engine answers in this process: it takes the validated request as a value
    // (internal/inProcess.ts), so nothing is written as JSON to be parsed back. Not when user
    // middleware stands in between, which may read the body as text.
    const handOff = transport?.inProcess === true && config.transformClient === undefined
    const bodyOf = (
      operation: KaizenSchema.BodyOperation,
      input: unknown
    ): Either.Either<string | InProcessJson, KaizenRequestError> =>
      handOff
        ? inProcessRequest(operation, input)
        : encodeRequest(operation, input)

    const send = <A>(
      operation: KaizenSchema.Operation,
      body: string | InProcessJson | undefined,
      options: CallOptions | undefined,
      decode: (body: Record<string, unknown>) => Either.Either<A, ParseResult.ParseError>
    ): Effect.Effect<A & ResponseInfo, KaizenError> => {
      const endpoint = KaizenSchema.Endpoints[operation]
      // One ID per logical call, fixed before the first attempt, so every retry carries it.
      const requestId = options?.requestId ?? options?.headers?.["x-request-id"] ?? configuredRequestId ??
        newRequestId()
      const info: CallInfo = { operation, method: endpoint.method, path: endpoint.path, requestId }
      let request = templates[operation]
      if (options?.headers !== undefined) request = HttpClientRequest.setHeaders(request, options.headers)
      request = HttpClientRequest.setHeader(request, "x-request-id", requestId)
      // A raw body: the content type is in the template, and the transport computes the length,
      // so no headers are copied and the JSON is not re-encoded into a second buffer. (Raw is
      // also how a value travels to the embedded engine.)
      if (body !== undefined) request = HttpClientRequest.setBody(request, HttpBody.raw(body))

      let attempts = 0
      let lastStatus: number | undefined

      const readAnswer = (response: HttpClientResponse.HttpClientResponse) => {
        lastStatus = response.status
        // A body already in memory that decodes cleanly needs no Effect steps to read; anything
        // else (an error status, a malformed body) takes the general path and its reporting.
        const now = jsonObjectNow(response)
        if (now !== undefined) {
          const decoded = decode(normalizeEnvelope(now))
          if (Either.isRight(decoded)) return Effect.succeed(withRequestId(decoded.right, requestId))
        }
        return Effect.flatMap(readJsonObject(info, response), (json) =>
          Either.match(decode(normalizeEnvelope(json)), {
            onLeft: (error) =>
              Effect.flatMap(
                apiError(info, response, JSON.stringify(json), `malformed response: ${formatParseError(error)}`, error),
                Effect.fail
              ),
            onRight: (value) => Effect.succeed(withRequestId(value, requestId))
          }))
      }

      const timeoutError = (what: string, after: Duration.Duration) =>
        new KaizenRequestError({
          reason: "Timeout",
          message: `Kaizen request ${info.method} ${shownBaseUrl}${info.path} timed out after ${
            Duration.format(after)
          } (${what}; the request was aborted)`,
          operation,
          method: info.method,
          path: info.path,
          requestId
        })

      const attempt = limit(
        Effect.suspend(() => {
          attempts++
          return client.execute(request)
        }).pipe(
          Effect.mapError((error) =>
            error.cause instanceof TransportTimeout
              ? timeoutError("no complete response", config.timeout)
              : error.cause instanceof UnserialisableJson
              ? unserialisable(operation as KaizenSchema.BodyOperation, error.cause.cause)
              : transportError(info, shownBaseUrl + endpoint.path, error)
          ),
          Effect.flatMap(readAnswer),
          // One clock for headers and body: a server that sends headers and then stalls times out
          // too. Interruption by the timeout aborts the request, which frees its socket.
          transportEnforcesTimeout
            ? identity
            : (self) => timeoutFail(self, timeoutMillis, () => timeoutError("no complete response", config.timeout))
        )
      )

      let call = retry === undefined ? attempt : retryAfterFailure(attempt, retry)
      if (config.deadline !== undefined) {
        const deadline = config.deadline
        call = timeoutFail(call, Duration.toMillis(deadline), () => timeoutError("overall deadline across retries", deadline))
      }
      // Without a tracer installed (Effect's native one records nothing anywhere), a span would
      // cost a third of the client's CPU per call and be seen by no one: skip it, unless
      // something inside the call reads the current span (see spanIsParent).
      return Effect.tracerWith((tracer) =>
        tracer === nativeTracer && !spanIsParent ? call : Effect.useSpan(
        `KaizenClient.${operation}`,
        {
          kind: "client",
          // A stack trace per call is the largest cost of a span; the name says where it is from.
          captureStackTrace: false,
          attributes: { "kaizen.operation": operation, "kaizen.request_id": requestId }
        },
        (span) =>
          Effect.ensuring(
            spanIsParent ? Effect.withParentSpan(call, span) : call,
            Effect.sync(() => {
              span.attribute("kaizen.attempts", attempts)
              if (lastStatus !== undefined) span.attribute("http.response.status_code", lastStatus)
            })
          )
      ))
    }

    const encodeRoute = <Op extends KaizenSchema.BodyOperation>(operation: Op): EncodeOperation<Op> =>
    (request, options) =>
      Effect.suspend(() =>
        Either.match(bodyOf(operation, request), {
          onLeft: Effect.fail,
          onRight: (body) => send(operation, body, options, decodeEncodeResponse)
        })
      )

    const decodeRoute = <Op extends KaizenSchema.BodyOperation>(operation: Op): DecodeOperation<Op> =>
    (
      request: KaizenSchema.RequestInput<Op>,
      options?: CallOptions | DecodeOptions<unknown, unknown>
    ) =>
      Effect.suspend(() =>
        Either.match(bodyOf(operation, request), {
          onLeft: Effect.fail,
          onRight: (body) =>
            send(
              operation,
              body,
              options,
              options !== undefined && "schema" in options
                ? Schema.decodeUnknownEither(KaizenSchema.decodeResponseOf(options.schema))
                : decodeDecodeResponse
            ) as Effect.Effect<KaizenSchema.DecodeResponse<any> & ResponseInfo, KaizenError>
        })
      )

    return {
      compress: encodeRoute("compress"),
      decompress: decodeRoute("decompress"),
      optimize: encodeRoute("optimize"),
      optimizeRequest: encodeRoute("optimizeRequest"),
      optimizeResponse: decodeRoute("optimizeResponse"),
      promptsEncode: encodeRoute("promptsEncode"),
      promptsDecode: decodeRoute("promptsDecode"),
      health: (options) => send("health", undefined, options, decodeHealthResponse),
      config
    } satisfies Service
  })

/**
 * Builds the service from options given in code (validated; a bad value fails with a
 * `ConfigError` naming the option).
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { Effect } from "effect"
 * import { KaizenClient } from "kaizen-effect"
 * const kaizen = KaizenClient.make({ baseUrl: "http://127.0.0.1:8787" })
 */
export const make = (
  options: KaizenConfig.Options = {}
): Effect.Effect<Service, ConfigError.ConfigError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.flatMap(KaizenConfig.resolve(options), makeWith)

const lazyNode = (config: Config.Config<KaizenConfig.Options>) =>
  Layer.unwrapEffect(
    // The Node transport (undici, node:*) is loaded only when this layer is built, so the core
    // module stays importable wherever @effect/platform runs.
    Effect.map(Effect.promise(() => import("./KaizenNode.js")), (node) => node.layerConfig(config))
  )

/**
 * The Kaizen client service. `yield* KaizenClient` in a generator gives its operations.
 *
 * @since 0.1.0
 * @category tags
 * @example
 * import { Effect } from "effect"
 * import { KaizenClient } from "kaizen-effect"
 *
 * const program = Effect.gen(function*() {
 *   const kaizen = yield* KaizenClient
 *   const encoded = yield* kaizen.promptsEncode({ prompt: { messages: [{ role: "user", content: "hi" }] } })
 *   const decoded = yield* kaizen.promptsDecode({ ktof: encoded.result })
 *   return decoded.result
 * })
 * program.pipe(Effect.provide(KaizenClient.layerNode))
 */
export class KaizenClient extends Context.Tag("kaizen-effect/KaizenClient")<KaizenClient, Service>() {
  /**
   * The client from options given in code; requires an `HttpClient`.
   *
   * @since 0.1.0
   * @example
   * import { FetchHttpClient } from "@effect/platform"
   * import { Layer } from "effect"
   * import { KaizenClient } from "kaizen-effect"
   * const live = KaizenClient.layer({ baseUrl: "http://127.0.0.1:8787" }).pipe(Layer.provide(FetchHttpClient.layer))
   */
  static readonly layer = (
    options: KaizenConfig.Options = {}
  ): Layer.Layer<KaizenClient, ConfigError.ConfigError, HttpClient.HttpClient> => Layer.scoped(KaizenClient, make(options))

  /**
   * The client from a `Config` (by default {@link KaizenConfig.fromEnv}); requires an
   * `HttpClient`.
   *
   * @since 0.1.0
   * @example
   * import { Config } from "effect"
   * import { KaizenClient } from "kaizen-effect"
   * const layer = KaizenClient.layerConfig(Config.all({ baseUrl: Config.string("MY_KAIZEN_URL") }))
   */
  static readonly layerConfig = (
    config: Config.Config<KaizenConfig.Options> = KaizenConfig.fromEnv
  ): Layer.Layer<KaizenClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
    Layer.scoped(KaizenClient, Effect.flatMap(config, make))

  /**
   * The client configured from the environment; requires an `HttpClient`.
   *
   * @since 0.1.0
   * @example
   * import { Effect, Layer } from "effect"
   * import { HttpClient, HttpClientResponse } from "@effect/platform"
   * import { KaizenClient } from "kaizen-effect"
   * const mock = Layer.succeed(HttpClient.HttpClient, HttpClient.make((request) =>
   *   Effect.succeed(HttpClientResponse.fromWeb(request, Response.json({ status: "success", result: "a: 1" })))))
   * const test = KaizenClient.Default.pipe(Layer.provide(mock))
   */
  static readonly Default: Layer.Layer<KaizenClient, ConfigError.ConfigError, HttpClient.HttpClient> = KaizenClient
    .layerConfig()

  /**
   * The client configured from the environment on the Node transport: undici with a bounded
   * connection pool (`KAIZEN_MAX_CONNECTIONS`, default 64) owned by the layer's Scope, so
   * closing the layer closes every socket. With `KAIZEN_BASE_URL=local` it runs on the
   * embedded engine instead.
   *
   * @since 0.1.0
   * @example
   * import { Effect } from "effect"
   * import { KaizenClient } from "kaizen-effect"
   * const health = Effect.flatMap(KaizenClient, (k) => k.health()).pipe(Effect.provide(KaizenClient.layerNode))
   */
  static readonly layerNode: Layer.Layer<KaizenClient, ConfigError.ConfigError> = lazyNode(KaizenConfig.fromEnv)

  /**
   * {@link KaizenClient.layerNode} with options given in code.
   *
   * @since 0.1.0
   * @example
   * import { KaizenClient } from "kaizen-effect"
   * const layer = KaizenClient.layerNodeWith({ baseUrl: "http://127.0.0.1:8787", maxConnections: 16 })
   */
  static readonly layerNodeWith = (
    options: KaizenConfig.Options = {}
  ): Layer.Layer<KaizenClient, ConfigError.ConfigError> => lazyNode(Config.succeed(options))
}
