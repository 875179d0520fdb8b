/**
 * The machinery of `KaizenBatch`: one stream of requests through one operation of the client in
 * the context. The Effect 3 line runs its own worker pool (src/batch/pool.ts, measured faster);
 * this line uses Effect 4's `Stream.mapEffect` with bounded concurrency, ordered or not, which
 * gives the same bounding, order and back-pressure.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { BodyOperation } from "../contract/endpoints.js"
import { DEFAULT_MAX_CONNECTIONS } from "../internal/defaults.js"
import { type CallOptions, KaizenClient } from "../KaizenClient.js"
import type { KaizenError } from "../KaizenError.js"
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

const toStream = (requests: Stream.Stream<unknown, unknown, unknown> | Iterable<unknown>) =>
  Stream.isStream(requests) ? requests : Stream.fromIterable(requests)

/** A concurrency that is not a whole number >= 1 is a bug in the calling code: it dies, as in the Effect 3 line. */
const invalidConcurrency = (concurrency: number) =>
  Effect.die(
    new Cause.IllegalArgumentError(`KaizenBatch: concurrency must be a whole number >= 1, got ${concurrency} (nothing was sent)`)
  )

export const run = (
  requests: Stream.Stream<unknown, unknown, unknown> | Iterable<unknown>,
  operation: BodyOperation,
  options: RunOptions,
  unordered: boolean
): Stream.Stream<unknown, unknown, unknown> =>
  Stream.unwrap(Effect.gen(function*() {
    const kaizen = yield* KaizenClient
    const concurrency = options.concurrency ?? kaizen.config.maxConcurrency ?? kaizen.poolSize ?? DEFAULT_MAX_CONNECTIONS
    if (!Number.isInteger(concurrency) || concurrency < 1) return yield* invalidConcurrency(concurrency)
    const call = callOf(kaizen, operation, options)
    const track = tracker(options.onProgress)
    const failFast = options.failFast === true
    // An item given as a `Result` is a request (`Success`) or a failure that came before it could
    // be one (`Failure`): that failure is the item's own result, in its place, and nothing is sent.
    const one = (item: unknown, index: number): Effect.Effect<unknown, unknown> => {
      const attempt = track(
        Result.isResult(item)
          ? Result.match(item, { onFailure: Effect.fail, onSuccess: (request) => call(request, index) })
          : call(item, index)
      )
      const settled = failFast ? attempt : Effect.result(attempt)
      return unordered ? Effect.map(settled, (result) => [result, index] as const) : settled
    }
    return toStream(requests).pipe(Stream.mapEffect(one, { concurrency, unordered }))
  }))
