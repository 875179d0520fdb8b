/**
 * Each package as a user gets it: `npm pack`, then for each package a new, empty project in a
 * temporary folder that installs its tarball (with the unpublished packages it needs, from
 * their tarballs, and its peers from the registry) and runs it:
 *
 * - `@kaizen-effect/engine` alone (`pack/engine.ts`): import, require, strict tsc, a compress
 *   through its handler, the missing-tokenizer error;
 * - `kaizen-effect` (`pack/library.ts`): the README's install line, its size and package count
 *   (at most 70 MB and 15 packages), import, require, `KAIZEN_BASE_URL=local`, `serve` without
 *   its optional peer, strict tsc, a browser program, the cache without ioredis;
 * - `@kaizen-effect/cli` (`pack/cli.ts`): `npx kaizen compress prompt.json --local`, token
 *   counts, `kaizen --version`.
 *
 * Each tarball holds its `dist/`, README, LICENSE and package.json only (the CLI also its bin).
 *
 * Run: npm run test:pack (CI runs it after npm test). KEEP=1 keeps the folder for a look.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { checkCli } from "./pack/cli.js"
import { checkEngine } from "./pack/engine.js"
import { checkLibrary } from "./pack/library.js"
import { expectEqual, npm, root, run, step, type Tarballs } from "./pack/support.js"

interface Packed {
  readonly filename: string
  readonly files: ReadonlyArray<{ readonly path: string }>
}

/** Packs one package (the root when `workspace` is left out) and checks what the tarball holds. */
const pack = (dir: string, needed: ReadonlyArray<string>, allowed: (path: string) => boolean, workspace?: string): string => {
  const args = ["pack", "--json", "--pack-destination", dir, ...(workspace === undefined ? [] : ["-w", workspace])]
  const { filename, files } = (JSON.parse(run(npm, args, root)) as Array<Packed>)[0]!
  const paths = files.map((f) => f.path)
  expectEqual(`${filename}: files other than its build, README, LICENSE and package.json`, paths.filter((p) => !allowed(p)), [])
  for (const path of needed) if (!paths.includes(path)) throw new Error(`${filename} has no ${path}`)
  step(`${filename}: ${files.length} files`)
  return join(dir, filename)
}

const common = (path: string) => ["README.md", "LICENSE", "package.json"].includes(path)
const built = (path: string) => path.startsWith("dist/") && /\.(js|d\.ts)$/.test(path)

const main = () => {
  const dir = mkdtempSync(join(tmpdir(), "kaizen-pack-"))
  let ok = false
  try {
    step("npm pack (the root's prepack builds every package's dist/ first)")
    const library = pack(
      dir,
      ["dist/index.js", "dist/index.d.ts", "dist/KaizenAi.d.ts", "dist/KaizenCache.d.ts", "dist/KaizenNode.d.ts", "LICENSE", "README.md"],
      (path) => common(path) || built(path)
    )
    const engine = pack(dir, ["dist/index.js", "dist/index.d.ts", "dist/json/index.js", "LICENSE", "README.md"], (path) => common(path) || built(path), "@kaizen-effect/engine")
    const cli = pack(
      dir,
      ["bin/kaizen.js", "dist/main.js", "LICENSE", "README.md"],
      (path) => common(path) || path === "bin/kaizen.js" || (path.startsWith("dist/") && path.endsWith(".js")),
      "@kaizen-effect/cli"
    )
    const tarballs: Tarballs = { dir, engine, library, cli }
    const sizes = { engine: checkEngine(tarballs), library: checkLibrary(tarballs), cli: checkCli(tarballs) }
    for (const [name, size] of Object.entries(sizes)) {
      console.log(`test:pack installed: ${name.padEnd(7)} ${size.megabytes.toFixed(1).padStart(6)} MB in ${String(size.packages).padStart(3)} packages`)
    }
    ok = true
    step("ok")
  } finally {
    if (process.env.KEEP === "1" || !ok) console.log(`test:pack: the projects are in ${dir}`)
    if (process.env.KEEP !== "1" && ok) rmSync(dir, { recursive: true, force: true })
  }
}

try {
  main()
} catch (error) {
  console.error(`test:pack failed: ${(error as Error).message}`)
  process.exitCode = 1
}
