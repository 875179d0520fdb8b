/**
 * What the pack checks share: running a command, comparing, a new empty project that installs
 * tarballs, and measuring what an install put in node_modules (size and package count).
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export const root = fileURLToPath(new URL("../..", import.meta.url))
export const npm = process.platform === "win32" ? "npm.cmd" : "npm"
export const npx = process.platform === "win32" ? "npx.cmd" : "npx"
/** This repository's TypeScript, which every consumer is checked with. */
export const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")

const started = Date.now()
export const step = (what: string) => console.log(`test:pack ${((Date.now() - started) / 1000).toFixed(1)}s  ${what}`)

export const run = (command: string, args: ReadonlyArray<string>, cwd: string, env?: NodeJS.ProcessEnv): string => {
  try {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: env ?? process.env })
  } catch (error) {
    const { stderr, stdout } = error as { stdout?: string; stderr?: string }
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}\n${stdout ?? ""}${stderr ?? ""}`)
  }
}

/** Runs an ES module program in `cwd` and gives what it printed. */
export const node = (source: string, cwd: string, env?: NodeJS.ProcessEnv): string =>
  run(process.execPath, ["--input-type=module", "-e", source], cwd, env)

export const expectEqual = (what: string, actual: unknown, expected: unknown) => {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}:\n  expected ${JSON.stringify(expected)}\n  got      ${JSON.stringify(actual)}`)
  }
}

/** The tarballs of the three packages, in the folder the checks share. */
export interface Tarballs {
  readonly dir: string
  readonly engine: string
  readonly library: string
  readonly cli: string
}

/** A new, empty project in `dir/name` that installs `specs` (tarball paths and registry names). */
export const project = (dir: string, name: string, specs: ReadonlyArray<string>): string => {
  const path = join(dir, name)
  mkdirSync(path)
  writeFileSync(join(path, "package.json"), JSON.stringify({ name, private: true, version: "0.0.0", type: "module" }))
  step(`${name}: npm install ${specs.map((s) => s.replace(`${dir}/`, "")).join(" ")}`)
  run(npm, ["install", ...specs, "--no-audit", "--no-fund", "--prefer-offline"], path)
  return path
}

/** Type-checks `files` in `cwd` with strict settings and the given overrides. */
export const typeCheck = (cwd: string, name: string, files: Record<string, string>, options: Record<string, unknown> = {}) => {
  for (const [file, text] of Object.entries(files)) writeFileSync(join(cwd, file), text)
  const config = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      // The installed declaration files are checked too, the package's own included.
      skipLibCheck: false,
      types: ["node"],
      typeRoots: [join(root, "node_modules", "@types")],
      ...options
    },
    files: Object.keys(files)
  }
  writeFileSync(join(cwd, `tsconfig.${name}.json`), JSON.stringify(config, null, 2))
  run(process.execPath, [tsc, "-p", `tsconfig.${name}.json`], cwd)
}

/** The packages an install put in `node_modules` (nested ones too; links and `.bin` not counted). */
const packagesIn = (modules: string): Array<string> =>
  !existsSync(modules) ? [] : readdirSync(modules, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith(".") || !entry.isDirectory()) return []
    const path = join(modules, entry.name)
    if (entry.name.startsWith("@")) return packagesIn(path).map((name) => `${entry.name}/${name}`)
    return existsSync(join(path, "package.json")) ? [entry.name, ...packagesIn(join(path, "node_modules"))] : []
  })

/** What an install weighs: MB on disk (`du -sk node_modules`) and the packages in it. */
export const measure = (projectDir: string): { readonly megabytes: number; readonly packages: ReadonlyArray<string> } => {
  const modules = join(projectDir, "node_modules")
  const kilobytes = Number(run("du", ["-sk", modules], projectDir).split("\t")[0])
  return { megabytes: kilobytes / 1024, packages: packagesIn(modules) }
}
