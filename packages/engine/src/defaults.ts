/**
 * The engine's defaults, on an entry point of their own (`@kaizen-effect/engine/defaults`) so
 * that a client can name them without loading the engine (the codec, a tokenizer). The
 * timeouts and the in-flight limit are for an HTTP server in front of the engine.
 */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024

/** The port the engine's HTTP server listens on unless told otherwise. */
export const DEFAULT_PORT = 8787

/** How long the server waits for a request's line and headers before answering 408: 30 s. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 30_000

/**
 * How long the server waits for a body once its headers are in before answering 408: 30 s.
 * It also bounds how long the rest of a refused upload is read and discarded.
 */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000

/**
 * Request body bytes the server holds at once, across all requests, before answering 503:
 * 64 MiB (six bodies at the default size limit).
 */
export const DEFAULT_MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024

/**
 * JSON values (objects, arrays, strings, numbers, literals) one request body may hold: 6
 * million, more than a body at the default size limit can (`[0,0,...]` is 5.2 million). A
 * value costs far more memory parsed than on the wire; this bounds a server whose body limit
 * is raised. Over it: 413.
 */
export const DEFAULT_MAX_VALUES = 6_000_000

/**
 * JSON values the server holds parsed at once, across all requests, before answering 503: 4
 * million, so bodies of millions of values are taken one at a time (sizing: BENCHMARKS.md,
 * "serve's memory"). A body is always admitted when no other is held.
 */
export const DEFAULT_MAX_IN_FLIGHT_VALUES = 4_000_000
