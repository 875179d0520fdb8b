/**
 * Every block of the README tagged `<!-- runnable -->` runs as written, against the engine's
 * sources (its imports of `@kaizen-effect/engine` are pointed at src/), and must not throw:
 * the examples check their own results with `node:assert`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
const src = fileURLToPath(new URL("../src/", import.meta.url))
const blocks = [...readme.matchAll(/<!-- runnable -->\n```ts\n([\s\S]*?)\n```/g)].map((m) => m[1]!)
const dir = mkdtempSync(join(tmpdir(), "engine-readme-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("the README's examples", () => {
  it("finds them", () => expect(blocks.length).toBeGreaterThanOrEqual(4))

  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs`, async () => {
      const file = join(dir, `example-${i}.ts`)
      writeFileSync(
        file,
        code
          .replaceAll("\"@kaizen-effect/engine/json\"", JSON.stringify(join(src, "json", "index.ts")))
          .replaceAll("\"@kaizen-effect/engine\"", JSON.stringify(join(src, "index.ts")))
      )
      await import(file)
    })
  })
})
