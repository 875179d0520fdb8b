/**
 * Ctrl-C (SIGINT) in a batch, as a process: the bin against a stand-in API that answers some
 * inputs and holds the others, interrupted once the answered ones are reported.
 */
import { describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { existsSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { bin, cleanEnv, fakeApi, PROCESS_TIMEOUT, root, type Run, tempDir } from "./support.js"

describe("Ctrl-C in a batch", () => {
  it("prints the table of what finished and a line saying so, then exits with 130", async () => {
    // Inputs with "quick": true are answered; the others wait until the server closes.
    const api = await fakeApi(({ body }) =>
      body.includes('"quick":true') ? { status: 200, body: { operation: "compress", status: "success", result: "ok: true" } } : "hang"
    )
    const dir = tempDir()
    try {
      const names = ["a", "b", "c", "d", "e"]
      for (const name of names) {
        writeFileSync(join(dir.path, `${name}.json`), JSON.stringify({ quick: name === "a" || name === "b" }))
      }
      const out = join(dir.path, "out")
      const child = spawn(
        process.execPath,
        [bin, "compress", ...names.map((n) => join(dir.path, `${n}.json`)), "--out-dir", out, "--concurrency", "2", "--base-url", api.url],
        { cwd: root, env: cleanEnv({ KAIZEN_MAX_RETRIES: "0" }) }
      )
      child.stdin.end()
      const run = await new Promise<Run>((resolve, reject) => {
        let stdout = ""
        let stderr = ""
        let signalled = false
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
          stderr += chunk
          // Once both answered inputs are reported (the others are held): Ctrl-C.
          if (!signalled && (stderr.match(/^\[\d\/5\] ok /gm) ?? []).length === 2) {
            signalled = true
            child.kill("SIGINT")
          }
        })
        child.on("error", reject)
        child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
      })
      expect(run.code, `${run.signal}\n${run.stdout}\n${run.stderr}`).toBe(130)
      const rows = run.stdout.trimEnd().split("\n")
      expect(rows.slice(1).map((r) => r.split(/\s+/).slice(0, 2))).toEqual([
        [join(dir.path, "a.json"), join(out, "a.ktof")],
        [join(dir.path, "b.json"), join(out, "b.ktof")],
        ...["c", "d", "e"].map((n) => [join(dir.path, `${n}.json`), "interrupted"]),
        ["total", "(2"]
      ])
      expect(rows.at(-1)).toMatch(/^total \(2 of 5\)/)
      expect(run.stderr.trimEnd().split("\n").at(-1)).toBe(`kaizen compress: interrupted: 2 of 5 inputs finished; 2 written to ${out}`)
      expect(existsSync(join(out, "a.ktof")) && existsSync(join(out, "b.ktof"))).toBe(true)
    } finally {
      dir.remove()
      await api.close()
    }
  }, PROCESS_TIMEOUT)
})
