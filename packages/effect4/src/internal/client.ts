/**
 * Every behaviour the client promises, over any exchange (exchange.ts): the Effect 3 line's
 * src/internal/client.ts on Effect 4. The operation span is skipped when nobody can see it (span.ts).
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Semaphore from "effect/Semaphore"
import * as RateLimiter from "effect/persistence/RateLimiter"
import { type BodyOperation, Endpoints, type Operation } from "../contract/endpoints.js"
import type { KaizenAPIError, KaizenRequestError } from "../contract/errors.js"
import * as Responses from "../contract/responses.js"
import type {
  CallOptions,
  DecodeOperation,
  DecodeOptions,
  EncodeOperation,
  ResponseInfo,
  Service
} from "../KaizenClient.js"
import type * as KaizenConfig from "../KaizenConfig.js"
import * as KaizenRetry from "../KaizenRetry.js"
import { contractDecoder } from "./decoder.js"
import { shownUrl, timeoutError } from "./errors.js"
import type { Exchange } from "./exchange.js"
import { checkCallOptions, makeValidator } from "./request.js"
import { type CallInfo, type Decoder, readAnswer } from "./response.js"
import { retryAfterFailure } from "./retry.js"
import { type SpanFacts, withOperationSpan } from "./span.js"

type KaizenError = KaizenRequestError | KaizenAPIError

// The envelopes keep unknown fields (their Schemas have a rest record).
const decodeEncodeResponse: Decoder<Responses.EncodeResponse> = contractDecoder(Responses.EncodeResponse)
const decodeDecodeResponse = contractDecoder(Responses.DecodeResponse) as Decoder<Responses.DecodeResponse>
const decodeHealthResponse: Decoder<Responses.HealthResponse> = contractDecoder(Responses.HealthResponse)

/**
 * `maxRequestsPerSecond` as a token bucket of Effect 4's `effect/persistence/RateLimiter` over
 * its in-memory store (per client). The limiter never grants a fraction of a permit: a rate r is
 * floor(r) permits (at least one) per floor(r)/r seconds, as in the Effect 3 line.
 */
const tokenBucket = (perSecond: number): Effect.Effect<KaizenConfig.RateLimit> =>
  Effect.map(Effect.provide(RateLimiter.make, RateLimiter.layerStoreMemory), (limiter) => {
    const limit = Math.max(1, Math.floor(perSecond))
    const take = RateLimiter.sleep(limiter, {
      algorithm: "token-bucket",
      window: Duration.millis((limit / perSecond) * 1000),
      limit,
      key: "kaizen-effect"
    }).pipe(Effect.orDie)
    return <A, E, R>(attempt: Effect.Effect<A, E, R>) => Effect.andThen(take, attempt)
  })

const newRequestId = (): string => globalThis.crypto.randomUUID()

/** The engine's validator is loaded here, with the client, not when the package is imported. */
export const loadValidator = Effect.promise(() => import("@kaizen-effect/engine")).pipe(Effect.map(makeValidator))

export const makeService = (config: KaizenConfig.Resolved, exchange: Exchange): Effect.Effect<Service> =>
  Effect.gen(function*() {
    const validateRequest = yield* loadValidator
    const configuredRequestId = config.headers["x-request-id"]
    const shownBaseUrl = shownUrl(config.baseUrl)
    const timeoutMillis = Duration.toMillis(config.timeout)

    const retry = config.retry === false || config.retry === 0
      ? undefined
      : typeof config.retry === "number"
      ? KaizenRetry.policy({ maxRetries: config.retry })
      : config.retry

    // Per client: each attempt takes a permit and a rate token (a retry is a request too), none held while waiting.
    const semaphore = config.maxConcurrency === undefined ? undefined : yield* Semaphore.make(config.maxConcurrency)
    const rateLimit = config.rateLimiter ??
      (config.maxRequestsPerSecond === undefined ? undefined : yield* tokenBucket(config.maxRequestsPerSecond))

    const call = <A>(
      operation: Operation,
      input: unknown,
      options: CallOptions | undefined,
      decode: Decoder<A>
    ): Effect.Effect<A & ResponseInfo, KaizenError> => {
      const endpoint = Endpoints[operation]
      const body = operation === "health" ? Result.succeed(undefined) : validateRequest(operation as BodyOperation, input)
      if (Result.isFailure(body)) return Effect.fail(body.failure)
      const headers = options === undefined ? undefined : checkCallOptions(operation, options.requestId, options.headers)
      if (headers !== undefined && Result.isFailure(headers)) return Effect.fail(headers.failure)
      const callHeaders = headers?.success
      // One ID per logical call, fixed before the first attempt, so every retry carries it.
      const requestId = options?.requestId ?? callHeaders?.["x-request-id"] ?? configuredRequestId ?? newRequestId()
      const info: CallInfo = { operation, method: endpoint.method, path: endpoint.path, requestId }
      const prepared = exchange.prepare({ operation, info, body: body.success, headers: callHeaders, requestId })
      if (Result.isFailure(prepared)) return Effect.fail(prepared.failure)
      const send = prepared.success

      const facts: SpanFacts = { attempts: 0, lastStatus: undefined }
      let attempt: Effect.Effect<A & ResponseInfo, KaizenError> = Effect.flatMap(
        Effect.suspend(() => {
          facts.attempts++
          return send
        }),
        (answer) => {
          facts.lastStatus = answer.status
          return readAnswer(info, answer, decode, requestId)
        }
      )
      // One clock for headers and body: a server that sends headers and then stalls times out too.
      if (!exchange.enforcesTimeout) {
        attempt = Effect.timeoutOrElse(attempt, {
          duration: timeoutMillis,
          orElse: () => Effect.fail(timeoutError(info, shownBaseUrl, "no complete response", config.timeout))
        })
      }
      if (rateLimit !== undefined) attempt = rateLimit(attempt)
      if (semaphore !== undefined) attempt = semaphore.withPermits(1)(attempt)
      let whole = retry === undefined ? attempt : retryAfterFailure(attempt, retry)
      if (config.deadline !== undefined) {
        const deadline = config.deadline
        whole = Effect.timeoutOrElse(whole, {
          duration: deadline,
          orElse: () => Effect.fail(timeoutError(info, shownBaseUrl, "overall deadline across retries", deadline))
        })
      }
      return withOperationSpan(operation, requestId, exchange.readsSpan !== false, facts, whole)
    }

    const encodeRoute = <Op extends BodyOperation>(operation: Op): EncodeOperation<Op> => (request, options) =>
      Effect.suspend(() => call(operation, request, options, decodeEncodeResponse))

    const decodeRoute = <Op extends BodyOperation>(operation: Op): DecodeOperation<Op> =>
    ((request: unknown, options?: CallOptions | DecodeOptions<unknown, unknown>) =>
      Effect.suspend(() =>
        call(
          operation,
          request,
          options,
          options !== undefined && "schema" in options
            ? (Schema.decodeUnknownResult(Responses.decodeResponseOf(options.schema)) as Decoder<unknown>)
            : decodeDecodeResponse
        )
      )) as DecodeOperation<Op>

    return {
      compress: encodeRoute("compress"),
      decompress: decodeRoute("decompress"),
      optimize: encodeRoute("optimize"),
      optimizeRequest: encodeRoute("optimizeRequest"),
      optimizeResponse: decodeRoute("optimizeResponse"),
      promptsEncode: encodeRoute("promptsEncode"),
      promptsDecode: decodeRoute("promptsDecode"),
      health: (options) => Effect.suspend(() => call("health", undefined, options, decodeHealthResponse)),
      config,
      poolSize: exchange.poolSize
    } satisfies Service
  })
