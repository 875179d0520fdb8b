/**
 * The `kaizen` command as a user types it, in a shell, compared with committed golden output
 * (`golden/*.txt`; after a deliberate change, `npx vitest run packages/cli/test/golden.test.ts -u`
 * rewrites them, and the diff is reviewed like code):
 *
 * - piped: standard output and standard error apart, as a script sees them;
 * - on a pseudo-terminal (`script(1)`): both streams as the person at the terminal sees them,
 *   with and without `NO_COLOR`.
 *
 * Inputs are relative paths in a scratch folder and the one port that varies is replaced with
 * `PORT`, so the output is the same on every machine. Runs start one at a time: each is a Node
 * process, and the machine may be busy.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { chmodSync, mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { commandNames } from "../src/help.js"
import { bin, fakeApi, inProcess, PROCESS_TIMEOUT, type Run, shell, tempDir } from "./support.js"

let scratch: ReturnType<typeof tempDir>
let closedUrl = ""

beforeAll(async () => {
  scratch = tempDir()
  const binDir = join(scratch.path, "bin")
  mkdirSync(binDir)
  // `kaizen` on the PATH, as `npm install -g` or `npx` would put it.
  writeFileSync(join(binDir, "kaizen"), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`)
  chmodSync(join(binDir, "kaizen"), 0o755)
  mkdirSync(join(scratch.path, "data"))
  writeFileSync(join(scratch.path, "data", "users.json"), JSON.stringify({ users: [{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }] }, null, 2))
  writeFileSync(join(scratch.path, "data", "orders.json"), JSON.stringify({ orders: [{ id: "A-1", total: 19 }, { id: "B-2", total: 120 }] }))
  writeFileSync(join(scratch.path, "data", "broken.json"), "{ \"orders\": [ }\n")
  // A port nothing listens on: the network is down.
  const closed = await fakeApi(() => ({ status: 200, body: {} }))
  await closed.close()
  closedUrl = closed.url
})

afterAll(() => scratch.remove())

const env = () => ({ PATH: `${join(scratch.path, "bin")}:${process.env.PATH ?? ""}`, SHELL: "/bin/sh" })

// Makes the variable parts fixed, and the invisible ones visible.
const normalize = (text: string): string =>
  text
    .replaceAll(closedUrl, "http://127.0.0.1:PORT")
    .replaceAll(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT")
    .replaceAll("\x1b", "\\x1b")

const piped = (commandLine: string, run: Run): string =>
  normalize(`$ ${commandLine}\n[exit ${run.code}]\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`)

// On a terminal the two streams are one, and line ends are \r\n: shown as \n, a lone \r as \r.
const onTerminal = (commandLine: string, run: Run): string =>
  normalize(`$ ${commandLine}\n[exit ${run.code}]\n--- terminal\n${run.stdout.replaceAll("\r\n", "\n").replaceAll("\r", "\\r")}`)

const scriptCommand = (commandLine: string) => `script -qec '${commandLine}' /dev/null`

const golden = (name: string) => join(import.meta.dirname, "golden", `${name}.txt`)

describe("kaizen as typed in a shell, piped", () => {
  const cases: ReadonlyArray<readonly [name: string, commandLine: string, extraEnv?: Record<string, string>]> = [
    ["no-arguments", "kaizen"],
    ["help", "kaizen --help"],
    ["compress-help", "kaizen compress --help"],
    ["compress", "kaizen compress data/users.json --local"],
    ["batch-local", "kaizen compress data --out-dir ktof --concurrency 1 --local"],
    ["batch-network-down", `kaizen compress data/users.json data/orders.json --out-dir ktof-down --concurrency 1 --base-url ${"$URL"}`, {
      KAIZEN_MAX_RETRIES: "0"
    }],
    ["too-large-local", "kaizen compress data/users.json --local --max-body-bytes 20"]
  ]

  it("matches the golden output, one run at a time", async () => {
    for (const [name, commandLine, extra] of cases) {
      const run = await shell(commandLine, { cwd: scratch.path, env: { ...env(), URL: closedUrl, ...extra } })
      await expect(piped(commandLine, run)).toMatchFileSnapshot(golden(`piped-${name}`))
      expect(run.stdout + run.stderr, name).not.toContain("\x1b")
    }
  }, 2 * PROCESS_TIMEOUT)
})

describe("kaizen on a pseudo-terminal (script -qc)", () => {
  const cases: ReadonlyArray<readonly [name: string, commandLine: string, extraEnv?: Record<string, string>]> = [
    ["help", "kaizen --help"],
    ["help-no-color", "kaizen --help", { NO_COLOR: "1" }],
    ["compress", "kaizen compress data/users.json --local"],
    ["batch-local", "kaizen compress data --out-dir ktof-tty --concurrency 1 --local", { NO_COLOR: "1" }]
  ]

  it("matches the golden output, with no escape sequence, one run at a time", async () => {
    for (const [name, commandLine, extra] of cases) {
      const run = await shell(scriptCommand(commandLine), { cwd: scratch.path, env: { ...env(), ...extra } })
      await expect(onTerminal(commandLine, run)).toMatchFileSnapshot(golden(`tty-${name}`))
      expect(run.stdout, name).not.toContain("\x1b")
    }
  }, 2 * PROCESS_TIMEOUT)
})

describe("every command's --help (in-process: the text does not depend on the process)", () => {
  it("matches the golden output", async () => {
    for (const name of commandNames) {
      const run = await inProcess([name, "--help"])
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" })
      await expect(run.stdout).toMatchFileSnapshot(golden(`help-${name}`))
    }
  })
})
