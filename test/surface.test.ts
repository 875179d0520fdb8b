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
      // A namespace (`export * as X`): its members.
      if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === null) {
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
      KaizenClient: ["layer", "layerConfig", "make"],
      KaizenConfig: ["DEFAULT_BASE_URL", "LOCAL_BASE_URL", "fromEnv", "resolve"],
      KaizenError: ["isKaizenError", "isTransient"],
      KaizenLocal: ["DEFAULT_MAX_BODY_BYTES", "layer", "layerHttpClient", "make", "serve"],
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
      ]
    })
  })

  it("kaizen-effect/node", async () => {
    expect(Object.keys(await import("../src/KaizenNode.js")).sort()).toEqual(["fromEnv", "layer", "layerConfig", "make"])
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

  it("at most nine ways to build a client or transport across the root and /node, three per module", async () => {
    const root = await import("../src/index.js")
    const node = await import("../src/KaizenNode.js")
    const constructors = (names: ReadonlyArray<string>) => names.filter((name) => /^(make|layer|Default)/.test(name)).sort()
    const found = {
      KaizenClient: constructors(tagStatics(root.KaizenClient)),
      KaizenLocal: constructors(Object.keys(root.KaizenLocal)),
      KaizenNode: constructors(Object.keys(node))
    }
    expect(found).toEqual({
      KaizenClient: ["layer", "layerConfig", "make"],
      KaizenLocal: ["layer", "layerHttpClient", "make"],
      KaizenNode: ["layer", "layerConfig", "make"]
    })
    expect(Object.values(found).flat().length).toBeLessThanOrEqual(9)
  })

  it("every entry point in package.json is listed above", async () => {
    const pkg = JSON.parse((await import("node:fs")).readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    expect(Object.keys(pkg.exports).sort()).toEqual([".", "./ai", "./cache", "./node", "./package.json"])
  })
})
