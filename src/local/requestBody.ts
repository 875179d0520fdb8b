/**
 * A request body read off a Node socket within the server's bounds: a size limit on the bytes
 * received and on the bytes decoded, a share of the in-flight budget grown as bytes arrive, a
 * deadline, and `Content-Encoding` decoded as it streams (so a decompression bomb stops at the
 * limit). Node-only, like the server that uses it.
 *
 * @internal
 */
import * as NodeStream from "@effect/platform-node/NodeStream"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import type { Readable } from "node:stream"
import * as zlib from "node:zlib"
import { join } from "./body.js"
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

// Decoders stream with backpressure: they inflate only as far as the reader pulls, so stopping
// the read at the limit stops the decoding there too.
const decoders = {
  gzip: () => zlib.createGunzip(),
  "x-gzip": () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress()
} as const

/** A content coding the server decodes. */
export type Coding = keyof typeof decoders

/** What an `Accept-Encoding` answer lists. */
export const acceptedCodings = "gzip, deflate, br"

/**
 * The coding a `Content-Encoding` header names: `undefined` for none (or `identity`), and the
 * header itself, as a Left, when it is not one coding the server decodes. Stacked codings are
 * refused: each decoder costs a window of memory, and a header can name thousands.
 */
export const codingOf = (header: string | undefined): Either.Either<Coding | undefined, string> => {
  const codings = (header ?? "").split(",").map((c) => c.trim().toLowerCase()).filter((c) => c !== "" && c !== "identity")
  if (codings.length === 0) return Either.right(undefined)
  const [coding] = codings
  return codings.length === 1 && Object.hasOwn(decoders, coding!) ? Either.right(coding as Coding) : Either.left(header!)
}

/** What bounds one body. */
export interface Bounds {
  /** Bytes received, and bytes decoded, over this are a {@link BodyTooLarge}. */
  readonly maxBodyBytes: number
  /** The whole body must arrive within this. */
  readonly timeout: Duration.Duration
}

/**
 * The decoded body of `source`, streamed. Node's `pipe` carries the backpressure (the decoder
 * takes input only as its output is read); `NodeStream.pipeThroughDuplex` does not wait for
 * `drain` after the last piece of each chunk, so the decoder's input buffer would grow with
 * whatever the client sends. The bytes received count against the limit too.
 */
const decode = (source: Readable, coding: Coding, maxBodyBytes: number): Stream.Stream<Uint8Array, BodyProblem> =>
  Stream.unwrapScoped(Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => {
        const decoder = decoders[coding]()
        let received = 0
        const count = (chunk: Buffer) => {
          received += chunk.byteLength
          if (received > maxBodyBytes) decoder.destroy(new BodyTooLarge())
        }
        const gone = () => decoder.destroy(new ClientGone())
        source.on("data", count).on("error", gone).on("aborted", gone)
        source.pipe(decoder)
        return { decoder, count, gone }
      }),
      ({ count, decoder, gone }) =>
        Effect.sync(() => {
          source.off("data", count).off("error", gone).off("aborted", gone)
          source.unpipe(decoder)
          decoder.destroy()
        })
    ),
    ({ decoder }) =>
      NodeStream.fromReadable<BodyProblem>(
        () => decoder,
        (error) => error instanceof BodyTooLarge || error instanceof ClientGone ? error : new Undecodable({ coding })
      )
  ))

/**
 * The body of `source` (an `http.IncomingMessage`), decoded. On failure the source is left
 * open, paused where reading stopped, for {@link discardRest}: destroying it would reset a
 * client still sending, before it reads the answer.
 */
export const read = (
  source: Readable,
  coding: Coding | undefined,
  bounds: Bounds,
  share: Share
): Effect.Effect<Uint8Array, BodyProblem> => {
  const body = coding === undefined
    ? NodeStream.fromReadable<BodyProblem>(() => source, () => new ClientGone(), { closeOnDone: false })
    : decode(source, coding, bounds.maxBodyBytes)
  return body.pipe(
    Stream.runFoldEffect({ size: 0, chunks: [] as Array<Uint8Array> }, (acc, chunk): Effect.Effect<
      { size: number; chunks: Array<Uint8Array> },
      BodyProblem
    > => {
      const size = acc.size + chunk.byteLength
      if (size > bounds.maxBodyBytes) return Effect.fail(new BodyTooLarge())
      if (!share.cover(size)) return Effect.fail(new ServerBusy())
      acc.chunks.push(chunk)
      return Effect.succeed({ size, chunks: acc.chunks })
    }),
    Effect.map(({ chunks, size }) => join(chunks, size)),
    // The HTTP server runs each request uninterruptibly; the deadline must be able to stop this.
    Effect.interruptible,
    Effect.timeoutFail({ duration: bounds.timeout, onTimeout: () => new BodyTimeout() })
  )
}

/**
 * Reads and discards what is left of the body of `source` until it ends, the client goes away,
 * or `within` has passed. A server that closes a connection while the client is still sending
 * makes the client's TCP stack report a reset, often before the client has read the answer.
 */
export const discardRest = (source: Readable, within: Duration.Duration): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    if (source.readableEnded || source.destroyed) return resume(Effect.void)
    const done = () => {
      source.off("end", done).off("close", done).off("error", done)
      resume(Effect.void)
    }
    source.on("end", done).on("close", done).on("error", done)
    source.resume()
    return Effect.sync(() => source.off("end", done).off("close", done).off("error", done))
  }).pipe(Effect.interruptible, Effect.timeoutOption(within), Effect.asVoid)
