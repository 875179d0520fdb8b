/**
 * The engine's failures, as plain tagged values: each is one of the service's error answers.
 */

/** One entry of a FastAPI 422 `detail` list. */
export interface ValidationItem {
  readonly loc: ReadonlyArray<string | number>
  readonly msg: string
  readonly type: string
  readonly ctx?: Readonly<Record<string, string>>
}

/** 422: the request does not fit its model (FastAPI's `RequestValidationError`). */
export interface InvalidRequest {
  readonly _tag: "InvalidRequest"
  readonly items: ReadonlyArray<ValidationItem>
}

/** 400: the KTOF given does not decode. */
export interface UndecodableKtof {
  readonly _tag: "UndecodableKtof"
  readonly detail: string
}

/** 404: no such route. */
export interface RouteNotFound {
  readonly _tag: "RouteNotFound"
  readonly path: string
}

/** 405: the route exists, with another method. */
export interface MethodNotAllowed {
  readonly _tag: "MethodNotAllowed"
  readonly allow: string
}

/** 413: the body is larger than the engine accepts. */
export interface PayloadTooLarge {
  readonly _tag: "PayloadTooLarge"
  readonly limit: number
}

/** 500: the engine itself is broken or incomplete (e.g. no tokenizer installed). */
export interface EngineFailure {
  readonly _tag: "EngineFailure"
  readonly detail: string
}

/** Every way a request can fail. */
export type EngineError =
  | InvalidRequest
  | UndecodableKtof
  | RouteNotFound
  | MethodNotAllowed
  | PayloadTooLarge
  | EngineFailure

/** A 422 with these items. */
export const invalidRequest = (items: ReadonlyArray<ValidationItem>): InvalidRequest => ({ _tag: "InvalidRequest", items })

/** A 400 for KTOF that does not decode. */
export const undecodableKtof = (detail: string): UndecodableKtof => ({ _tag: "UndecodableKtof", detail })

/** A 404. */
export const routeNotFound = (path: string): RouteNotFound => ({ _tag: "RouteNotFound", path })

/** A 405 with the methods allowed. */
export const methodNotAllowed = (allow: string): MethodNotAllowed => ({ _tag: "MethodNotAllowed", allow })

/** A 413 naming the limit. */
export const payloadTooLarge = (limit: number): PayloadTooLarge => ({ _tag: "PayloadTooLarge", limit })

/** A 500 with its detail. */
export const engineFailure = (detail: string): EngineFailure => ({ _tag: "EngineFailure", detail })

/** A single-item 422 for a body field. */
export const invalidField = (
  path: ReadonlyArray<string | number>,
  msg: string,
  type = "value_error"
): InvalidRequest => invalidRequest([{ loc: ["body", ...path], msg, type }])
