/**
 * Builds `dist/` from `src/` with `tsconfig.build.json`: into an emptied folder, so no file
 * of a removed module lives on in the package, and with the `kaizen` bin made executable.
 *
 * Run: npm run build. Tests import `buildIfStale` to get a `dist/` that matches the sources.
 */
import { execFileSync } from "node:child_process"
import { chmodSync, existsSync, readdirSync, rmSync, statSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const src = join(root, "src")
const dist = join(root, "dist")

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

/**
 * Whether `dist/` is missing, or older than a source or a compiler setting: some `src/` file
 * has no `.js` in `dist/` written after it.
 */
export const isStale = (): boolean => {
  const settings = ["tsconfig.json", "tsconfig.build.json"].map((name) => statSync(join(root, name)).mtimeMs)
  return sources(src).some((file) => {
    const built = join(dist, relative(src, file).replace(/\.ts$/, ".js"))
    if (!existsSync(built)) return true
    const builtAt = statSync(built).mtimeMs
    return builtAt < statSync(file).mtimeMs || settings.some((at) => builtAt < at)
  })
}

/** Builds unless `dist/` is up to date; says which. */
export const buildIfStale = (): boolean => {
  if (!isStale()) return false
  build()
  return true
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) build()
