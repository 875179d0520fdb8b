/**
 * The Effect 4 line (packages/effect4) needs Node >= 22.19 and vitest 5, so the root's suite
 * cannot load it on Node 20. It runs here when it can (Node >= 22.19 with the package installed);
 * otherwise the skip says why and what runs it: scripts/effect4.sh, which .ci/run calls.
 */
import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const pkg = fileURLToPath(new URL("../packages/effect4", import.meta.url))
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number)
const nodeCan = major > 22 || (major === 22 && minor >= 19)
const installed = existsSync(`${pkg}/node_modules/effect`)
const reason = !nodeCan
  ? `needs Node >= 22.19 (this is ${process.versions.node}): run scripts/effect4.sh, which fetches Node 22`
  : "packages/effect4 is not installed: run scripts/effect4.sh"

describe("the Effect 4 line (packages/effect4)", () => {
  const ready = nodeCan && installed
  if (!ready) console.info(`The Effect 4 line's tests are skipped here: ${reason}.`)
  ;(ready ? it : it.skip)(ready ? "its own test suite passes on this Node" : `skipped: ${reason}`, () => {
    const run = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run"], { cwd: pkg, encoding: "utf8" })
    expect(run.status, run.stdout + run.stderr).toBe(0)
  }, 600_000)
})
