/**
 * The engine's defaults, in a module of their own so that the public `KaizenLocal` module can
 * name them without loading the engine (the codec and the tokenizer load on first use).
 *
 * @internal
 */

/** Bodies larger than this many bytes are answered 413: 10 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024

/** The port the engine's HTTP server listens on unless told otherwise. */
export const DEFAULT_PORT = 8787
