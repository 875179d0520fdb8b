/**
 * The endpoint table: every operation's method, path, request Schema and kind of response, and
 * the types derived from it.
 *
 * @internal
 */
import {
  DecodeRequest,
  EncodeRequest,
  OptimizeRequest,
  OptimizeRequestPayload,
  OptimizeResponsePayload,
  PromptDecodePayload,
  PromptEncodePayload
} from "./requests.js"

/**
 * Every operation of the API: method, path, request Schema and the kind of response. The
 * client, the embedded engine, the CLI and the contract test all read this one table.
 *
 * @example
 * import { KaizenSchema } from "kaizen-effect"
 * KaizenSchema.Endpoints.promptsEncode.path // "/v1/prompts/encode"
 */
export const Endpoints = {
  compress: { method: "POST", path: "/v1/compress", request: EncodeRequest, response: "encode" },
  decompress: { method: "POST", path: "/v1/decompress", request: DecodeRequest, response: "decode" },
  optimize: { method: "POST", path: "/v1/optimize", request: OptimizeRequest, response: "encode" },
  optimizeRequest: {
    method: "POST",
    path: "/v1/optimize/request",
    request: OptimizeRequestPayload,
    response: "encode"
  },
  optimizeResponse: {
    method: "POST",
    path: "/v1/optimize/response",
    request: OptimizeResponsePayload,
    response: "decode"
  },
  promptsEncode: { method: "POST", path: "/v1/prompts/encode", request: PromptEncodePayload, response: "encode" },
  promptsDecode: { method: "POST", path: "/v1/prompts/decode", request: PromptDecodePayload, response: "decode" },
  health: { method: "GET", path: "/", request: undefined, response: "health" }
} as const

/**
 * The name of an operation: `"compress"`, `"promptsEncode"`, ...
 *
 * @example
 * import type { KaizenSchema } from "kaizen-effect"
 * const op: KaizenSchema.Operation = "promptsDecode"
 */
export type Operation = keyof typeof Endpoints

/**
 * The operations that take a request body: all but `health`.
 *
 * @example
 * import type { KaizenSchema } from "kaizen-effect"
 * const op: KaizenSchema.BodyOperation = "promptsEncode"
 */
export type BodyOperation = Exclude<Operation, "health">

/**
 * What a caller passes to an operation: the request Schema's encoded side, so optional
 * fields and defaults (`auto_detect_json: true`) may be left out.
 *
 * @example
 * import type { KaizenSchema } from "kaizen-effect"
 * const req: KaizenSchema.RequestInput<"compress"> = { data: { a: 1 }, options: { delimiter: "|" } }
 */
export type RequestInput<Op extends BodyOperation> = (typeof Endpoints)[Op]["request"]["Encoded"]

/**
 * The body that goes on the wire for an operation, defaults applied.
 *
 * @example
 * import type { KaizenSchema } from "kaizen-effect"
 * type Body = KaizenSchema.RequestBody<"promptsEncode"> // auto_detect_json is always present
 */
export type RequestBody<Op extends BodyOperation> = (typeof Endpoints)[Op]["request"]["Type"]
