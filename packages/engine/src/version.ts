/**
 * The engine package's version, named in the health answer. A test keeps it equal to
 * package.json's, so the built code needs no JSON import at run time.
 */
export const ENGINE_VERSION = "0.1.0"
