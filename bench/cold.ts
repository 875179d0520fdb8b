/**
 * Cold start, each measured in a fresh Node process (so nothing is cached in memory):
 *
 * - importing the package;
 * - importing it and running one `compress` on the embedded engine (`KAIZEN_BASE_URL=local`),
 *   which loads the codec on that first request;
 * - the same call with `token_models`, which also loads the tokenizer's encoding; the
 *   difference is what token counting adds on first use;
 * - the `kaizen` command (`@kaizen-effect/cli`, its built bundle): `kaizen compress` of a
 *   one-line file with `--local`, from the process's spawn to its exit, next to `node -e 0`.
 *
 *   npm run bench:cold
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { median, writeSection } from "./report.js"

const runs = 7

// Each script prints the milliseconds it measured, from the start of the import.
const script = (body: string) => `
const t0 = performance.now()
const { Effect } = await import("effect")
const { KaizenClient } = await import("kaizen-effect")
const KaizenNode = await import("kaizen-effect/node")
const imported = performance.now() - t0
${body}
`
const scripts = {
  importOnly: script(`console.log(imported)`),
  firstCall: script(`
const k = Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress({ data: { users: [{ id: 1, name: "Ada" }] } }))
await Effect.runPromise(k.pipe(Effect.provide(KaizenNode.layerConfig())))
console.log(performance.now() - t0)`),
  firstCallTokens: script(`
const k = Effect.flatMap(KaizenClient, (kaizen) => kaizen.optimize({ data: { users: [{ id: 1, name: "Ada" }] }, token_models: ["gpt-4o"] }))
await Effect.runPromise(k.pipe(Effect.provide(KaizenNode.layerConfig())))
console.log(performance.now() - t0)`)
}

const measure = (source: string): number =>
  Number(
    execFileSync(process.execPath, ["--input-type=module", "-e", source], {
      env: { ...process.env, KAIZEN_BASE_URL: "local" },
      encoding: "utf8"
    }).trim()
  )

// The whole process, as a shell sees it: spawn to exit (`--local` says where, not the environment).
const { KAIZEN_BASE_URL: _unused, ...withoutBaseUrl } = process.env
const timed = (args: ReadonlyArray<string>, cwd: string): number => {
  const started = performance.now()
  execFileSync(process.execPath, args, { cwd, env: withoutBaseUrl, stdio: "ignore" })
  return performance.now() - started
}
const scratch = mkdtempSync(join(tmpdir(), "kaizen-cold-"))
writeFileSync(join(scratch, "one.json"), "{\"users\":[{\"id\":1,\"name\":\"Ada\"}]}\n")
const kaizenBin = new URL("../packages/cli/bin/kaizen.js", import.meta.url).pathname

const results: Record<keyof typeof scripts | "node" | "kaizen", Array<number>> = {
  importOnly: [], firstCall: [], firstCallTokens: [], node: [], kaizen: []
}
try {
  for (let i = 0; i < runs; i++) {
    for (const name of Object.keys(scripts) as Array<keyof typeof scripts>) results[name].push(measure(scripts[name]))
    results.node.push(timed(["-e", "0"], scratch))
    results.kaizen.push(timed([kaizenBin, "compress", "one.json", "--local"], scratch))
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
const importMs = median(results.importOnly)
const callMs = median(results.firstCall)
const tokensMs = median(results.firstCallTokens)
const body = [
  `Median of ${runs} fresh \`node\` processes each; milliseconds from the start of \`import("kaizen-effect")\`.`,
  "",
  "| what | ms |",
  "| --- | ---: |",
  `| import the package (\`effect\` and \`kaizen-effect\`) | ${importMs.toFixed(1)} |`,
  `| import and one \`compress\` on the embedded engine (\`KAIZEN_BASE_URL=local\`; loads the codec) | ${callMs.toFixed(1)} |`,
  `| the same with \`token_models: ["gpt-4o"]\` (also loads the o200k encoding) | ${tokensMs.toFixed(1)} |`,
  `| what \`token_models\` adds on first use | ${(tokensMs - callMs).toFixed(1)} |`,
  "",
  `The \`kaizen\` command (\`@kaizen-effect/cli\`, its esbuild bundle): median of ${runs} fresh processes each, milliseconds from spawn to exit.`,
  "",
  "| what | ms |",
  "| --- | ---: |",
  `| \`node -e 0\` (Node's own start) | ${median(results.node).toFixed(1)} |`,
  `| \`kaizen compress one.json --local\` (a one-line file, on the embedded engine) | ${median(results.kaizen).toFixed(1)} |`
].join("\n")
console.log(body)
await writeSection("Cold start", "npm run bench:cold", body)
