/**
 * Every behaviour the client promises, over any exchange (exchange.ts).
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as RateLimiter from "effect/RateLimiter"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type * as KaizenConfig from "../KaizenConfig.js"
import type { KaizenAPIError, KaizenRequestError } from "../contract/errors.js"
import * as KaizenRetry from "../KaizenRetry.js"
import * as KaizenSchema from "../KaizenSchema.js"
import type { CallOptions, DecodeOperation, DecodeOptions, EncodeOperation, ResponseInfo, Service } from "../KaizenClient.js"
import { contractDecoder } from "../contract/decoder.js"
import { shownUrl, timeoutError } from "./errors.js"
import type { Exchange } from "./exchange.js"
import { checkCallOptions, validateRequest } from "./request.js"
import { readAnswer } from "./response.js"
import type { CallInfo } from "./response.js"
import { retryAfterFailure } from "./retry.js"
import { type SpanFacts, withOperationSpan } from "./span.js"
import { timeoutFail } from "./timeout.js"
import { Endpoints } from "../contract/endpoints.js"
import { decodeResponseOf } from "../contract/responses.js"

type KaizenError = KaizenRequestError | KaizenAPIError

const decodeEncodeResponse = contractDecoder(KaizenSchema.EncodeResponse)
const decodeDecodeResponse = contractDecoder(KaizenSchema.DecodeResponse)
const decodeHealthResponse = contractDecoder(KaizenSchema.HealthResponse)

const newRequestId = (): string => globalThis.crypto.randomUUID()

/** The Scope holds the client-side rate limiter, when one is configured. */
export const makeService = (
  config: KaizenConfig.Resolved,
  exchange: Exchange
): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.gen(function*() {
    const configuredRequestId = config.headers["x-request-id"]
    const shownBaseUrl = shownUrl(config.baseUrl)
    const timeoutMillis = Duration.toMillis(config.timeout)

    const retry = config.retry === false || config.retry === 0
      ? undefined
      : typeof config.retry === "number"
      ? KaizenRetry.policy({ maxRetries: config.retry })
      : config.retry

    // Per client: each attempt takes a permit and a rate token (a retry is a request too), none held while waiting.
    const semaphore = config.maxConcurrency === undefined ? undefined : yield* Effect.makeSemaphore(config.maxConcurrency)
    // Effect's RateLimiter never grants a fraction of a permit: a rate r is floor(r) permits (at
    // least one) per floor(r)/r seconds, so 0.5/s is one every 2 s instead of none at all.
    const perWindow = config.maxRequestsPerSecond === undefined ? 0 : Math.max(1, Math.floor(config.maxRequestsPerSecond))
    const rateLimiter = config.rateLimiter ?? (config.maxRequestsPerSecond === undefined ? undefined : yield* RateLimiter.make({
      limit: perWindow,
      interval: Duration.millis((perWindow / config.maxRequestsPerSecond) * 1000),
      algorithm: "token-bucket"
    }))
    const limit = <A, E>(attempt: Effect.Effect<A, E>): Effect.Effect<A, E> => {
      let limited = attempt
      if (rateLimiter !== undefined) limited = rateLimiter(limited)
      if (semaphore !== undefined) limited = semaphore.withPermits(1)(limited)
      return limited
    }

    const call = <A>(
      operation: KaizenSchema.Operation,
      input: unknown,
      options: CallOptions | undefined,
      decode: (body: Record<string, unknown>) => Either.Either<A, ParseResult.ParseError>
    ): Effect.Effect<A & ResponseInfo, KaizenError> => {
      const endpoint = Endpoints[operation]
      const body = endpoint.request === undefined
        ? Either.right(undefined)
        : validateRequest(operation as KaizenSchema.BodyOperation, input)
      if (Either.isLeft(body)) return Effect.fail(body.left)
      const headers = options === undefined ? undefined : checkCallOptions(operation, options.requestId, options.headers)
      if (headers !== undefined && Either.isLeft(headers)) return Effect.fail(headers.left)
      const callHeaders = headers?.right
      // One ID per logical call, fixed before the first attempt, so every retry carries it.
      const requestId = options?.requestId ?? callHeaders?.["x-request-id"] ?? configuredRequestId ?? newRequestId()
      const info: CallInfo = { operation, method: endpoint.method, path: endpoint.path, requestId }
      const prepared = exchange.prepare({ operation, info, body: body.right, headers: callHeaders, requestId })
      if (Either.isLeft(prepared)) return Effect.fail(prepared.left)
      const send = prepared.right

      const facts: SpanFacts = { attempts: 0, lastStatus: undefined }
      let attempt: Effect.Effect<A & ResponseInfo, KaizenError> = Effect.suspend(() => {
        facts.attempts++
        return send
      }).pipe(
        Effect.flatMap((answer) => {
          facts.lastStatus = answer.status
          return readAnswer(info, answer, decode, requestId)
        })
      )
      // One clock for headers and body: a server that sends headers and then stalls times out too.
      if (!exchange.enforcesTimeout) {
        attempt = timeoutFail(
          attempt,
          timeoutMillis,
          () => timeoutError(info, shownBaseUrl, "no complete response", config.timeout)
        )
      }
      attempt = limit(attempt)
      let whole = retry === undefined ? attempt : retryAfterFailure(attempt, retry)
      if (config.deadline !== undefined) {
        const deadline = config.deadline
        whole = timeoutFail(
          whole,
          Duration.toMillis(deadline),
          () => timeoutError(info, shownBaseUrl, "overall deadline across retries", deadline)
        )
      }
      return withOperationSpan(operation, requestId, exchange.readsSpan, facts, whole)
    }

    const encodeRoute = <Op extends KaizenSchema.BodyOperation>(operation: Op): EncodeOperation<Op> =>
    (request, options) => Effect.suspend(() => call(operation, request, options, decodeEncodeResponse))

    const decodeRoute = <Op extends KaizenSchema.BodyOperation>(operation: Op): DecodeOperation<Op> =>
    (
      request: KaizenSchema.RequestInput<Op>,
      options?: CallOptions | DecodeOptions<unknown, unknown>
    ) =>
      Effect.suspend(() =>
        call(
          operation,
          request,
          options,
          options !== undefined && "schema" in options
            ? Schema.decodeUnknownEither(decodeResponseOf(options.schema))
            : decodeDecodeResponse
        ) as Effect.Effect<KaizenSchema.DecodeResponse<any> & ResponseInfo, KaizenError>
      )

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
