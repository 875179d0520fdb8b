/**
 * A request body off a `node:http` socket, decoded as its `Content-Encoding` says, as a Stream
 * that reads only as far as it is pulled; and the rest of a refused body read and dropped
 * (the Effect 3 line does both in src/local/server.ts, over `@effect/platform-node`'s streams,
 * which this line does not depend on).
 *
 * @internal
 */
import type * as Arr from "effect/Array"
import * as Cause from "effect/Cause"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Pull from "effect/Pull"
import * as Stream from "effect/Stream"
import type { Readable, Transform } from "node:stream"
import * as zlib from "node:zlib"
import type { BodyProblem, Coding } from "./requestBody.js"
import { BodyTooLarge, ClientGone, Undecodable } from "./requestBody.js"

// Decoders stream with backpressure: they inflate only as far as the reader pulls, so stopping
// the read at the limit stops the decoding there too.
const decoders: { readonly [C in Coding]: () => Transform } = {
  gzip: () => zlib.createGunzip(),
  "x-gzip": () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress()
}

/**
 * The next chunk of `readable`, or done at its end. Read with `read()` one pull at a time, so
 * nothing is taken off the socket (or inflated) that the reader has not asked for; a stream
 * closed before its end is the client gone.
 */
const pullFrom = (
  readable: Readable,
  failure: (error: unknown) => BodyProblem
): Pull.Pull<Arr.NonEmptyReadonlyArray<Uint8Array>, BodyProblem> =>
  Effect.callback((resume) => {
    const attempt = (): boolean => {
      if (readable.errored) resume(Effect.fail(failure(readable.errored)))
      else {
        const chunk = readable.read() as Buffer | null
        if (chunk !== null) resume(Effect.succeed([chunk]))
        else if (readable.readableEnded) resume(Cause.done())
        else if (readable.destroyed) resume(Effect.fail(new ClientGone()))
        else return false
      }
      return true
    }
    if (attempt()) return
    const cleanup = () => {
      readable.off("readable", onEvent).off("end", onEvent).off("error", onEvent).off("close", onEvent)
    }
    const onEvent = () => {
      if (attempt()) cleanup()
    }
    readable.on("readable", onEvent).on("end", onEvent).on("error", onEvent).on("close", onEvent)
    return Effect.sync(cleanup)
  })

const ignore = () => {}

/**
 * The body of `source` (an `http.IncomingMessage`) as it arrives, decoded. The source is never
 * destroyed here: if reading stops early it stays open, paused, for `discardRest`, since
 * destroying it would reset a client still sending, before it reads the answer.
 *
 * When decoding, Node's `pipe` carries the backpressure (the decoder takes input only as its
 * output is read). The bytes received count against the limit as well as the bytes decoded.
 */
export const bodyStream = (
  source: Readable,
  coding: Coding | undefined,
  maxBodyBytes: number
): Stream.Stream<Uint8Array, BodyProblem> => {
  if (coding === undefined) return Stream.fromPull(Effect.succeed(pullFrom(source, () => new ClientGone())))
  const piped = Effect.acquireRelease(
    Effect.sync(() => {
      const decoder = decoders[coding]()
      // Always listened to: `pipe` re-emits a destination's error, which would otherwise throw.
      decoder.on("error", ignore)
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
  )
  return Stream.unwrap(Effect.map(piped, ({ decoder }) =>
    Stream.fromPull(Effect.succeed(pullFrom(
      decoder,
      (error) => error instanceof BodyTooLarge || error instanceof ClientGone ? error : new Undecodable({ coding })
    )))))
}

/**
 * Reads and discards what is left of the body of `source` until it ends, the client goes away,
 * or `within` has passed. A server that closes a connection while the client is still sending
 * makes the client's TCP stack report a reset, often before the client has read the answer.
 */
export const discardRest = (source: Readable, within: Duration.Duration): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    if (source.readableEnded || source.destroyed) return resume(Effect.void)
    // Read as `pullFrom` reads, not by `resume()`: once a stream has had `readable` listeners,
    // whether `resume()` makes it flow depends on the order of Node's next ticks.
    const drain = () => {
      while (source.read() !== null) {
        // dropped
      }
    }
    const cleanup = () => {
      source.off("readable", drain).off("end", done).off("close", done).off("error", done)
    }
    const done = () => {
      cleanup()
      resume(Effect.void)
    }
    source.on("readable", drain).on("end", done).on("close", done).on("error", done)
    drain()
    return Effect.sync(cleanup)
  }).pipe(Effect.timeoutOption(within), Effect.asVoid)
