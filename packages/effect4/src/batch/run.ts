/**
 * The machinery of `KaizenBatch`: one stream of requests through one operation of the client in
 * the context, with the worker pool of pool.ts doing the bounding, ordering and back-pressure (as
 * in the Effect 3 line's src/batch/run.ts). The face (`KaizenBatch.ts`) gives it its precise
 * types; here it is untyped.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Channel from "effect/Channel"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { BodyOperation } from "../contract/endpoints.js"
import { DEFAULT_MAX_CONNECTIONS } from "../internal/defaults.js"
import { type CallOptions, KaizenClient } from "../KaizenClient.js"
import type { KaizenError } from "../KaizenError.js"
import { mapPool } from "./pool.js"
import { type Progress, tracker } from "./progress.js"

/** The options of a batch (documented on `KaizenBatch.Options`). */
export interface Options {
  readonly concurrency?: number | undefined
  readonly failFast?: boolean | undefined
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly requestId?: ((index: number) => string) | undefined
}

export interface RunOptions extends Options {
  readonly schema?: Schema.Codec<any, any, never, never> | undefined
}

type AnyCall = (request: unknown, options: (CallOptions & { readonly schema?: unknown }) | undefined) => Effect.Effect<
  unknown,
  KaizenError
>

const callOf = (kaizen: KaizenClient["Service"], operation: BodyOperation, options: RunOptions) => {
  const call = kaizen[operation] as AnyCall
  const shared = options.headers === undefined && options.schema === undefined ? undefined : {
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.schema === undefined ? {} : { schema: options.schema })
  }
  const requestId = options.requestId
  return requestId === undefined
    ? (request: unknown, _index: number) => call(request, shared)
    : (request: unknown, index: number) => call(request, { ...shared, requestId: requestId(index) })
}

/** A concurrency that is not a whole number >= 1 is a bug in the calling code: it dies, as in the Effect 3 line. */
const invalidConcurrency = (concurrency: number) =>
  Effect.die(
    new Cause.IllegalArgumentError(`KaizenBatch: concurrency must be a whole number >= 1, got ${concurrency} (nothing was sent)`)
  )

/**
 * Runs every request through `operation`. Ordered: results in input order. Unordered: in
 * completion order, each as `[result, index]`. Each result is a `Result` unless `failFast`.
 */
export const run = (
  requests: Stream.Stream<unknown, unknown, unknown> | Iterable<unknown>,
  operation: BodyOperation,
  options: RunOptions,
  unordered: boolean
): Stream.Stream<unknown, unknown, unknown> =>
  // Set up on each run of the stream (so each counts its own progress from zero). The scope that
  // holds the workers and the input closes when the stream ends, fails or is interrupted.
  Stream.fromChannel(Channel.fromTransformBracket((_upstream, _scope, runScope) =>
    Effect.gen(function*() {
      const kaizen = yield* KaizenClient
      // The default is the client's connection pool: more in flight would only queue for a socket
      // (and spend their per-attempt timeout waiting). A client without a pool gets the Node
      // layer's default pool size.
      const concurrency = options.concurrency ?? kaizen.config.maxConcurrency ?? kaizen.poolSize ?? DEFAULT_MAX_CONNECTIONS
      if (!Number.isInteger(concurrency) || concurrency < 1) return yield* invalidConcurrency(concurrency)
      const call = callOf(kaizen, operation, options)
      const track = tracker(options.onProgress)
      // An item given as a `Result` is a request (`Success`) or a failure that came before it could
      // be one (`Failure`, e.g. a line that did not parse): that failure is the item's own result,
      // in its place and counted, and nothing is sent for it.
      const one = (item: unknown, index: number): Effect.Effect<unknown, unknown> =>
        track(
          Result.isResult(item)
            ? Result.match(item, { onFailure: Effect.fail, onSuccess: (request) => call(request, index) })
            : call(item, index)
        )
      // The pool gives each item its index, which names the result in completion order and is
      // what `requestId` is given, whichever fiber runs the call; unless failFast, each failure
      // is its item's `Failure`.
      return yield* mapPool(requests, one, { concurrency, unordered, settle: options.failFast !== true }, runScope)
    })
  ))
