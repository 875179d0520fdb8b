/**
 * Both lines' processes may share one Redis key, so the fleet limit's Lua scripts must be the
 * same text in the Effect 3 line (src/cache/fleetSchedule.ts) and the Effect 4 line
 * (packages/effect4/src/cache/fleetSchedule.ts): a change to one without the other fails here.
 */
import { expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dirname, "..", "..")

/** The scripts: from `const NOW` to the next declaration after PAUSE, markers left out. */
const scripts = (path: string) => {
  const text = readFileSync(join(root, path), "utf8")
  const from = text.indexOf("const NOW = `")
  const to = text.indexOf("type Script", from)
  expect(from, `${path}: no NOW script`).toBeGreaterThan(0)
  return text.slice(from, to).split("\n").filter((line) => !line.startsWith("// ---- ")).join("\n")
}

it("the fleet limit's Lua scripts are the same text in both lines", () => {
  const effect3 = scripts("src/cache/fleetSchedule.ts")
  expect(effect3).toContain("const FINISH")
  expect(scripts("packages/effect4/src/cache/fleetSchedule.ts")).toBe(effect3)
})
