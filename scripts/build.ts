/**
 * Builds the library's `dist/` from `src/` with `tsconfig.build.json`, into an emptied folder,
 * so no file of a removed module lives on in the package. The packages build in the order of
 * their arrows: the engine (packages/engine/dist), which the library's `dist/` imports, then the
 * library, then the CLI (packages/cli/dist), whose bundle is made from the other two's `dist/`.
 * `buildIfStale` rebuilds each one that is behind its sources or behind one it is built from.
 *
 * Run: npm run build (all three). Tests import `buildIfStale` to get `dist/`s that match the sources.
 */
import { execFileSync } from "node:child_process"
import { existsSync, readdirSync, rmSync, statSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const dist = join(root, "dist")
const engine = join(root, "packages", "engine")
const cli = join(root, "packages", "cli")

/** The built `kaizen` command. */
export const bin = join(cli, "dist", "main.js")

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
}

/** Builds a workspace package's `dist/` with its own build script. */
const buildPackage = (base: string): void => {
  execFileSync(process.execPath, [join(base, "scripts", "build.mjs")], { cwd: base, stdio: "inherit" })
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

/**
 * Whether the CLI's bundle is missing, or older than one of its sources, its settings, its
 * build script, or the library's or the engine's `dist/` it holds.
 */
const isBundleStale = (): boolean => {
  if (!existsSync(bin)) return true
  const builtAt = statSync(bin).mtimeMs
  const inputs = [
    ...sources(join(cli, "src")),
    ...["tsconfig.json", "tsconfig.build.json", join("scripts", "build.mjs")].map((name) => join(cli, name)),
    join(dist, "index.js"),
    join(engine, "dist", "index.js")
  ]
  return inputs.some((file) => !existsSync(file) || builtAt < statSync(file).mtimeMs)
}

/** Whether the library's `dist/` is behind its sources. */
export const isStale = (): boolean => isStaleAt(root)

/**
 * Builds the engine, the library and the CLI, each unless its `dist/` is up to date and none
 * it is built from was rebuilt; says whether anything was built.
 */
export const buildIfStale = (): boolean => {
  const engineStale = isStaleAt(engine)
  if (engineStale) buildPackage(engine)
  // The library's declarations and code are compiled against the engine's dist/.
  const libraryStale = engineStale || isStale()
  if (libraryStale) build()
  // The CLI's bundle holds the library's and the engine's dist/.
  const cliStale = libraryStale || isBundleStale()
  if (cliStale) buildPackage(cli)
  return cliStale
}

// `npm run build` runs the engine's, this (the library's) and the CLI's build scripts in turn.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) build()
