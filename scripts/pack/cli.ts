/**
 * `@kaizen-effect/cli` installed from its tarball (with the library's and the engine's, which
 * are not on the registry yet): `npx kaizen compress prompt.json --local` prints the KTOF,
 * token counts work (gpt-tokenizer comes with the CLI), and `kaizen --version` is the package's.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { expectEqual, measure, npx, project, root, run, step, type Tarballs } from "./support.js"

const data = { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }] }
const ktof = "users[2]{id,name}:\n  1,Ada\n  2,Grace\n"

export const checkCli = (tarballs: Tarballs) => {
  const dir = project(tarballs.dir, "cli", [tarballs.engine, tarballs.library, tarballs.cli])
  const { megabytes, packages } = measure(dir)
  step(`cli: ${megabytes.toFixed(1)} MB in ${packages.length} packages`)

  step("cli: npx kaizen compress prompt.json --local")
  writeFileSync(join(dir, "prompt.json"), JSON.stringify(data, null, 2))
  expectEqual("KTOF from the kaizen bin", run(npx, ["kaizen", "compress", "prompt.json", "--local"], dir), ktof)

  step("cli: token counts (npx kaizen encode prompt.json --local --token-model gpt-4o-mini --json)")
  const envelope = JSON.parse(run(npx, ["kaizen", "encode", "prompt.json", "--local", "--token-model", "gpt-4o-mini", "--json"], dir)) as {
    readonly token_stats?: { readonly raw?: Record<string, { readonly tokens: number }> }
  }
  if (typeof envelope.token_stats?.raw?.["gpt-4o-mini"]?.tokens !== "number") {
    throw new Error(`no token counts from the installed CLI: ${JSON.stringify(envelope)}`)
  }

  step("cli: kaizen --version")
  const { version } = JSON.parse(readFileSync(join(root, "packages", "cli", "package.json"), "utf8")) as { version: string }
  expectEqual("kaizen --version", run(npx, ["kaizen", "--version"], dir).trim(), version)
  return { megabytes, packages: packages.length }
}
