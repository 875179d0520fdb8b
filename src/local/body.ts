/**
 * Reads a streamed request body, stopping one byte past the limit: that is enough to know the
 * answer is 413, and a client sending gigabytes is never buffered.
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** The chunks as one array of `size` bytes. */
export const join = (chunks: Iterable<Uint8Array>, size: number): Uint8Array => {
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/** The stream's bytes, or the first `maxBodyBytes + 1` or more of them. */
export const collect = <E>(stream: Stream.Stream<Uint8Array, E>, maxBodyBytes: number): Effect.Effect<Uint8Array, E> =>
  stream.pipe(
    Stream.runFoldWhile(
      { size: 0, chunks: Chunk.empty<Uint8Array>() },
      (acc) => acc.size <= maxBodyBytes,
      (acc, chunk) => ({ size: acc.size + chunk.byteLength, chunks: Chunk.append(acc.chunks, chunk) })
    ),
    Effect.map(({ chunks, size }) => join(chunks, size))
  )
