/**
 * The machinery of `KaizenBatch`: one stream of requests through one operation of the client
 * in the context, with the worker pool of pool.ts doing the bounding, ordering and
 * back-pressure. The face (`KaizenBatch.ts`) gives it its precise types; here it is untyped.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { CallOptions } from "../KaizenClient.js"
import { KaizenClient } from "../KaizenClient.js"
import type { KaizenError } from "../KaizenError.js"
import type * as KaizenSchema from "../KaizenSchema.js"
import { mapPool } from "./pool.js"
import { type Progress, tracker } from "./progress.js"
import { DEFAULT_MAX_CONNECTIONS } from "../internal/defaults.js"

/** The options of a batch (documented on `KaizenBatch.Options`). */
export interface Options {
  readonly concurrency?: number | undefined
  readonly failFast?: boolean | undefined
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly requestId?: ((index: number) => string) | undefined
}

/** The options with a decode route's `schema`: what `run` reads, whatever the operation. */
export interface RunOptions extends Options {
  readonly schema?: Schema.Schema<any, any, never> | undefined
}

type AnyCall = (request: unknown, options: (CallOptions & { readonly schema?: unknown }) | undefined) => Effect.Effect<
  unknown,
  KaizenError
>

/**
 * The call for one item. The per-call options are built once per batch; only a `requestId`
 * function makes them differ per item.
 */
const callOf = (kaizen: KaizenClient["Type"], operation: KaizenSchema.BodyOperation, options: RunOptions) => {
  const call = kaizen[operation] as AnyCall
  // No options at all when none is given: the client then checks none per call.
  const shared = options.headers === undefined && options.schema === undefined ? undefined : {
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.schema === undefined ? {} : { schema: options.schema })
  }
  const requestId = options.requestId
  return requestId === undefined
    ? (request: unknown) => call(request, shared)
    : (request: unknown, index: number) => call(request, { ...shared, requestId: requestId(index) })
}

/**
 * A concurrency that is not a whole number >= 1 is a bug in the calling code, not a condition
 * of the data or the service: it dies (Effect's `IllegalArgumentException`) rather than
 * widening every batch's typed error channel with a case that no retry or recovery can handle.
 */
const invalidConcurrency = (concurrency: number) =>
  Effect.die(
    new Cause.IllegalArgumentException(
      `KaizenBatch: concurrency must be a whole number >= 1, got ${concurrency} (nothing was sent)`
    )
  )

/**
 * Runs every request through `operation`. Ordered: results in input order. Unordered: in
 * completion order, each as `[result, index]`. Each result is an `Either` unless `failFast`.
 */
export const run = (
  requests: Stream.Stream<unknown, unknown, unknown> | Iterable<unknown>,
  operation: KaizenSchema.BodyOperation,
  options: RunOptions,
  unordered: boolean
): Stream.Stream<unknown, unknown, unknown> =>
  // Set up on each run of the stream (so each counts its own progress from zero), in its Scope.
  Stream.fromPull(Effect.gen(function*() {
    const kaizen = yield* KaizenClient
    // The default is the client's connection pool: more in flight would only queue for a socket
    // (and spend their per-attempt timeout waiting). A client without a pool gets the Node
    // layer's default pool size.
    const concurrency = options.concurrency ?? kaizen.config.maxConcurrency ?? kaizen.poolSize ?? DEFAULT_MAX_CONNECTIONS // the Node layer's default pool
    if (!Number.isInteger(concurrency) || concurrency < 1) return yield* invalidConcurrency(concurrency)
    const call = callOf(kaizen, operation, options)
    const track = tracker(options.onProgress)
    // An item given as an `Either` is a request (`Right`) or a failure that came before it
    // could be one (`Left`, e.g. a line that did not parse): that failure is the item's own
    // result, in its place and counted, and nothing is sent for it.
    const one = (item: unknown, index: number) =>
      track(
        Either.isEither(item)
          ? Either.match(item, { onLeft: Effect.fail, onRight: (request) => call(request, index) })
          : call(item, index)
      )
    // The pool gives each item its index, which names the result in completion order and is
    // what `requestId` is given, whichever fiber runs the call; unless failFast, each failure
    // is its item's `Left`.
    return yield* mapPool(requests, one, { concurrency, unordered, either: options.failFast !== true })
  }))
