/**
 * The public surface, entry point by entry point: every runtime export, and the members of
 * each namespace. A change here is a change to what users can import, so it must be deliberate:
 * update this list in the same commit, and CHANGELOG.md with it.
 */
import { describe, expect, it } from "@effect/vitest"

// The tag's own static members, not what it inherits from Context.Tag's machinery.
const tagStatics = (tag: object) =>
  Object.getOwnPropertyNames(tag).filter((name) => !["length", "name", "prototype"].includes(name)).sort()

const shape = (module: Record<string, unknown>) =>
  Object.fromEntries(
    Object.keys(module).sort().map((key) => {
      const value = module[key]
      if (key === "KaizenClient") return [key, tagStatics(value as object)]
      // A namespace (`export * as X`, or the KaizenError module): its members.
      if (typeof value === "object" && value !== null && (Object.getPrototypeOf(value) === null || key === "KaizenError")) {
        return [key, Object.keys(value).sort()]
      }
      return [key, typeof value]
    })
  )

describe("the public surface", () => {
  it("kaizen-effect", async () => {
    expect(shape(await import("../src/index.js"))).toEqual({
      KaizenAPIError: "function",
      KaizenBatch: ["stream", "streamUnordered"],
      KaizenClient: ["Default", "layer", "layerConfig", "layerNode", "layerNodeWith", "make"],
      KaizenConfig: ["DEFAULT_BASE_URL", "LOCAL_BASE_URL", "fromEnv", "resolve"],
      KaizenError: ["isKaizenError", "isTransient", "transientStatuses"],
      KaizenLocal: ["DEFAULT_MAX_BODY_BYTES", "DEFAULT_PORT", "layer", "layerClient", "layerWith", "make", "serve"],
      KaizenRequestError: "function",
      KaizenRetry: ["none", "policy", "retryAfterOf"],
      KaizenSchema: [
        "DecodeOptions",
        "DecodeRequest",
        "DecodeResponse",
        "Delimiter",
        "EncodeOptions",
        "EncodeRequest",
        "EncodeResponse",
        "Endpoints",
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
        "ValidationErrorItem",
        "decodeResponseOf"
      ]
    })
  })

  it("kaizen-effect/node", async () => {
    expect(Object.keys(await import("../src/KaizenNode.js")).sort()).toEqual([
      "fromEnv",
      "layer",
      "layerConfig",
      "layerHttpClient",
      "layerPlatformHttpClient",
      "makeAgent",
      "makeDispatcher",
      "makeHttpClient"
    ])
  })

  it("kaizen-effect/ai", async () => {
    expect(Object.keys(await import("../src/KaizenAi.js")).sort()).toEqual([
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

  it("kaizen-effect/cache", async () => {
    expect(Object.keys(await import("../src/KaizenCache.js")).sort()).toEqual([
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

  it("every entry point in package.json is listed above", async () => {
    const pkg = JSON.parse((await import("node:fs")).readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    expect(Object.keys(pkg.exports).sort()).toEqual([".", "./ai", "./cache", "./node", "./package.json"])
  })
})
