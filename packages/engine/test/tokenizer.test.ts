/**
 * The tokenizer is an optional peer: loaded on first use, and when it is missing a token count
 * request is a 500 that says how to install it, while every other request is answered as usual.
 * The missing module is simulated through the injectable loader.
 */
import { describe, expect, it } from "vitest"
import { gptTokenizer, INSTALL_TOKENIZER, makeTokenizer, tokenStats } from "../src/tokens.js"
import { post } from "./support.js"

// What Node throws for an import of a package that is not installed.
const notInstalled = () =>
  Promise.reject(Object.assign(new Error("Cannot find package 'gpt-tokenizer' imported from /app/engine.js"), { code: "ERR_MODULE_NOT_FOUND" }))

describe("the tokenizer, an optional peer", () => {
  it("a missing tokenizer fails token counts with a typed error that says how to install it", async () => {
    const result = await tokenStats(["gpt-4o"], "{\"a\":1}", "a: 1", makeTokenizer(notInstalled))
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error._tag).toBe("TokenizerUnavailable")
    expect(result.error.encoding).toBe("o200k_base")
    expect(result.error.message).toContain(INSTALL_TOKENIZER)
  })

  it("answers 500 with that message on the token routes, and everything else as usual", async () => {
    const options = { tokenizer: makeTokenizer(notInstalled) }
    const counted = await post("/v1/optimize", { data: { a: 1 }, token_models: ["gpt-4o"] }, options)
    expect(counted.status).toBe(500)
    expect(counted.json.detail).toContain("npm install gpt-tokenizer")
    const prompt = await post("/v1/prompts/encode", { prompt: "hi", token_models: ["gpt-4o"] }, options)
    expect(prompt.status).toBe(500)
    const plain = await post("/v1/optimize", { data: { a: 1 } }, options)
    expect(plain.status).toBe(200)
    expect(plain.json.result).toBe("a: 1")
  })

  it("a broken installation says what failed, and a failed load is tried again on the next request", async () => {
    let calls = 0
    const tokenizer = makeTokenizer(async (encoding) => {
      calls++
      if (calls === 1) throw new Error("corrupt ranks file")
      return gptTokenizer(encoding)
    })
    const first = await tokenStats(["gpt-4o"], "x", "x", tokenizer)
    expect(first.ok ? "" : first.error.message).toBe("the o200k_base tokenizer could not be loaded: corrupt ranks file")
    const second = await tokenStats(["gpt-4o"], "x", "x", tokenizer)
    expect(second.ok && second.value.raw["gpt-4o"]).toEqual({ tokens: 1, bytes: 1 })
    expect(calls).toBe(2)
  })

  it("loads each encoding once, when a request first needs it", async () => {
    const loaded: Array<string> = []
    const tokenizer = makeTokenizer((encoding) => {
      loaded.push(encoding)
      return gptTokenizer(encoding)
    })
    await tokenStats(["gpt-4o", "gpt-4o-mini", "gpt-4"], "x", "x", tokenizer)
    await tokenStats(["gpt-4o"], "y", "y", tokenizer)
    expect(loaded).toEqual(["o200k_base", "cl100k_base"])
  })
})
