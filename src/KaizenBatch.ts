/**
 * Bulk calls as a `Stream`: many requests through one operation of the `KaizenClient` in the
 * context, with bounded concurrency (by default the client's connection pool), back-pressure
 * (the input is read only as fast as results are consumed), results in input order or in
 * completion order, each item's failure kept as a value unless `failFast`, and progress counts.
 *
 * It works on any transport under the client: the Node layer, a mock `HttpClient`, or the
 * embedded engine.
 *
 * @since 0.1.0
 */
import type * as Cause from "effect/Cause"
import type * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import { dual } from "effect/Function"
import type * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type { KaizenClient, ResponseInfo } from "./KaizenClient.js"
import type { KaizenError } from "./KaizenError.js"
import type * as KaizenSchema from "./KaizenSchema.js"
import type * as progress from "./batch/progress.js"
import * as internal from "./batch/run.js"
import { Endpoints } from "./contract/endpoints.js"

/**
 * The counts of one run, reported after every item that completes: `started` (items begun),
 * `succeeded`, `failed` (a typed Kaizen error, or an item given as a `Left`), and `completed`
 * (`succeeded + failed`); `started - completed` calls are in flight.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenBatch } from "kaizen-effect"
 * const line = (p: KaizenBatch.Progress) => `${p.completed} done, ${p.failed} failed, ${p.started - p.completed} in flight`
 */
export interface Progress extends progress.Progress {}

/**
 * Options of a batch.
 *
 * - `concurrency`: the most calls in flight. Default: the client's `maxConcurrency` when set,
 *   else its connection pool (the Node layer's `maxConnections`), else 64; above 4,096, 4,096 (each
 *   unit costs a fiber up front). A value that is not a whole number >= 1 is a bug in the calling
 *   code: the stream dies with an `IllegalArgumentException` before anything is sent.
 * - `failFast`: end the stream with the first item's typed error (the calls in flight are
 *   interrupted) instead of giving each item an `Either`.
 * - `onProgress`: called with the counts after every item completes.
 * - `headers`: extra headers for every call of the batch.
 * - `requestId`: the `X-Request-ID` of the item at an index (e.g. for idempotency keys), sent
 *   on its every retry; by default each call gets its own.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import { Console, Effect } from "effect"
 * import type { KaizenBatch } from "kaizen-effect"
 * const options: KaizenBatch.Options = {
 *   concurrency: 16,
 *   requestId: (index) => `job-42-item-${index}`,
 *   onProgress: (p) => (p.completed % 1000 === 0 ? Console.log(`${p.completed} done`) : Effect.void)
 * }
 */
export interface Options extends internal.Options {
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
}

/**
 * The options of any operation: {@link Options}, and the `schema` a decode route accepts.
 * {@link OptionsFor} narrows them to one operation's.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import { Schema } from "effect"
 * import type { KaizenBatch } from "kaizen-effect"
 * const options: KaizenBatch.AnyOptions = { failFast: true, schema: Schema.Array(Schema.Number) }
 */
export interface AnyOptions extends Options {
  readonly schema?: Schema.Schema<any, any, never> | undefined
}

/**
 * The options an operation accepts: a decode route also takes a `schema` for `result` (as its
 * single calls do); an encode route takes none.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import { Schema } from "effect"
 * import type { KaizenBatch } from "kaizen-effect"
 * const options: KaizenBatch.OptionsFor<"decompress"> = { schema: Schema.Struct({ id: Schema.Number }) }
 */
export type OptionsFor<Op extends KaizenSchema.BodyOperation> =
  (typeof Endpoints)[Op]["response"] extends "decode" ? Options & { readonly schema?: Schema.Schema<any, any, never> | undefined }
  : Options & { readonly schema?: never }

/**
 * What one call of an operation succeeds with: the KTOF envelope for an encode route; for a
 * decode route, the envelope with `result` as JSON, or as `A` when a `schema` is given.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenBatch } from "kaizen-effect"
 * const ktof = (response: KaizenBatch.Response<"compress">) => response.result
 */
export type Response<Op extends KaizenSchema.BodyOperation, A = KaizenSchema.JsonValue> =
  & ((typeof Endpoints)[Op]["response"] extends "decode" ? KaizenSchema.DecodeResponse<A>
    : KaizenSchema.EncodeResponse)
  & ResponseInfo

/**
 * The success of one item under options `O`: a decode route's `schema` types its `result`.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenBatch } from "kaizen-effect"
 * type Decoded = KaizenBatch.Success<"decompress", { readonly schema: import("effect").Schema.Schema<number> }>
 */
export type Success<Op extends KaizenSchema.BodyOperation, O> = O extends
  { readonly schema: Schema.Schema<infer A, infer _I, never> } ? Response<Op, A> : Response<Op>

/**
 * One element of a batch's stream: an `Either` of the item's response and its typed error (a
 * Kaizen error, or the `X` of an item given as a `Left`: see {@link Request}), or, with
 * `failFast: true`, the response itself. (A `failFast` known only as `boolean` gives either.)
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenBatch } from "kaizen-effect"
 * type PerItem = KaizenBatch.Element<"compress", {}> // Either<Response<"compress">, KaizenError>
 */
export type Element<Op extends KaizenSchema.BodyOperation, O, X = never> =
  ["failFast" extends keyof O ? O["failFast" & keyof O] : undefined] extends [true] ? Success<Op, O>
  : ["failFast" extends keyof O ? O["failFast" & keyof O] : undefined] extends [false | undefined]
    ? Either.Either<Success<Op, O>, KaizenError | X>
  : Success<Op, O> | Either.Either<Success<Op, O>, KaizenError | X>

/**
 * The error channel of a batch's stream: the input stream's own `E` (for an `Iterable`,
 * `Cause.UnknownException`: its iterator may throw), and the Kaizen errors
 * (and the `X` of the items given as a `Left`) only when `failFast` may be on.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenBatch } from "kaizen-effect"
 * type Errors = KaizenBatch.Failure<{ readonly failFast: true }, never> // KaizenError
 */
export type Failure<O, E, X = never> = ["failFast" extends keyof O ? O["failFast" & keyof O] : undefined] extends
  [false | undefined] ? E
  : E | KaizenError | X

/**
 * One item of a batch: a request, or an `Either` of a request and the failure `X` of an item
 * that could not become one (a record that did not parse, a file that could not be read). A
 * `Left` keeps its place: it comes out as that item's `Left` (with `failFast`, it ends the
 * stream), counts as failed, and nothing is sent for it.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import { Either, Schema } from "effect"
 * import type { KaizenBatch } from "kaizen-effect"
 * const item = (line: string): KaizenBatch.Request<"compress", string> =>
 *   Either.match(Schema.decodeEither(Schema.parseJson())(line), {
 *     onLeft: () => Either.left(`not JSON: ${line}`),
 *     onRight: (data) => Either.right({ data })
 *   })
 */
export type Request<Op extends KaizenSchema.BodyOperation, X = never> =
  | KaizenSchema.RequestInput<Op>
  | Either.Either<KaizenSchema.RequestInput<Op>, X>

/**
 * The items of a batch (see {@link Request}): a `Stream` (read lazily, with its own errors and
 * requirements) or any `Iterable` (an array, a generator). Either is read at most twice the
 * concurrency of items past the results consumed (a `Stream` a chunk at a time). An iterator that
 * throws ends the stream with a `Cause.UnknownException` (the thrown value as its `error`) in its
 * place, after the results of every item read before it, as a failing `Stream` does.
 *
 * @since 0.1.0
 * @category models
 * @example
 * import type { KaizenBatch } from "kaizen-effect"
 * function* rows(): Generator<{ data: unknown }> { for (let id = 0; id < 3; id++) yield { data: { id } } }
 * const requests: KaizenBatch.Requests<"compress"> = rows()
 */
export type Requests<Op extends KaizenSchema.BodyOperation, E = never, R = never, X = never> =
  | Stream.Stream<Request<Op, X>, E, R>
  | Iterable<Request<Op, X>>

// Both forms of both functions; a string (an operation name) in first place is the data-last form.
// In their signatures the options are inferred against a constraint that does not depend on `Op`
// (one that did would leave callbacks such as `onProgress` untyped), then checked by `OptionsFor<Op>`.
// An Iterable gives `E` nothing to infer: its default is what the iterator's throw becomes.
const batch = (unordered: boolean): any =>
  dual(
    (args) => typeof args[0] !== "string",
    (
      requests: Requests<KaizenSchema.BodyOperation, unknown, unknown, unknown>,
      operation: KaizenSchema.BodyOperation,
      options?: AnyOptions
    ) => internal.run(requests, operation, options ?? {}, unordered)
  )

/**
 * Runs every request through `operation` and gives the results in input order, at most
 * `concurrency` calls in flight. Each element is an `Either` of the item's response and its
 * typed error, so one bad item does not stop the rest; with `failFast: true` the stream fails
 * with the first error instead. An item may be given as an `Either` (see {@link Request}): a
 * `Left` is that item's failure, unsent. The stream requires the `KaizenClient`.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { Effect, Either, Stream } from "effect"
 * import { KaizenBatch } from "kaizen-effect"
 *
 * const rows = Array.from({ length: 1000 }, (_, id) => ({ data: { id, name: `user-${id}` } }))
 * const ktof = KaizenBatch.stream(rows, "compress").pipe(
 *   Stream.map(Either.match({ onLeft: (error) => `failed: ${error.message}`, onRight: (r) => r.result })),
 *   Stream.runCollect
 * )
 */
export const stream: {
  <Op extends KaizenSchema.BodyOperation, const O extends AnyOptions = {}>(
    operation: Op,
    options?: O & OptionsFor<Op>
  ): <E = Cause.UnknownException, R = never, X = never>(
    requests: Requests<Op, E, R, X>
  ) => Stream.Stream<Element<Op, O, X>, Failure<O, E, X>, R | KaizenClient>
  <Op extends KaizenSchema.BodyOperation, E = Cause.UnknownException, R = never, X = never, const O extends AnyOptions = {}>(
    requests: Requests<Op, E, R, X>,
    operation: Op,
    options?: O & OptionsFor<Op>
  ): Stream.Stream<Element<Op, O, X>, Failure<O, E, X>, R | KaizenClient>
} = batch(false)

/**
 * {@link stream} with results in completion order, each as `[result, index]` (the index of its
 * request in the input, as `Stream.zipWithIndex` pairs them): a slow item holds back no other.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * import { Effect, Stream } from "effect"
 * import { KaizenBatch } from "kaizen-effect"
 *
 * const prompts = ["first", "second", "third"].map((prompt) => ({ prompt }))
 * const done = KaizenBatch.streamUnordered(prompts, "optimizeRequest", { failFast: true }).pipe(
 *   Stream.runForEach(([response, index]) => Effect.log(`prompt ${index}: ${response.result}`))
 * )
 */
export const streamUnordered: {
  <Op extends KaizenSchema.BodyOperation, const O extends AnyOptions = {}>(
    operation: Op,
    options?: O & OptionsFor<Op>
  ): <E = Cause.UnknownException, R = never, X = never>(
    requests: Requests<Op, E, R, X>
  ) => Stream.Stream<readonly [Element<Op, O, X>, number], Failure<O, E, X>, R | KaizenClient>
  <Op extends KaizenSchema.BodyOperation, E = Cause.UnknownException, R = never, X = never, const O extends AnyOptions = {}>(
    requests: Requests<Op, E, R, X>,
    operation: Op,
    options?: O & OptionsFor<Op>
  ): Stream.Stream<readonly [Element<Op, O, X>, number], Failure<O, E, X>, R | KaizenClient>
} = batch(true)
