/**
 * Every README code block runs as written (`npm run test:readme`; CI runs it after the build).
 *
 * A block is tagged by an HTML comment on the line before its fence (GitHub and TypeDoc render
 * nothing for it, and the fence keeps its plain `ts` / `sh` language for highlighting):
 *
 * - `<!-- runnable -->` on a `ts` block: a whole program. It is type-checked against the BUILT
 *   package and run with tsx, offline (`KAIZEN_BASE_URL=local`, no `KAIZEN_API_KEY`); it must
 *   exit 0.
 * - `<!-- runnable server -->` on a `ts` block: a program that serves until stopped. It runs
 *   until it has printed its output, then gets SIGTERM and must exit 0.
 * - `<!-- runnable -->` on a `sh` block: each command line runs in bash (with `pipefail`) as on a
 *   fresh clone (no `KAIZEN_*` variables) and must exit 0. `npm ci`, `npm run build` and
 *   `npm test` are not repeated: CI runs them just before, and the copy has their results.
 * - `<!-- output -->` on a block: what the runnable block before it prints on standard output.
 *   A line `...` stands for any lines, and `...` inside a line for any text.
 * - `<!-- needs-key -->` on a `ts` block: it needs what an offline check lacks (a Kaizen or a
 *   provider key, a proxy, a Redis server); it is type-checked only.
 *
 * Untagged `ts` blocks are fragments; they are listed, so that they stay few.
 *
 * Everything runs in a temporary copy of the repository (its files, `dist/`, and a link to its
 * `node_modules`), so nothing a block writes lands in the repository. There `kaizen-effect`
 * resolves to the built package through the package's own `exports` (Node's and TypeScript's
 * self-reference), exactly the files `npm pack` ships; `scripts/test-pack.ts` checks the tarball
 * itself. All blocks are type-checked in one `tsc` run.
 *
 * Run: npm run build && npm run test:readme. KEEP=1 keeps the copy; README=path checks another file.
 */
import { spawn, spawnSync } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const readmePath = resolve(process.env.README ?? join(root, "README.md"))
const started = Date.now()
const step = (what: string) => console.log(`test:readme ${((Date.now() - started) / 1000).toFixed(1)}s  ${what}`)

type Tag = "runnable" | "runnable server" | "output" | "needs-key" | undefined

interface Block {
  readonly line: number // 1-based line of the block's first code line
  readonly lang: string
  readonly tag: Tag
  readonly code: string
  output?: Block
}

const TAGS: ReadonlyArray<Exclude<Tag, undefined>> = ["runnable", "runnable server", "output", "needs-key"]

/** The fenced blocks, each with the tag in the comment on the line before its fence. */
const parseBlocks = (text: string): Array<Block> => {
  const lines = text.split("\n")
  const blocks: Array<Block> = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(\S*)/.exec(lines[i]!)
    if (open === null) continue
    const end = lines.findIndex((line, j) => j > i && line.startsWith(open[1]!) && line.trim() === open[1])
    if (end === -1) throw new Error(`README.md:${i + 1}: a code fence that is never closed`)
    const comment = /^<!--\s*(.*?)\s*-->$/.exec(lines[i - 1]?.trim() ?? "")
    const tag = comment?.[1] as Tag
    if (comment !== null && !TAGS.includes(tag!)) throw new Error(`README.md:${i}: unknown tag <!-- ${comment[1]} -->`)
    blocks.push({ line: i + 2, lang: open[2]!, tag, code: lines.slice(i + 1, end).join("\n") })
    i = end
  }
  // An output block belongs to the runnable block before it.
  let last: Block | undefined
  for (const block of blocks) {
    if (block.tag === "output") {
      if (last === undefined || last.output !== undefined) {
        throw new Error(`README.md:${block.line}: an output block with no runnable block before it`)
      }
      last.output = block
    } else if (block.tag?.startsWith("runnable")) last = block
  }
  return blocks
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** Whether `actual` is what `expected` shows, `...` standing for what was left out. */
const matches = (expected: string, actual: string): boolean => {
  const tidy = (text: string) => text.split("\n").map((line) => line.trimEnd()).join("\n").trim()
  const pattern = tidy(expected).split("\n").map((line) =>
    line.trim() === "..."
      ? "(?:[^\\n]*\\n)*?" // any whole lines, none included
      : line.split("...").map(escape).join("[^\\n]*") + "\\n"
  ).join("")
  return new RegExp(`^${pattern}$`).test(`${tidy(actual)}\n`)
}

/** The repository as a fresh clone has it after `npm ci && npm run build`, in a new folder. */
const copyRepository = (dir: string): string => {
  const copy = join(dir, "repo")
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8"
  })
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`)
  for (const file of listed.stdout.split("\0").filter((f) => f !== "" && existsSync(join(root, f)))) {
    mkdirSync(dirname(join(copy, file)), { recursive: true })
    cpSync(join(root, file), join(copy, file))
  }
  cpSync(join(root, "dist"), join(copy, "dist"), { recursive: true })
  symlinkSync(join(root, "node_modules"), join(copy, "node_modules"), "dir")
  return copy
}

interface Ran {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

// The environment of a fresh machine: no Kaizen settings, no colour, npm without its banners.
const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", npm_config_loglevel: "silent", ...extra }
  for (const name of Object.keys(env)) {
    if (name.startsWith("KAIZEN_") && !(name in extra)) delete env[name]
  }
  return env
}

const TIMEOUT = 120_000

const runProgram = (file: string, cwd: string, env: NodeJS.ProcessEnv): Ran => {
  const ran = spawnSync(process.execPath, ["--import", "tsx", file], { cwd, env, encoding: "utf8", timeout: TIMEOUT })
  return { status: ran.status, stdout: ran.stdout, stderr: ran.stderr }
}

// A server: run until what it prints matches the expected output, then SIGTERM.
const runServer = (file: string, cwd: string, env: NodeJS.ProcessEnv, expected: string): Promise<Ran> =>
  new Promise((done) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], { cwd, env })
    let stdout = ""
    let stderr = ""
    const stop = () => child.kill("SIGTERM")
    const timer = setTimeout(stop, TIMEOUT)
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      if (matches(expected, stdout)) stop()
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("close", (status) => {
      clearTimeout(timer)
      done({ status, stdout, stderr })
    })
  })

// The steps .ci/run itself runs right before this script; the copy already has their results.
const CI_STEPS = new Set(["npm ci", "npm run build", "npm test"])

const runShell = (block: Block, cwd: string): Ran => {
  let stdout = ""
  for (const raw of block.code.split("\n")) {
    const command = raw.replace(/\s+#.*$/, "").trim()
    if (command === "" || command.startsWith("#")) continue
    if (CI_STEPS.has(command)) {
      step(`  (${command}: done by CI before this script)`)
      continue
    }
    step(`  $ ${command}`)
    const ran = spawnSync("bash", ["-o", "pipefail", "-c", command], {
      cwd,
      env: cleanEnv(),
      encoding: "utf8",
      timeout: TIMEOUT
    })
    stdout += ran.stdout
    if (ran.status !== 0) return { status: ran.status, stdout, stderr: `$ ${command}\n${ran.stderr}` }
  }
  return { status: 0, stdout, stderr: "" }
}

const typeCheck = (programs: ReadonlyArray<{ readonly block: Block; readonly file: string }>, dir: string): Array<string> => {
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        lib: ["ES2022"],
        types: ["node"],
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        noEmit: true,
        skipLibCheck: true
      },
      files: programs.map((p) => p.file)
    }, null, 2)
  )
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
  const ran = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json", "--pretty", "false"], { cwd: dir, encoding: "utf8" })
  if (ran.status === 0) return []
  // block-<line>.ts(l,c): message  →  README.md:<line + l - 1>: message
  return ran.stdout.trim().split("\n").map((line) =>
    line.replace(/^block-(\d+)\.ts\((\d+),(\d+)\)/, (_, first: string, l: string, c: string) =>
      `README.md:${Number(first) + Number(l) - 1}:${c}`)
  )
}

const main = async (): Promise<boolean> => {
  const blocks = parseBlocks(readFileSync(readmePath, "utf8"))
  const ts = blocks.filter((b) => b.lang === "ts")
  const programs = ts.filter((b) => b.tag === "runnable" || b.tag === "runnable server" || b.tag === "needs-key")
  const shells = blocks.filter((b) => b.lang === "sh" && b.tag === "runnable")
  const fragments = ts.filter((b) => b.tag === undefined)
  step(`${programs.length} TypeScript programs (${programs.filter((b) => b.tag === "needs-key").length} type-checked only), ` +
    `${shells.length} shell blocks, ${fragments.length} untagged fragments` +
    (fragments.length > 0 ? ` (lines ${fragments.map((b) => b.line).join(", ")})` : ""))
  if (!existsSync(join(root, "dist", "index.js"))) throw new Error("no dist/: run npm run build first")

  const dir = mkdtempSync(join(tmpdir(), "kaizen-readme-"))
  const failures: Array<string> = []
  try {
    const copy = copyRepository(dir)
    const blockDir = join(copy, "readme-blocks")
    mkdirSync(blockDir)
    const files = programs.map((block) => {
      const file = `block-${block.line}.ts`
      // `export {}` makes each block a module of its own, after its last line (so lines match).
      writeFileSync(join(blockDir, file), `${block.code}\nexport {}\n`)
      return { block, file }
    })

    step(`tsc: ${files.length} blocks against the built package`)
    failures.push(...typeCheck(files, blockDir))

    const env = cleanEnv({ KAIZEN_BASE_URL: "local", TSX_TSCONFIG_PATH: join(blockDir, "tsconfig.json") })
    for (const { block, file } of files) {
      if (block.tag === "needs-key") continue
      step(`run README.md:${block.line}`)
      const path = join(blockDir, file)
      const ran = block.tag === "runnable server"
        ? await runServer(path, copy, env, block.output?.code ?? "...")
        : runProgram(path, copy, env)
      check(block, ran, failures)
    }
    for (const block of shells) {
      step(`run README.md:${block.line} (sh)`)
      check(block, runShell(block, copy), failures)
    }
  } finally {
    const keep = process.env.KEEP === "1" || failures.length > 0
    if (keep) console.log(`test:readme: the copy is in ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  }
  for (const failure of failures) console.error(failure)
  step(failures.length === 0 ? "ok" : `${failures.length} failure(s)`)
  return failures.length === 0
}

const check = (block: Block, ran: Ran, failures: Array<string>) => {
  if (ran.status !== 0) {
    failures.push(`README.md:${block.line}: exit code ${ran.status}\n${ran.stderr}${ran.stdout}`)
  } else if (block.output !== undefined && !matches(block.output.code, ran.stdout)) {
    failures.push(`README.md:${block.line}: prints what README.md:${block.output.line} does not show:\n${ran.stdout}`)
  }
}

main().then(
  (ok) => {
    if (!ok) process.exitCode = 1
  },
  (error: Error) => {
    console.error(`test:readme failed: ${error.message}`)
    process.exitCode = 1
  }
)
