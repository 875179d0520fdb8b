/**
 * The package built for the tests' worker processes, from the sources under test: emitted by
 * the package's own TypeScript into a folder of this run under node_modules/.cache (so the
 * package's dependencies resolve from it), never into dist/, which other builds replace while
 * tests run. The options are the package's tsconfig.json (the one file every copy of the
 * package's sources has, scripts/effect4.sh --lowest's too) with the sources as the only input.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { execFile } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..")

/** Builds into a new folder and resolves with it (KaizenCache.js, KaizenNode.js, index.js, ...). */
export const build = (): Promise<string> => {
  const parent = join(root, "node_modules", ".cache", "kaizen-cache-tests")
  mkdirSync(parent, { recursive: true })
  const outDir = mkdtempSync(join(parent, "build-"))
  const project = `${outDir}.tsconfig.json`
  writeFileSync(project, JSON.stringify({
    extends: join(root, "tsconfig.json"),
    compilerOptions: { rootDir: join(root, "src"), outDir, noEmit: false, declaration: false, sourceMap: false },
    include: [join(root, "src")]
  }))
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
  return new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [tsc, "-p", project], { cwd: root }, (error, stdout) => {
      rmSync(project, { force: true })
      // A type error elsewhere in the package still emits; the cache's modules are what matter.
      if (existsSync(join(outDir, "KaizenCache.js"))) resolve(outDir)
      else reject(new Error(`the test build emitted nothing: ${error?.message}\n${stdout}`))
    })
  )
}

export const remove = (outDir: string): void => rmSync(outDir, { recursive: true, force: true })

/** A build for the scope, removed when it closes. */
export const make: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(build),
  (outDir) => Effect.sync(() => remove(outDir))
)
