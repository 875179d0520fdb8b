/**
 * A JSON document passed between the client and the embedded engine in the same process as
 * the value itself, so neither side writes JSON text for the other to parse back.
 *
 * The client hands the engine its request this way (as the body of a `Raw` request), and the
 * engine answers with its response envelope this way, when the client is on the engine's own
 * `HttpClient` with no middleware in between. The client sends only a request it has validated
 * against the operation's contract Schema, and the engine relies on that; nothing outside this
 * package can make an `InProcessJson`. Whoever needs the text after all
 * (the engine for a value it must judge as text, a response read as text) gets it from
 * `text()`, written once. Neither side keeps the value beyond the call, and the engine copies
 * whatever of the request it echoes, so the caller's objects are never shared with a response.
 *
 * @internal
 */
import type { BodyMeasure } from "../local/measure.js"

export class InProcessJson {
  private cachedText: string | undefined

  constructor(
    readonly value: unknown,
    /** What the value's JSON text would measure, when the sender has found it to be exactly JSON. */
    readonly measure?: BodyMeasure | undefined
  ) {}

  /** The value's JSON text. Throws what `JSON.stringify` throws (a `RangeError` when nested too deep). */
  text(): string {
    return this.cachedText ??= JSON.stringify(this.value)
  }
}

/** Why an in-process body could not be written as JSON text (the cause `JSON.stringify` threw). */
export class UnserialisableJson extends Error {
  constructor(override readonly cause: unknown) {
    super(`the payload cannot be serialised as JSON: ${cause instanceof Error ? cause.message : String(cause)}`)
    this.name = "UnserialisableJson"
  }
}
