/**
 * The Kaizen API's routes: each operation's method and path. The library's contract
 * (`KaizenSchema.Endpoints`) names the same; a test there keeps the two equal.
 */

/** Every operation's method and path. */
export const ROUTES = {
  compress: { method: "POST", path: "/v1/compress" },
  decompress: { method: "POST", path: "/v1/decompress" },
  optimize: { method: "POST", path: "/v1/optimize" },
  optimizeRequest: { method: "POST", path: "/v1/optimize/request" },
  optimizeResponse: { method: "POST", path: "/v1/optimize/response" },
  promptsEncode: { method: "POST", path: "/v1/prompts/encode" },
  promptsDecode: { method: "POST", path: "/v1/prompts/decode" },
  health: { method: "GET", path: "/" }
} as const

/** The name of an operation: `"compress"`, `"promptsEncode"`, ... */
export type Operation = keyof typeof ROUTES
