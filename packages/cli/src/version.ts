/**
 * The `kaizen` command's version, what `kaizen --version` and the root help print: this
 * package's, which a test keeps equal to its package.json's (so the bin reads no JSON at start).
 *
 * @internal
 */
export const version = "0.1.0"
