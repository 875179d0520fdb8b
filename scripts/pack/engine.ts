/**
 * `@kaizen-effect/engine` installed alone (no gpt-tokenizer, no Effect): `import` and
 * `require` work, a strict TypeScript consumer type-checks, a compress goes through its
 * handler, and a request for token counts gets the error that says how to install the tokenizer.
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import { expectEqual, measure, node, project, run, step, type Tarballs, typeCheck } from "./support.js"

const consumer = `import { encode, makeHandler, type Result } from "@kaizen-effect/engine"
import { measureBody } from "@kaizen-effect/engine/json"

export const ktof: Result<string, unknown> = encode({ a: [1, 2] }, { indent: 2, delimiter: ",", lengthMarker: false })
export const handle = makeHandler({ maxBodyBytes: 1024 })
export const answered = Promise.resolve(handle({ method: "POST", path: "/v1/compress", body: "{}" })).then((r) => r.status)
export const measured = measureBody({ a: 1 })
`

export const checkEngine = (tarballs: Tarballs) => {
  const dir = project(tarballs.dir, "engine", [tarballs.engine])
  for (const absent of ["gpt-tokenizer", "effect"]) {
    if (existsSync(join(dir, "node_modules", absent))) throw new Error(`${absent} is installed with the engine`)
  }
  const { megabytes, packages } = measure(dir)
  step(`engine: ${megabytes.toFixed(1)} MB in ${packages.length} packages (${packages.join(", ")})`)

  step("engine: import, and a compress through its handler")
  const compressed = node(
    `import { makeHandler } from "@kaizen-effect/engine"
     const answer = await makeHandler()({ method: "POST", path: "/v1/compress", body: JSON.stringify({ data: { a: [1, 2, 3] } }) })
     process.stdout.write(answer.status + " " + JSON.parse(answer.body).result)`,
    dir
  )
  expectEqual("the engine's handler", compressed, "200 a[3]: 1,2,3")

  step("engine: require")
  const required = run(process.execPath, [
    "-e",
    `const engine = require("@kaizen-effect/engine"); const json = require("@kaizen-effect/engine/json")
     process.stdout.write([typeof engine.makeHandler, typeof json.measureBody, engine.encode({ a: 1 }, { indent: 2, delimiter: ",", lengthMarker: false }).value].join(" "))`
  ], dir)
  expectEqual("the engine through require", required, "function function a: 1")

  step("engine: token counts without gpt-tokenizer: the error that says how to install it")
  const missing = node(
    `import { makeHandler } from "@kaizen-effect/engine"
     const answer = await makeHandler()({ method: "POST", path: "/v1/optimize", body: JSON.stringify({ data: { a: 1 }, token_models: ["gpt-4o"] }) })
     process.stdout.write(answer.status + " " + JSON.parse(answer.body).detail)`,
    dir
  )
  if (!/^500 .*npm install gpt-tokenizer/.test(missing)) throw new Error(`token counts without the tokenizer answered: ${missing}`)

  step("engine: tsc --noEmit (strict) on a consumer")
  typeCheck(dir, "engine", { "consumer.ts": consumer })
  return { megabytes, packages: packages.length }
}
