/**
 * Loading the engine's HTTP server (`server.ts`), which needs `@effect/platform-node`: an
 * optional peer of the library, since only `KaizenLocal.serve` uses it. When it is not
 * installed, the defect says so and how to install it, instead of Node's bare "cannot find
 * package". Like the cache's optional peers, a missing package is a defect: nothing to retry.
 *
 * @internal
 */
import * as Effect from "effect/Effect"

/** The peer `KaizenLocal.serve` needs, and the line that installs it (the library's peer range). */
export const PLATFORM_NODE = "@effect/platform-node"
export const INSTALL_PLATFORM_NODE = "npm install @effect/platform-node@^0.108.2"

/** Whether a failed `import()` failed because `name` is not installed (Node's ESM and CJS codes). */
export const isMissingPackage = (error: unknown, name: string): boolean => {
  if (typeof error !== "object" || error === null) return false
  const { code, message } = error as { readonly code?: unknown; readonly message?: unknown }
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    typeof message === "string" && (message.includes(`'${name}'`) || message.includes(`'${name}/`))
}

/** Runs `load` (the server module's `import()`, or a stand-in in tests). */
export const loadServer = <A>(load: () => Promise<A>): Effect.Effect<A> =>
  Effect.orDieWith(
    Effect.tryPromise(load),
    ({ error }) =>
      isMissingPackage(error, PLATFORM_NODE)
        ? new Error(
          `KaizenLocal.serve needs ${PLATFORM_NODE}, an optional peer dependency of kaizen-effect that is not installed: ${INSTALL_PLATFORM_NODE}`,
          { cause: error }
        )
        : error
  )
