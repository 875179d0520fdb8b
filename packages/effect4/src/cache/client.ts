/**
 * The caching `KaizenClient`: the encode routes of a given client, answered from a cache when
 * they can be and shared while in flight.
 *
 * A call is first judged as the client would judge it (its Schema, its call options): one the
 * client would refuse goes to the client, which refuses it with nothing sent, so no cached
 * answer is ever given to a request the client would not send. Then its entry's name: an HMAC
 * of the namespace (cache version, base URL), the fingerprint of the credential the call
 * carries (tenancy.ts) and the request's meaning (key.ts). Calls with equal names share: an
 * answer in memory (memory.ts), else one computation in flight, forked into the layer's scope,
 * so a caller that is interrupted stops waiting without cancelling it for the others. Only
 * successes are kept, in memory from when they arrive and in the shared tier if there is one.
 *
 * The decode routes pass through: they decode the caller's data (with an optional caller's
 * Schema, whose errors the client reports itself), and a stored copy would go through
 * `JSON.stringify`, which writes -0 as 0.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as References from "effect/References"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
import type { RequestInput } from "../contract/endpoints.js"
import type { KaizenAPIError, KaizenRequestError } from "../contract/errors.js"
import type * as Responses from "../contract/responses.js"
import { loadValidator } from "../internal/client.js"
import { checkCallOptions } from "../internal/request.js"
import type { CallOptions, EncodeOperation, ResponseInfo, Service } from "../KaizenClient.js"
import type { Hmac } from "./digest.js"
import { cacheKey } from "./key.js"
import * as Memory from "./memory.js"
import { hits, increment, misses } from "./metrics.js"
import type { Tier } from "./store.js"
import * as Tenancy from "./tenancy.js"

type KaizenError = KaizenRequestError | KaizenAPIError
type EncodeRoute = "compress" | "optimize" | "optimizeRequest" | "promptsEncode"
type Response = Responses.EncodeResponse & ResponseInfo

interface Outcome {
  /** Frozen: one answer is handed to many callers, each as its own shallow copy. */
  readonly value: Responses.EncodeResponse
  readonly source: "kaizen" | "store"
  /** The `X-Request-ID` of the request that produced it, when this process sent one. */
  readonly requestId: string | undefined
}

const freeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const field of Object.values(value)) freeze(field)
  }
  return value
}

/** A caller's copy, with `requestId` and `cached` beside the envelope, like the client's own. */
const respond = (value: Responses.EncodeResponse, requestId: string, cached: boolean): Response =>
  Object.defineProperties({ ...value }, {
    requestId: { value: requestId, enumerable: false },
    cached: { value: cached, enumerable: false }
  }) as Response

export interface WrapOptions {
  /** Answers kept in this process. */
  readonly capacity: number
  /** Bytes of answers kept in this process (memory.ts's estimate). */
  readonly maxBytes: number
  /** How long this process keeps an answer, from its arrival (zero: only calls in flight are shared). */
  readonly timeToLive: Duration.Duration
  /** The shared tier behind this process's, if any. */
  readonly tier: Tier | undefined
  /** Names entries (and fingerprints credentials): the store's secret, or a random one per process. */
  readonly hmac: Hmac
  /** The cache version and the base URL (without credentials), part of every name. */
  readonly namespace: string
  /** One entry for every credential: see KaizenCache.Options.shareAcrossKeys. */
  readonly shareAcrossKeys: boolean
}

export const wrap = (inner: Service, options: WrapOptions): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    // The client's own validator (the engine's, loaded with the client): one judgement of a request.
    const validateRequest = yield* loadValidator
    const { tier } = options
    const memory = Memory.make<Outcome>({
      capacity: options.capacity,
      maxBytes: options.maxBytes,
      timeToLiveMillis: Duration.toMillis(options.timeToLive),
      sizeOf: (outcome) => Memory.sizeOf(outcome.value)
    })
    const inFlight = new Map<string, Deferred.Deferred<Outcome, KaizenError>>()
    const tenancy = yield* Tenancy.make(inner.config, options.hmac, options.shareAcrossKeys)
    const configuredRequestId = inner.config.headers["x-request-id"]

    const compute = <Op extends EncodeRoute>(
      operation: Op,
      name: string,
      request: RequestInput<Op>,
      callOptions: CallOptions | undefined
    ): Effect.Effect<Outcome, KaizenError> => {
      const sent = Effect.map(
        (inner[operation] as EncodeOperation<Op>)(request, callOptions),
        (response): Outcome => ({ value: freeze(response), source: "kaizen", requestId: response.requestId })
      )
      if (tier === undefined) return sent
      return Effect.flatMap(tier.get(name), Option.match({
        onSome: (value): Effect.Effect<Outcome, KaizenError> =>
          Effect.succeed({ value: freeze(value), source: "store", requestId: undefined }),
        onNone: () => Effect.tap(sent, (outcome) => tier.set(name, outcome.value))
      }))
    }

    const requestIdFor = (callOptions: CallOptions | undefined): string =>
      callOptions?.requestId ?? callOptions?.headers?.["x-request-id"] ?? configuredRequestId ?? globalThis.crypto.randomUUID()

    const served = (
      name: string,
      computation: Effect.Effect<Outcome, KaizenError>,
      callOptions: CallOptions | undefined
    ): Effect.Effect<{ readonly response: Response; readonly source: string }, KaizenError> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const kept = memory.get(name, now)
        if (kept !== undefined) {
          return Effect.as(increment(hits), { response: respond(kept.value, requestIdFor(callOptions), true), source: "memory" })
        }
        const running = inFlight.get(name)
        if (running !== undefined) {
          return Effect.flatMap(Deferred.await(running), (outcome) =>
            Effect.as(increment(hits), { response: respond(outcome.value, requestIdFor(callOptions), true), source: "inflight" }))
        }
        // This call computes the answer for every caller with the same name until it is done.
        const deferred = Deferred.makeUnsafe<Outcome, KaizenError>()
        inFlight.set(name, deferred)
        const run = computation.pipe(
          Effect.onExit((exit) =>
            Effect.flatMap(Clock.currentTimeMillis, (answeredAt) => {
              inFlight.delete(name)
              // Counted from the answer: an answer slower than the time to live is still kept.
              if (Exit.isSuccess(exit)) memory.set(name, exit.value, answeredAt)
              return Deferred.done(deferred, exit)
            })
          ),
          Effect.forkIn(scope)
        )
        return Effect.andThen(
          run,
          Effect.flatMap(Deferred.await(deferred), (outcome) => {
            const own = outcome.source === "kaizen"
            const requestId = own && outcome.requestId !== undefined ? outcome.requestId : requestIdFor(callOptions)
            return Effect.as(increment(own ? misses : hits), {
              response: respond(outcome.value, requestId, !own),
              source: outcome.source
            })
          })
        )
      })

    const route = <Op extends EncodeRoute>(operation: Op): EncodeOperation<Op> => (request, callOptions) =>
      Effect.suspend(() => {
        const passThrough = () => (inner[operation] as EncodeOperation<Op>)(request, callOptions)
        // What the client would refuse, it refuses itself, with nothing sent: never a cached answer.
        const body = validateRequest(operation, request)
        if (Result.isFailure(body)) return passThrough()
        const headers = callOptions === undefined
          ? Result.succeed(undefined)
          : checkCallOptions(operation, callOptions.requestId, callOptions.headers)
        if (Result.isFailure(headers)) return passThrough()
        const key = cacheKey(operation, body.success)
        if (key === undefined) return passThrough()
        const call = Effect.flatMap(
          tenancy.fingerprint(headers.success),
          (fingerprint) =>
            Effect.flatMap(
              options.hmac.hex(`entry\n${options.namespace}\n${fingerprint}\n${key}`),
              (name) => served(name, compute(operation, name, request, callOptions), callOptions)
            )
        )
        // A span only when someone can see it, as the client's own (internal/span.ts): Effect 4's
        // default tracer records nothing, and a span per hit would cost more than the hit.
        return Effect.withFiber((fiber) =>
          fiber.getRef(Tracer.Tracer) === Tracer.nativeTracer || !fiber.getRef(References.TracerEnabled)
            ? Effect.map(call, (served) => served.response)
            : call.pipe(
              Effect.tap((served) =>
                Effect.annotateCurrentSpan({
                  "kaizen.cache.hit": isCached(served.response),
                  "kaizen.cache.source": served.source
                })
              ),
              Effect.map((served) => served.response),
              Effect.withSpan(
                `KaizenCache.${operation}`,
                { kind: "internal", attributes: { "kaizen.operation": operation } },
                { captureStackTrace: false }
              )
            )
        )
      })

    return {
      ...inner,
      compress: route("compress"),
      optimize: route("optimize"),
      optimizeRequest: route("optimizeRequest"),
      promptsEncode: route("promptsEncode")
    } satisfies Service
  })

/** Whether a response was served without a request of its own (see KaizenCache.isCached). */
export const isCached = (response: object): boolean => (response as { readonly cached?: unknown }).cached === true
