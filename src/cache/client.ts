/**
 * The caching `KaizenClient`: the encode routes of a given client, answered from a cache when
 * they can be and shared while in flight.
 *
 * One effect `Cache` in this process holds, per key, the fiber that computes the answer (the
 * shared tier's copy, else Kaizen's), forked into the layer's scope. So identical calls share
 * one request whether it is done or still running, and a caller that is interrupted (its own
 * timeout, say) stops waiting without cancelling the request for the others; a `Cache` of the
 * answers themselves would run the request in the first caller's fiber and interrupt everyone
 * with it. Only successes stay: a failed fiber is taken out of the `Cache` by the callers that
 * see it fail, and one found there already failed is replaced, never served.
 *
 * The decode routes pass through: they decode the caller's data (with an optional caller's
 * Schema, whose errors the client reports itself), and a stored copy would go through
 * `JSON.stringify`, which writes -0 as 0.
 *
 * @internal
 */
import * as Cache from "effect/Cache"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Hash from "effect/Hash"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type { CallOptions, EncodeOperation, ResponseInfo, Service } from "../KaizenClient.js"
import type { KaizenAPIError, KaizenRequestError } from "../contract/errors.js"
import type * as KaizenSchema from "../KaizenSchema.js"
import { cacheKey } from "./key.js"
import { hits, misses } from "./metrics.js"
import type { Tier } from "./store.js"

type KaizenError = KaizenRequestError | KaizenAPIError
type EncodeRoute = "compress" | "optimize" | "optimizeRequest" | "promptsEncode"
type Response = KaizenSchema.EncodeResponse & ResponseInfo

interface Outcome {
  /** Frozen: one answer is handed to many callers, each as its own shallow copy. */
  readonly value: KaizenSchema.EncodeResponse
  readonly source: "kaizen" | "store"
  /** The `X-Request-ID` of the request that produced it, when this process sent one. */
  readonly requestId: string | undefined
}

/** A `Cache` key: equal by the request's key alone; it carries the call that computes it. */
class Lookup implements Equal.Equal {
  private readonly hash: number
  constructor(readonly key: string, readonly compute: Effect.Effect<Outcome, KaizenError>) {
    this.hash = Hash.string(key)
  }
  [Equal.symbol](that: Equal.Equal): boolean {
    return that instanceof Lookup && that.key === this.key
  }
  [Hash.symbol](): number {
    return this.hash
  }
}

const freeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const field of Object.values(value)) freeze(field)
  }
  return value
}

/** A caller's copy, with `requestId` and `cached` beside the envelope, like the client's own. */
const respond = (value: KaizenSchema.EncodeResponse, requestId: string, cached: boolean): Response =>
  Object.defineProperties({ ...value }, {
    requestId: { value: requestId, enumerable: false },
    cached: { value: cached, enumerable: false }
  }) as Response

// Effect's default tracer records nothing: a span per hit would cost more than the hit.
const nativeTracer = Effect.runSync(Effect.tracer)

export interface WrapOptions {
  /** Answers kept in this process. */
  readonly capacity: number
  /** How long this process keeps an answer (zero: only calls in flight are shared). */
  readonly timeToLive: Duration.Duration
  /** The shared tier behind this process's, if any. */
  readonly tier: Tier | undefined
}

export const wrap = (inner: Service, options: WrapOptions): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const { tier } = options
    const front = yield* Cache.make({
      capacity: options.capacity,
      timeToLive: options.timeToLive,
      lookup: (lookup: Lookup) => Effect.forkIn(lookup.compute, scope)
    })
    const configuredRequestId = inner.config.headers["x-request-id"]
    const keepsAnswers = Duration.toMillis(options.timeToLive) > 0

    const compute = <Op extends EncodeRoute>(
      operation: Op,
      key: string,
      request: KaizenSchema.RequestInput<Op>,
      callOptions: CallOptions | undefined
    ): Effect.Effect<Outcome, KaizenError> => {
      const sent = Effect.map(
        (inner[operation] as EncodeOperation<Op>)(request, callOptions),
        (response): Outcome => ({ value: freeze(response), source: "kaizen", requestId: response.requestId })
      )
      if (tier === undefined) return sent
      return Effect.flatMap(tier.get(key), Option.match({
        onSome: (value): Effect.Effect<Outcome, KaizenError> =>
          Effect.succeed({ value: freeze(value), source: "store", requestId: undefined }),
        onNone: () => Effect.tap(sent, (outcome) => tier.set(key, outcome.value))
      }))
    }

    const served = (
      lookup: Lookup,
      callOptions: CallOptions | undefined,
      retried: boolean
    ): Effect.Effect<{ readonly response: Response; readonly source: string }, KaizenError> =>
      Effect.flatMap(front.getEither(lookup), (either) => {
        const fiber = Either.merge(either)
        const mine = Either.isRight(either)
        const done = fiber.unsafePoll()
        const forget = front.invalidateWhen(lookup, (kept) => kept === fiber)
        // A failure still in the Cache (its callers have not taken it out yet) is not an answer.
        if (!mine && done !== null && Exit.isFailure(done) && !retried) {
          return Effect.zipRight(forget, served(lookup, callOptions, true))
        }
        return (done ?? Fiber.join(fiber)).pipe(
          // With no time to live, an answer is shared only while in flight (the Cache would
          // otherwise keep it for the rest of its millisecond).
          Effect.onExit((exit) => keepsAnswers && (Exit.isSuccess(exit) || Exit.isInterrupted(exit)) ? Effect.void : forget),
          Effect.flatMap((outcome) => {
            const own = mine && outcome.source === "kaizen"
            const source = mine ? outcome.source : done === null ? "inflight" : "memory"
            const requestId = own && outcome.requestId !== undefined
              ? outcome.requestId
              : callOptions?.requestId ?? callOptions?.headers?.["x-request-id"] ?? configuredRequestId ??
                globalThis.crypto.randomUUID()
            return Effect.as(Metric.increment(own ? misses : hits), {
              response: respond(outcome.value, requestId, !own),
              source
            })
          })
        )
      })

    const route = <Op extends EncodeRoute>(operation: Op): EncodeOperation<Op> => (request, callOptions) =>
      Effect.suspend(() => {
        const key = cacheKey(operation, request)
        if (key === undefined) return (inner[operation] as EncodeOperation<Op>)(request, callOptions)
        const call = served(new Lookup(key, compute(operation, key, request, callOptions)), callOptions, false)
        return Effect.tracerWith((tracer) =>
          tracer === nativeTracer
            ? Effect.map(call, (served) => served.response)
            : call.pipe(
              Effect.tap((served) =>
                Effect.annotateCurrentSpan({
                  "kaizen.cache.hit": isCached(served.response),
                  "kaizen.cache.source": served.source
                })
              ),
              Effect.map((served) => served.response),
              Effect.withSpan(`KaizenCache.${operation}`, {
                kind: "internal",
                captureStackTrace: false,
                attributes: { "kaizen.operation": operation }
              })
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
