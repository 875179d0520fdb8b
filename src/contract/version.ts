/**
* The package version, sent in the `User-Agent` and the engine's health answer. A test keeps it equal to package.json's, so
 * the built code needs no JSON import at run time.
 *
 * @internal
 */
export const version = "0.1.0"
