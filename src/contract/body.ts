/**
 * A request body already in memory, as the transports that take bodies whole read it: the Node
 * transport's `HttpClient`, the engine's, and the tests' mock. Here because the engine may import
 * only the contract (ARCHITECTURE.md) and the client core must not import the engine.
 *
 * @internal
 */
import type * as HttpBody from "@effect/platform/HttpBody"

/** `null` when empty, else its text or bytes; `undefined` for a stream, form data or another raw value. */
export const wholeBody = (body: HttpBody.HttpBody): string | Uint8Array | null | undefined => {
  switch (body._tag) {
    case "Empty":
      return null
    case "Uint8Array":
      return body.body
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array ? body.body : undefined
    default:
      return undefined
  }
}
