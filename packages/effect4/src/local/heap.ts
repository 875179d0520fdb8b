/**
 * A full garbage collection after a request that parsed many values (the Effect 3 line's, in
 * its src/local/server.ts). Such a request leaves its parsed values as garbage promoted to V8's
 * old generation, which V8 lets grow far before it collects, so a few such requests in a row
 * take the server's RSS well past what one needs although only one is ever parsed at a time
 * (BENCHMARKS.md, "serve's memory"). Collecting a heap that is mostly garbage is cheap against
 * the request itself. `gc` is V8's, reached without `--expose-gc` on the command line; if it
 * cannot be had, nothing is collected early.
 *
 * @internal
 */
import * as v8 from "node:v8"
import * as vm from "node:vm"

let collect: (() => void) | null | undefined

const gcFunction = (): (() => void) | null => {
  if (collect !== undefined) return collect
  try {
    v8.setFlagsFromString("--expose-gc")
    const gc: unknown = vm.runInNewContext("gc")
    collect = typeof gc === "function" ? () => gc() : null
  } catch {
    collect = null
  }
  return collect
}

/** Values past which a request's garbage is collected at once: a quarter of the default budget. */
export const COLLECT_AFTER_VALUES = 1_000_000

/** Collects the garbage of a request that parsed `values` values, if that is many. */
export const afterRequest = (values: number): void => {
  if (values >= COLLECT_AFTER_VALUES) gcFunction()?.()
}
