/**
 * Bulk calls as a `Stream`: many requests through one operation of the `KaizenClient` in the
 * context, with bounded concurrency (by default the client's connection pool) by a pool of worker
 * fibers, back-pressure, results in input order or in completion order, each item's failure kept
 * as a value unless `failFast`, and progress counts. The Effect 3 line's `KaizenBatch`, with Effect 4's `Result`
 * where it has `Either`.
 *
 * @since 0.1.0
 */
import type * as Cause from "effect/Cause"
import type * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import type * as Result from "effect/Result"
import type * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type * as progress from "./batch/progress.js"
import * as internal from "./batch/run.js"
import type { BodyOperation, Endpoints, RequestInput } from "./contract/endpoints.js"
import type { JsonValue } from "./contract/json.js"
import type * as Responses from "./contract/responses.js"
import type { KaizenClient, ResponseInfo } from "./KaizenClient.js"
import type { KaizenError } from "./KaizenError.js"

/**
 * The counts of one run, reported after every item that completes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Progress extends progress.Progress {}

/**
 * Options of a batch: `concurrency` (default the client's `maxConcurrency`, else its pool size,
 * else 64), `failFast`, `onProgress`, `headers` for every call, and `requestId` per index.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends internal.Options {
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
}

/**
 * The options of any operation, with the `schema` a decode route accepts.
 *
 * @since 0.1.0
 * @category models
 */
export interface AnyOptions extends Options {
  readonly schema?: Schema.Codec<any, any, never, never> | undefined
}

/**
 * The options an operation accepts: a decode route also takes a `schema` for `result`.
 *
 * @since 0.1.0
 * @category models
 */
export type OptionsFor<Op extends BodyOperation> = (typeof Endpoints)[Op]["response"] extends "decode"
  ? Options & { readonly schema?: Schema.Codec<any, any, never, never> | undefined }
  : Options & { readonly schema?: never }

/**
 * What one call of an operation succeeds with.
 *
 * @since 0.1.0
 * @category models
 */
export type Response<Op extends BodyOperation, A = JsonValue> =
  & ((typeof Endpoints)[Op]["response"] extends "decode" ? Responses.DecodeResponse<A> : Responses.EncodeResponse)
  & ResponseInfo

/**
 * The success of one item under options `O`: a decode route's `schema` types its `result`.
 *
 * @since 0.1.0
 * @category models
 */
export type Success<Op extends BodyOperation, O> = O extends { readonly schema: Schema.Codec<infer A, infer _I, never, never> }
  ? Response<Op, A>
  : Response<Op>

type FailFast<O> = "failFast" extends keyof O ? O["failFast" & keyof O] : undefined

/**
 * One element of a batch's stream: a `Result` of the item's response and its typed error, or,
 * with `failFast: true`, the response itself.
 *
 * @since 0.1.0
 * @category models
 */
export type Element<Op extends BodyOperation, O, X = never> = [FailFast<O>] extends [true] ? Success<Op, O>
  : [FailFast<O>] extends [false | undefined] ? Result.Result<Success<Op, O>, KaizenError | X>
  : Success<Op, O> | Result.Result<Success<Op, O>, KaizenError | X>

/**
 * The error channel of a batch's stream: the input's own `E` (for an `Iterable`,
 * `Cause.UnknownError`: its iterator may throw), and the Kaizen errors only when `failFast` may
 * be on.
 *
 * @since 0.1.0
 * @category models
 */
export type Failure<O, E, X = never> = [FailFast<O>] extends [false | undefined] ? E : E | KaizenError | X

/**
 * One item: a request, or a `Result` of a request and the failure `X` of an item that could not
 * become one (its `Failure` keeps its place, counts as failed, and nothing is sent for it).
 *
 * @since 0.1.0
 * @category models
 */
export type Request<Op extends BodyOperation, X = never> = RequestInput<Op> | Result.Result<RequestInput<Op>, X>

/**
 * The items of a batch: a `Stream` (read lazily, a chunk at a time) or any `Iterable` (an array,
 * a generator). Either is read at most twice the concurrency of items past the results consumed.
 * An iterator that throws ends the stream with a `Cause.UnknownError` (the thrown value as its
 * `cause`) in its place, after the results of every item read before it, as a failing `Stream`
 * does.
 *
 * @since 0.1.0
 * @category models
 */
export type Requests<Op extends BodyOperation, E = never, R = never, X = never> =
  | Stream.Stream<Request<Op, X>, E, R>
  | Iterable<Request<Op, X>>

// An Iterable gives `E` nothing to infer: its default is what the iterator's throw becomes.
const batch = (unordered: boolean): any =>
  dual(
    (args) => typeof args[0] !== "string",
    (
      requests: Requests<BodyOperation, unknown, unknown, unknown>,
      operation: BodyOperation,
      options?: AnyOptions
    ) => internal.run(requests as never, operation, options ?? {}, unordered)
  )

/**
 * Runs every request through `operation` and gives the results in input order, at most
 * `concurrency` calls in flight; each element a `Result` unless `failFast`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const stream: {
  <Op extends BodyOperation, const O extends AnyOptions = {}>(
    operation: Op,
    options?: O & OptionsFor<Op>
  ): <E = Cause.UnknownError, R = never, X = never>(
    requests: Requests<Op, E, R, X>
  ) => Stream.Stream<Element<Op, O, X>, Failure<O, E, X>, R | KaizenClient>
  <Op extends BodyOperation, E = Cause.UnknownError, R = never, X = never, const O extends AnyOptions = {}>(
    requests: Requests<Op, E, R, X>,
    operation: Op,
    options?: O & OptionsFor<Op>
  ): Stream.Stream<Element<Op, O, X>, Failure<O, E, X>, R | KaizenClient>
} = batch(false)

/**
 * {@link stream} with results in completion order, each as `[result, index]`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const streamUnordered: {
  <Op extends BodyOperation, const O extends AnyOptions = {}>(
    operation: Op,
    options?: O & OptionsFor<Op>
  ): <E = Cause.UnknownError, R = never, X = never>(
    requests: Requests<Op, E, R, X>
  ) => Stream.Stream<readonly [Element<Op, O, X>, number], Failure<O, E, X>, R | KaizenClient>
  <Op extends BodyOperation, E = Cause.UnknownError, R = never, X = never, const O extends AnyOptions = {}>(
    requests: Requests<Op, E, R, X>,
    operation: Op,
    options?: O & OptionsFor<Op>
  ): Stream.Stream<readonly [Element<Op, O, X>, number], Failure<O, E, X>, R | KaizenClient>
} = batch(true)
