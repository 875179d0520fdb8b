/**
 * The engine's answer to anything that can fail in an expected way: a value, or the reason it
 * could not be given. Expected failures are values, never exceptions, so a caller sees every
 * one in the type and cannot forget to handle it.
 */

/** A value, or why there is none. */
export type Result<A, E> = Success<A> | Failure<E>

/** A success: `value` holds the answer. */
export interface Success<A> {
  readonly ok: true
  readonly value: A
}

/** A failure: `error` says why. */
export interface Failure<E> {
  readonly ok: false
  readonly error: E
}

/** Wraps a value as a success. */
export const succeed = <A>(value: A): Success<A> => ({ ok: true, value })

/** Wraps a reason as a failure. */
export const fail = <E>(error: E): Failure<E> => ({ ok: false, error })

/** A value now, or one that needs the engine to load something first (a tokenizer). */
export type MaybePromise<A> = A | Promise<A>
