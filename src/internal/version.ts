/**
 * The package version, sent in the `User-Agent`. A test keeps it equal to package.json's, so
 * the built code needs no JSON import at run time.
 *
 * @internal
 */
export const version = "0.1.0"
