/**
 * The main job, `npm start`: a chat prompt with embedded ticket data (`examples/prompt.json`)
 * compressed into KTOF and decoded back, with what that saves in bytes and in tokens.
 *
 * Without `KAIZEN_API_KEY` (and without `KAIZEN_BASE_URL`) it runs on the embedded Kaizen
 * engine, offline; with a key, on the Kaizen API. Any other prompt file can be given:
 *
 *   npm start
 *   KAIZEN_API_KEY=... npm start
 *   npx tsx examples/main.ts path/to/prompt.json
 */
import { Config, Console, Data, Effect } from "effect"
import { KaizenClient, KaizenConfig } from "kaizen-effect"
import * as KaizenNode from "kaizen-effect/node"
import { readFileSync } from "node:fs"
import { relative } from "node:path"
import { fileURLToPath } from "node:url"
import { isDeepStrictEqual } from "node:util"
import { runMain } from "./run.js"

const file = process.argv[2] ?? fileURLToPath(new URL("prompt.json", import.meta.url))
const model = "gpt-4o-mini"

/** The prompt file could not be read, or is not JSON. */
class InputError extends Data.TaggedError("InputError")<{ readonly message: string }> {}

const problems: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EISDIR: "it is a directory"
}

const readPrompt = (path: string): Effect.Effect<unknown, InputError> =>
  Effect.try({
    try: () => readFileSync(path, "utf8"),
    catch: (error) => {
      const code = (error as NodeJS.ErrnoException).code ?? ""
      return new InputError({ message: `cannot read ${path}: ${problems[code] ?? (error as Error).message}` })
    }
  }).pipe(
    Effect.flatMap((text) =>
      Effect.try({
        try: (): unknown => JSON.parse(text),
        catch: (error) => new InputError({ message: `${path} is not valid JSON: ${(error as Error).message}` })
      })
    )
  )

// The environment's configuration, except that with neither a key nor a base URL the job
// runs on the embedded engine instead of failing with 401: it must work on a fresh machine.
const options = Config.map(KaizenNode.fromEnv, (env) =>
  env.apiKey === undefined && process.env.KAIZEN_BASE_URL === undefined
    ? { ...env, baseUrl: KaizenConfig.LOCAL_BASE_URL }
    : env)

const Kaizen = KaizenNode.layerConfig(options)

const bytes = (text: string) => Buffer.byteLength(text, "utf8")
const number = (n: number) => n.toLocaleString("en-US")
const percent = (before: number, after: number) => `${((1 - after / before) * 100).toFixed(1)}%`

const program = Effect.gen(function*() {
  const prompt = yield* readPrompt(file)
  const kaizen = yield* KaizenClient
  const where = kaizen.config.baseUrl === KaizenConfig.LOCAL_BASE_URL
    ? "the embedded Kaizen engine (offline; set KAIZEN_API_KEY to use the Kaizen API)"
    : kaizen.config.baseUrl
  yield* Console.log(`kaizen-effect on ${where}\n`)

  const encoded = yield* kaizen.promptsEncode({ prompt, token_models: [model] })
  yield* Console.log(`${relative(process.cwd(), file)} as KTOF (POST /v1/prompts/encode):\n\n${encoded.result}\n`)

  // What the service compares: the prompt as compact JSON, and the KTOF.
  const before = bytes(JSON.stringify(prompt))
  const after = bytes(encoded.result)
  yield* Console.log(`bytes   ${number(before)} → ${number(after)}  (${percent(before, after)} smaller)`)
  // `token_stats` as the service reference (and the engine) spell it: { raw, optimized }.
  const tokens = (side: "raw" | "optimized"): number | undefined => {
    const perModel = (encoded.token_stats as Record<string, Record<string, { tokens?: unknown }>> | undefined)?.[side]
    const count = perModel?.[model]?.tokens
    return typeof count === "number" ? count : undefined
  }
  const [tokensBefore, tokensAfter] = [tokens("raw"), tokens("optimized")]
  if (tokensBefore !== undefined && tokensAfter !== undefined) {
    yield* Console.log(
      `tokens  ${number(tokensBefore)} → ${number(tokensAfter)}  (${percent(tokensBefore, tokensAfter)} fewer, ${model})`
    )
  }

  const decoded = yield* kaizen.promptsDecode({ ktof: encoded.result })
  const same = isDeepStrictEqual(decoded.result, prompt)
  yield* Console.log(
    same
      ? "decoded (POST /v1/prompts/decode): the original prompt, value for value"
      : "decoded (POST /v1/prompts/decode): DIFFERS from the original prompt"
  )
  if (!same) return yield* Effect.dieMessage("the round trip changed the prompt")
})

runMain(Effect.provide(program, Kaizen))
