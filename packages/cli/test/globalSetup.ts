/**
 * The CLI tests run the built bin, so the `dist/`s must match the sources: built here, once per
 * test run, when it is missing or older than a source (CI has built it already).
 */
import { buildIfStale } from "../../../scripts/build.js"

export default function setup(): void {
  buildIfStale()
}
