/**
 * The tokenizer candidates for the engine's token counts, compared on the KTOF fixtures
 * (packages/engine/test/fixtures/ktof) and examples/prompt.json: counts against OpenAI's
 * `tiktoken` (its Rust core as WebAssembly) and against `gpt-tokenizer`, load time, and speed.
 * The candidates are installed in a scratch folder, not in this repository:
 *
 *   mkdir /tmp/tok && cd /tmp/tok && npm init -y && npm i gpt-tokenizer@3 js-tiktoken tiktoken @dqbd/tiktoken
 *   TOKENIZERS_DIR=/tmp/tok node bench/tokenizers.mjs gpt-tokenizer   # one candidate per process
 *
 * Each candidate runs in its own process so that load times are cold.
 */
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import { pathToFileURL } from "node:url"

const dir = process.env.TOKENIZERS_DIR ?? "/tmp/tok"
const load = (specifier) => import(pathToFileURL(createRequire(join(dir, "x.js")).resolve(specifier)).href)
const fixtures = JSON.parse(readFileSync(new URL("../packages/engine/test/fixtures/ktof/reference.json", import.meta.url), "utf8"))
const prompt = readFileSync(new URL("../examples/prompt.json", import.meta.url), "utf8")
const texts = fixtures.cases.flatMap((c) => [c.json, c.ktof, c.engineKtof].filter((t) => t !== undefined))
const row = (i) => ({ id: i, name: `user-${i}`, email: `user${i}@example.com`, score: ((i * 7919) % 1000) / 100, active: i % 3 !== 0 })
const big = JSON.stringify({ rows: Array.from({ length: 11_000 }, (_, i) => row(i)) })
const encodings = ["o200k_base", "cl100k_base", "p50k_base", "r50k_base"]
const plain = { disallowedSpecial: new Set() }

const candidates = {
  "gpt-tokenizer": async (e) => {
    const m = await load(`gpt-tokenizer/encoding/${e}`)
    return (t) => m.countTokens(t, plain)
  },
  "js-tiktoken": async (e) => {
    const { Tiktoken } = await load("js-tiktoken/lite")
    const enc = new Tiktoken((await load(`js-tiktoken/ranks/${e}`)).default)
    return (t) => enc.encode(t, [], []).length
  },
  tiktoken: async (e) => {
    const enc = (await load("tiktoken")).get_encoding(e)
    return (t) => enc.encode_ordinary(t).length
  },
  "@dqbd/tiktoken": async (e) => {
    const enc = (await load("@dqbd/tiktoken")).get_encoding(e)
    return (t) => enc.encode_ordinary(t).length
  }
}

const name = process.argv[2] ?? "gpt-tokenizer"
const t0 = performance.now()
const count = await candidates[name]("o200k_base")
count("warm")
const loadMs = performance.now() - t0
let s = performance.now()
for (const t of texts) count(t)
const onePassMs = performance.now() - s
s = performance.now()
count(big)
const bigMs = performance.now() - s
s = performance.now()
let n = 0
while (performance.now() - s < 1000) {
  count(prompt)
  n++
}
const promptPerS = n / ((performance.now() - s) / 1000)
const differ = { tiktoken: 0, "gpt-tokenizer": 0 }
for (const e of encodings) {
  const mine = await candidates[name](e)
  const references = { tiktoken: await candidates.tiktoken(e), "gpt-tokenizer": await candidates["gpt-tokenizer"](e) }
  for (const t of texts) for (const [ref, theirs] of Object.entries(references)) if (mine(t) !== theirs(t)) differ[ref]++
}
console.log(
  `| ${name} | ${loadMs.toFixed(0)} ms | ${onePassMs.toFixed(0)} ms | ${(big.length / 1e6).toFixed(1)} MB in ${bigMs.toFixed(0)} ms | ` +
    `${promptPerS.toFixed(0)}/s | ${differ.tiktoken} | ${differ["gpt-tokenizer"]} |`
)
