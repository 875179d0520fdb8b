/**
 * The same surface as the Effect 3 line (`kaizen-effect`): an app moves by changing the import
 * specifier. The names below are the Effect 3 line's public exports (src/index.ts, KaizenNode.ts
 * and each module's face); what this line does not have yet is listed, so the gap is explicit.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Root from "../src/index.js"
import * as KaizenNode from "../src/KaizenNode.js"
import { version } from "../src/contract/version.js"
import manifest from "../package.json" with { type: "json" }
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const names = (module: object) => Object.keys(module).sort()

describe("the public surface", () => {
  it("the root exports the Effect 3 line's modules and error classes", () => {
    expect(names(Root)).toEqual([
      "KaizenAPIError",
      "KaizenBatch",
      "KaizenClient",
      "KaizenConfig",
      "KaizenError",
      "KaizenLocal",
      "KaizenRequestError",
      "KaizenRetry",
      "KaizenSchema"
    ])
    expect(names(Root.KaizenConfig)).toEqual(["DEFAULT_BASE_URL", "LOCAL_BASE_URL", "fromEnv", "resolve"])
    expect(names(Root.KaizenError)).toEqual(["isKaizenError", "isTransient"])
    expect(names(Root.KaizenRetry)).toEqual(["none", "policy", "retryAfterOf"])
    expect(names(Root.KaizenBatch)).toEqual(["stream", "streamUnordered"])
    expect(names(Root.KaizenLocal)).toEqual(["DEFAULT_MAX_BODY_BYTES", "layer", "layerHttpClient", "make", "serve"])
    expect(names(Root.KaizenSchema)).toEqual([
      "DecodeOptions",
      "DecodeRequest",
      "DecodeResponse",
      "Delimiter",
      "EncodeOptions",
      "EncodeRequest",
      "EncodeResponse",
      "ErrorBody",
      "HealthResponse",
      "JsonValue",
      "Meta",
      "OptimizeRequest",
      "OptimizeRequestPayload",
      "OptimizeResponsePayload",
      "PromptDecodePayload",
      "PromptEncodePayload",
      "Replacement",
      "Stats",
      "TokenCount",
      "TokenStats",
      "ValidationErrorItem"
    ])
    expect(typeof Root.KaizenClient.make).toBe("function")
    expect(typeof Root.KaizenClient.layer).toBe("function")
    expect(typeof Root.KaizenClient.layerConfig).toBe("function")
  })

  it("the Node entry point: make, layer, layerConfig, fromEnv", () => {
    expect(names(KaizenNode)).toEqual(["fromEnv", "layer", "layerConfig", "make"])
  })

  it("the AI entry point (./ai): the Effect 3 line's kaizen-effect/ai names", async () => {
    expect(manifest.exports["./ai"].default).toBe("./dist/KaizenAi.js")
    expect(names(await import("../src/KaizenAi.js"))).toEqual([
      "Disabled",
      "KaizenAiDecodeError",
      "bytesSaved",
      "calls",
      "compressedParts",
      "decodedReply",
      "fallbacks",
      "kaizenLatency",
      "layer",
      "make",
      "reductionRatio",
      "replyInKtof",
      "tokensSaved",
      "unwrapErrors",
      "unwrapErrorsStream",
      "withoutCompression",
      "withoutCompressionStream"
    ])
  })

  it("the cache entry point (./cache): the Effect 3 line's kaizen-effect/cache names", async () => {
    expect(manifest.exports["./cache"].default).toBe("./dist/KaizenCache.js")
    expect(names(await import("../src/KaizenCache.js"))).toEqual([
      "hits",
      "isCached",
      "layer",
      "layerFileSystem",
      "layerFleetLimit",
      "layerKeyValueStore",
      "layerPersistence",
      "layerRedis",
      "makeFleetLimiter",
      "misses",
      "rateLimitFallbacks",
      "storeErrors"
    ])
  })

  it("the cache loads without its optional peer: ioredis and node modules are imported only when a layer needs them", () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "src")
    for (const file of ["KaizenCache.ts", ...readdirSync(join(dir, "cache")).map((name) => `cache/${name}`)]) {
      const text = readFileSync(join(dir, file), "utf8")
      expect(text, file).not.toMatch(/^import[^\n]*from "(ioredis|node:[^"]+)"/m)
    }
  })

  it("the version sent in the User-Agent is package.json's", () => {
    expect(version).toBe(manifest.version)
  })
})
