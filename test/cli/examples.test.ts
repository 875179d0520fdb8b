/**
 * The examples as a newcomer runs them (`npx tsx examples/main.ts FILE`): a missing or invalid
 * input file is one line on standard error and exit code 1, never a stack trace.
 */
import { describe, expect, it } from "@effect/vitest"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { PROCESS_TIMEOUT, runScript, tempDir } from "./support.js"

describe("npm start (examples/main.ts) fails politely", () => {
  it("a missing file, a file that is not JSON, a directory: one line each, exit code 1", async () => {
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
        const run = await runScript("examples/main.ts", [c.file])
        expect({ file: c.file, code: run.code, stdout: run.stdout }).toEqual({ file: c.file, code: 1, stdout: "" })
        if (typeof c.line === "string") expect(run.stderr).toBe(c.line)
        else expect(run.stderr).toMatch(c.line)
      }
    } finally {
      dir.remove()
    }
  }, PROCESS_TIMEOUT)

  it("an ai example with neither the provider's key nor KAIZEN_BASE_URL=local says what to set, in one line", async () => {
    const run = await runScript("examples/ai-openai.ts", [])
    expect(run).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "examples/ai-openai.ts: OPENAI_API_KEY: Set OPENAI_API_KEY to call OpenAI, or KAIZEN_BASE_URL=local to run offline\n"
    })
  }, PROCESS_TIMEOUT)
})
