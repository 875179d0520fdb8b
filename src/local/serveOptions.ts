/**
 * What `serve` takes and gives, apart from the server itself so that the types users see
 * reach no Node types.
 */
import type * as Duration from "effect/Duration"

/** Where and how to serve. */
export interface ServeOptions {
  /** Bodies larger than this many bytes are answered 413 (default 10 MiB). */
  readonly maxBodyBytes?: number | undefined
  /** Default 8787; `0` picks a free port. */
  readonly port?: number | undefined
  /** Default `127.0.0.1`: the engine is for this machine unless you say otherwise. */
  readonly host?: string | undefined
  /**
   * How long a request's line and headers may take to arrive (default 30 seconds); then the
   * server answers 408 and closes the connection. `Duration.infinity` waits forever.
   */
  readonly headersTimeout?: Duration.DurationInput | undefined
  /**
   * How long a body may take to arrive once its headers are in (default 30 seconds); then 408
   * and the connection closes. It also bounds how long the rest of a refused upload is read and
   * discarded before the connection closes. `Duration.infinity` waits forever.
   */
  readonly bodyTimeout?: Duration.DurationInput | undefined
  /**
   * Request body bytes held at once across all requests (default 64 MiB). A request whose body
   * would pass it is answered 503 with `Retry-After: 1`; a body is always admitted when no
   * other is held, so a value below `maxBodyBytes` takes large bodies one at a time.
   */
  readonly maxInFlightBytes?: number | undefined
  /**
   * JSON values (objects, arrays, strings, numbers, literals) one body may hold (default 6
   * million, more than a 10 MiB body can); over it, 413. Counted on the bytes before parsing.
   */
  readonly maxValues?: number | undefined
  /**
   * JSON values held parsed at once across all requests (default 4 million): what bounds
   * memory, since a value costs far more parsed than on the wire (a `{}` is 3 bytes sent and an
   * object once parsed). A request whose values would pass it is answered 503 with
   * `Retry-After: 1`; a body is always admitted when no other is held.
   */
  readonly maxInFlightValues?: number | undefined
}

/** Where the server listens, once it does. */
export interface Address {
  readonly hostname: string
  readonly port: number
  /** The base URL to give a client, e.g. `http://127.0.0.1:8787`. */
  readonly url: string
}
