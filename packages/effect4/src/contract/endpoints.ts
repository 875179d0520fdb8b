/**
 * The endpoint table: every operation's method, path and kind of response (the Effect 3 line's
 * src/contract/endpoints.ts, with the request Schemas beside it in requests.ts).
 *
 * @internal
 */
import type * as Requests from "./requests.js"

export const Endpoints = {
  compress: { method: "POST", path: "/v1/compress", response: "encode" },
  decompress: { method: "POST", path: "/v1/decompress", response: "decode" },
  optimize: { method: "POST", path: "/v1/optimize", response: "encode" },
  optimizeRequest: { method: "POST", path: "/v1/optimize/request", response: "encode" },
  optimizeResponse: { method: "POST", path: "/v1/optimize/response", response: "decode" },
  promptsEncode: { method: "POST", path: "/v1/prompts/encode", response: "encode" },
  promptsDecode: { method: "POST", path: "/v1/prompts/decode", response: "decode" },
  health: { method: "GET", path: "/", response: "health" }
} as const

/** The name of an operation: `"compress"`, `"promptsEncode"`, ... */
export type Operation = keyof typeof Endpoints

/** The operations that take a request body: all but `health`. */
export type BodyOperation = Exclude<Operation, "health">

interface RequestSchemas {
  readonly compress: typeof Requests.EncodeRequest
  readonly decompress: typeof Requests.DecodeRequest
  readonly optimize: typeof Requests.OptimizeRequest
  readonly optimizeRequest: typeof Requests.OptimizeRequestPayload
  readonly optimizeResponse: typeof Requests.OptimizeResponsePayload
  readonly promptsEncode: typeof Requests.PromptEncodePayload
  readonly promptsDecode: typeof Requests.PromptDecodePayload
}

/** What a caller passes to an operation: optional fields and defaults may be left out. */
export type RequestInput<Op extends BodyOperation> = RequestSchemas[Op]["Encoded"]

/** The body that goes on the wire for an operation, defaults applied. */
export type RequestBody<Op extends BodyOperation> = RequestSchemas[Op]["Type"]
