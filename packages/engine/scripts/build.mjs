// Builds dist/ from src/ into an emptied folder, so no file of a removed module lives on in
// the package. Plain JavaScript: building the engine needs nothing but TypeScript.
//
// The codec, @toon-format/toon 2.3.1 (MIT), ships inside dist/ (dist/vendor/toon.js, its one
// file as published, with its licence): the engine is pinned to that exact version (its dialect
// rules are measured against it), and one package fewer keeps the library's install within its
// goal of 15 packages (BENCHMARKS.md, "Installed size").
import { execFileSync } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const dist = join(root, "dist")
rmSync(dist, { recursive: true, force: true })
const require = createRequire(import.meta.url)
const tsc = require.resolve("typescript/bin/tsc")
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { cwd: root, stdio: "inherit" })

const codec = "@toon-format/toon"
// Its exports name only its entry, dist/index.mjs: the package's folder is two levels up.
const codecDir = dirname(dirname(require.resolve(codec)))
const { version } = JSON.parse(readFileSync(join(codecDir, "package.json"), "utf8"))
if (version !== "2.3.1") throw new Error(`${codec} ${version} is installed; the engine is built with 2.3.1`)
const licence = readFileSync(join(codecDir, "LICENSE"), "utf8").trim().split("\n").map((line) => ` * ${line}`.trimEnd())
// recursive: a build running at the same time (a test run's buildIfStale) may have made it already.
mkdirSync(join(dist, "vendor"), { recursive: true })
const vendored = join(dist, "vendor", "toon.js")
writeFileSync(
  vendored,
  [`/**`, ` * ${codec} ${version}, as published (dist/index.mjs).`, ` *`, ...licence, ` */`, readFileSync(join(codecDir, "dist", "index.mjs"), "utf8")].join("\n")
)

// Every built module that imports the codec imports the copy instead (relative to itself).
const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".js") ? [join(dir, e.name)] : [])
let rewritten = 0
for (const file of files(dist)) {
  const code = readFileSync(file, "utf8")
  const specifier = `from "${codec}"`
  if (!code.includes(specifier)) continue
  const path = relative(dirname(file), vendored)
  writeFileSync(file, code.replaceAll(specifier, `from "${path.startsWith(".") ? path : `./${path}`}"`))
  rewritten++
}
if (rewritten === 0) throw new Error(`no built module imports ${codec}: the copy would be dead weight`)
