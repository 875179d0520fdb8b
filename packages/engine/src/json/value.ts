/**
 * The type of a JSON value, as the engine reads and writes it.
 */

/** A JSON value: what `JSON.parse` gives for well-formed text, within the nesting limit. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<JsonValue>
  | { readonly [key: string]: JsonValue }
