/**
 * The examples as a newcomer runs them (`npx tsx examples/main.ts FILE`): a missing or invalid
 * input file is one line on standard error and exit code 1, never a stack trace.
 */
import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")

// Each run starts tsx, about a second of CPU, several on a busy 2-core machine.
const PROCESS_TIMEOUT = 120_000

/** Runs an example as `npx tsx FILE ...args` does, from the root, with no KAIZEN_* or provider key. */
const runScript = (file: string, args: ReadonlyArray<string>) => {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("KAIZEN_") && !name.endsWith("_API_KEY")) env[name] = value
  }
  const ran = spawnSync(process.execPath, ["--import", "tsx", file, ...args], { cwd: root, env, encoding: "utf8" })
  return { code: ran.status, stdout: ran.stdout, stderr: ran.stderr }
}

const tempDir = () => {
  const path = mkdtempSync(join(tmpdir(), "kaizen-examples-"))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

describe("npm start (examples/main.ts) fails politely", () => {
  it("a missing file, a file that is not JSON, a directory: one line each, exit code 1", () => {
    const dir = tempDir()
    try {
      const broken = join(dir.path, "broken.json")
      writeFileSync(broken, "{ \"messages\": [ }")
      const cases = [
        { file: "nope.json", line: "examples/main.ts: cannot read nope.json: no such file or directory\n" },
        { file: broken, line: new RegExp(`^examples/main\\.ts: ${broken.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid JSON: [^\\n]+\\n$`) },
        { file: dir.path, line: `examples/main.ts: cannot read ${dir.path}: it is a directory\n` }
      ]
      // One at a time: each starts tsx, which is CPU-heavy on a shared machine.
      for (const c of cases) {
        const run = runScript("examples/main.ts", [c.file])
        expect({ file: c.file, code: run.code, stdout: run.stdout }).toEqual({ file: c.file, code: 1, stdout: "" })
        if (typeof c.line === "string") expect(run.stderr).toBe(c.line)
        else expect(run.stderr).toMatch(c.line)
      }
    } finally {
      dir.remove()
    }
  }, PROCESS_TIMEOUT)

  it("an ai example with neither the provider's key nor KAIZEN_BASE_URL=local says what to set, in one line", () => {
    const run = runScript("examples/ai-openai.ts", [])
    expect(run).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "examples/ai-openai.ts: OPENAI_API_KEY: Set OPENAI_API_KEY to call OpenAI, or KAIZEN_BASE_URL=local to run offline\n"
    })
  }, PROCESS_TIMEOUT)
})
