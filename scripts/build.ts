/**
 * Builds `dist/` from `src/` with `tsconfig.build.json`: into an emptied folder, so no file
 * of a removed module lives on in the package, and with the `kaizen` bin made executable.
 * The library's `dist/` imports the engine's (packages/engine/dist), so `buildIfStale` builds
 * that first when it is behind its sources.
 *
 * Run: npm run build. Tests import `buildIfStale` to get a `dist/` that matches the sources.
 */
import { execFileSync } from "node:child_process"
import { chmodSync, existsSync, readdirSync, rmSync, statSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const dist = join(root, "dist")
const engine = join(root, "packages", "engine")

/** The built `kaizen` executable. */
export const bin = join(dist, "cli", "main.js")

const sources = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? sources(path) : entry.name.endsWith(".ts") ? [path] : []
  })

/** Builds `dist/` from scratch. */
export const build = (): void => {
  rmSync(dist, { recursive: true, force: true })
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { cwd: root, stdio: "inherit" })
  chmodSync(bin, 0o755)
}

/** Builds the engine package's `dist/` (its own build script). */
export const buildEngine = (): void => {
  execFileSync(process.execPath, [join(engine, "scripts", "build.mjs")], { cwd: engine, stdio: "inherit" })
}

/**
 * Whether a package's `dist/` is missing, or older than a source or a compiler setting: some
 * `src/` file has no `.js` in `dist/` written after it.
 */
const isStaleAt = (base: string): boolean => {
  const settings = ["tsconfig.json", "tsconfig.build.json"].map((name) => statSync(join(base, name)).mtimeMs)
  const from = join(base, "src")
  return sources(from).some((file) => {
    const built = join(base, "dist", relative(from, file).replace(/\.ts$/, ".js"))
    if (!existsSync(built)) return true
    const builtAt = statSync(built).mtimeMs
    return builtAt < statSync(file).mtimeMs || settings.some((at) => builtAt < at)
  })
}

/** Whether the library's `dist/` is behind its sources. */
export const isStale = (): boolean => isStaleAt(root)

/** Builds the engine, then the library, each unless its `dist/` is up to date; says whether anything was built. */
export const buildIfStale = (): boolean => {
  const engineStale = isStaleAt(engine)
  if (engineStale) buildEngine()
  // The library's declarations and code are compiled against the engine's dist/.
  if (!engineStale && !isStale()) return false
  build()
  return true
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) build()
