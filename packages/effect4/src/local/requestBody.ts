/**
 * A request body gathered within the server's bounds: a size limit, a share of the in-flight
 * budget grown as bytes arrive, and a deadline; and which content codings are accepted (the
 * Effect 3 line's src/local/requestBody.ts). The server streams the bytes off its socket,
 * decoded (nodeBody.ts); nothing here imports Node.
 *
 * @internal
 */
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import type { Share } from "./inFlight.js"

/** The body, received and decoded, is over the size limit: 413. */
export class BodyTooLarge extends Data.TaggedError("BodyTooLarge") {}

/** Holding more of the body would pass the in-flight budget: 503. */
export class ServerBusy extends Data.TaggedError("ServerBusy") {}

/** The body did not arrive in time: 408. */
export class BodyTimeout extends Data.TaggedError("BodyTimeout") {}

/** The body is not what its `Content-Encoding` says: 400. */
export class Undecodable extends Data.TaggedError("Undecodable")<{ readonly coding: Coding }> {}

/** The client went away before the body was in: nobody reads the answer. */
export class ClientGone extends Data.TaggedError("ClientGone") {}

/** Every way reading a body can end without one. */
export type BodyProblem = BodyTooLarge | ServerBusy | BodyTimeout | Undecodable | ClientGone

const codings = ["gzip", "x-gzip", "deflate", "br"] as const

/** A content coding the server decodes. */
export type Coding = typeof codings[number]

const isCoding = (name: string): name is Coding => (codings as ReadonlyArray<string>).includes(name)

/** What an `Accept-Encoding` answer lists. */
export const acceptedCodings = "gzip, deflate, br"

/**
 * The coding a `Content-Encoding` header names: `undefined` for none (or `identity`), and the
 * header itself, as a failure, when it is not one coding the server decodes. Stacked codings
 * are refused: each decoder costs a window of memory, and a header can name thousands.
 */
export const codingOf = (header: string | undefined): Result.Result<Coding | undefined, string> => {
  const named = (header ?? "").split(",").map((c) => c.trim().toLowerCase()).filter((c) => c !== "" && c !== "identity")
  if (named.length === 0) return Result.succeed(undefined)
  const [coding] = named
  return named.length === 1 && isCoding(coding!) ? Result.succeed(coding) : Result.fail(header!)
}

/** What bounds one body. */
export interface Bounds {
  /** Bytes received, and bytes decoded, over this are a {@link BodyTooLarge}. */
  readonly maxBodyBytes: number
  /** The whole body must arrive within this. */
  readonly timeout: Duration.Duration
}

/** The chunks as one array of `size` bytes. */
const join = (chunks: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

interface Gathered {
  readonly size: number
  readonly chunks: Array<Uint8Array>
  readonly busy: boolean
}

/**
 * The whole body, as `body` streams it (decoded): refused past the size limit or the in-flight
 * budget, or once the deadline has passed.
 */
export const gather = (
  body: Stream.Stream<Uint8Array, BodyProblem>,
  bounds: Bounds,
  share: Share
): Effect.Effect<Uint8Array, BodyProblem> =>
  body.pipe(
    Stream.runFoldEffect(
      (): Gathered => ({ size: 0, chunks: [], busy: false }),
      (acc, chunk): Effect.Effect<Gathered, BodyProblem> => {
        const size = acc.size + chunk.byteLength
        if (size > bounds.maxBodyBytes) return Effect.fail(new BodyTooLarge())
        // Past the budget, the body is still read (and dropped) to its end or its limit: a
        // body over the limit is 413 whenever it is refused, never 503 "retry" (a gzip bomb
        // retried is the same bomb). Reading it holds nothing but the decoder's window.
        if (acc.busy || !share.cover(size)) return Effect.succeed({ size, chunks: [], busy: true })
        acc.chunks.push(chunk)
        return Effect.succeed({ size, chunks: acc.chunks, busy: false })
      }
    ),
    Effect.flatMap(({ busy, chunks, size }) => busy ? Effect.fail(new ServerBusy()) : Effect.succeed(join(chunks, size))),
    Effect.timeoutOrElse({ duration: bounds.timeout, orElse: () => Effect.fail(new BodyTimeout()) })
  )
