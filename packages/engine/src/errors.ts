/**
 * The engine's failures, as typed values: each is one of the service's error answers.
 *
 * @internal
 */
import * as Data from "effect/Data"

/** One entry of a FastAPI 422 `detail` list. */
export interface ValidationItem {
  readonly loc: ReadonlyArray<string | number>
  readonly msg: string
  readonly type: string
  readonly ctx?: Readonly<Record<string, string>>
}

/** 422: the request does not fit its model (FastAPI's `RequestValidationError`). */
export class InvalidRequest extends Data.TaggedError("InvalidRequest")<{
  readonly items: ReadonlyArray<ValidationItem>
}> {}

/** 400: the KTOF given does not decode. */
export class UndecodableKtof extends Data.TaggedError("UndecodableKtof")<{
  readonly detail: string
}> {}

/** 404: no such route. */
export class RouteNotFound extends Data.TaggedError("RouteNotFound")<{
  readonly path: string
}> {}

/** 405: the route exists, with another method. */
export class MethodNotAllowed extends Data.TaggedError("MethodNotAllowed")<{
  readonly allow: string
}> {}

/** 413: the body is larger than the engine accepts. */
export class PayloadTooLarge extends Data.TaggedError("PayloadTooLarge")<{
  readonly limit: number
}> {}

/** 500: the engine itself is broken (e.g. a tokenizer module missing from the installation). */
export class EngineFailure extends Data.TaggedError("EngineFailure")<{
  readonly detail: string
}> {}

/** Every way a request can fail. */
export type EngineError =
  | InvalidRequest
  | UndecodableKtof
  | RouteNotFound
  | MethodNotAllowed
  | PayloadTooLarge
  | EngineFailure

/** A single-item 422 for a body field. */
export const invalidField = (
  path: ReadonlyArray<string | number>,
  msg: string,
  type = "value_error"
): InvalidRequest => new InvalidRequest({ items: [{ loc: ["body", ...path], msg, type }] })
