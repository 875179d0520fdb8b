/**
 * The contract, checked from both sides against the official `openapi.json`
 * (`test/fixtures/openapi.json`, a verbatim copy):
 *
 * - every request body the client sends (`KaizenClient.encodeRequest`, over representative
 *   inputs using every optional field) validates against the OpenAPI request schema of its path;
 * - every answer of the embedded engine, on every route, decodes with the client's response
 *   Schemas and validates against the OpenAPI response schema of its status.
 */
import { describe, expect, it } from "@effect/vitest"
import Ajv2020 from "ajv/dist/2020.js"
import { Effect, Either, Schema } from "effect"
import { readFileSync } from "node:fs"
import { encodeRequest } from "../src/internal/request.js"
import * as KaizenSchema from "../src/KaizenSchema.js"
import { normalizeEnvelope } from "../src/contract/normalize.js"
import { call } from "./support/engine.js"
import { Endpoints } from "../src/contract/endpoints.js"

const openapi = JSON.parse(readFileSync(new URL("./fixtures/openapi.json", import.meta.url), "utf8"))
const OPENAPI_ID = "https://kaizen.invalid/openapi.json"

// OpenAPI 3.1 component schemas are JSON Schema 2020-12; the document itself is not a schema,
// so strict mode (which rejects unknown keywords such as `openapi` or `paths`) is off.
const ajv = new Ajv2020.default({ strict: false, allErrors: true })
ajv.addSchema({ ...openapi, $id: OPENAPI_ID })

const validatorFor = (schema: { readonly $ref?: string } & Record<string, unknown>) =>
  ajv.compile(schema.$ref === undefined ? schema : { $ref: `${OPENAPI_ID}${schema.$ref}` })

const requestValidator = (path: string) =>
  validatorFor(openapi.paths[path].post.requestBody.content["application/json"].schema)

const responseValidator = (path: string, method: "get" | "post", status: number) =>
  validatorFor(openapi.paths[path][method].responses[String(status)].content["application/json"].schema)

const users = { users: [{ id: 1, name: "Ada", tags: ["math"] }, { id: 2, name: "Grace", tags: [] }] }
const ktof = "users[2]{id,name}:\n  1,Ada\n  2,Grace"
const encodeOptions = { indent: 4, delimiter: "|", length_marker: "#" } as const
const decodeOptions = { indent: 2, strict: false }

/** Representative inputs per operation; the last of each uses every optional field. */
const inputs: { readonly [Op in KaizenSchema.BodyOperation]: ReadonlyArray<KaizenSchema.RequestInput<Op>> } = {
  compress: [{ data: users }, { data: [1, "two", null] }, { data: "text", options: { delimiter: "\t", length_marker: true } }, {
    data: users,
    options: encodeOptions
  }],
  decompress: [{ data: ktof }, { data: "" }, { data: ktof, options: decodeOptions }],
  optimize: [{ data: users }, { data: users, options: encodeOptions, token_models: ["gpt-4o", "gpt-4", "other-model"] }],
  optimizeRequest: [{ prompt: "Summarize {\"a\": [1, 2, 3]}" }, { prompt: users }, {
    prompt: `Users: ${JSON.stringify(users)}`,
    options: encodeOptions,
    auto_detect_json: false,
    metadata: { trace_id: "t-1" },
    token_models: ["gpt-4o-mini"]
  }],
  optimizeResponse: [{ ktof }, { ktof, options: decodeOptions }],
  promptsEncode: [{ prompt: users }, {
    prompt: `Users: ${JSON.stringify(users)}`,
    options: encodeOptions,
    auto_detect_json: true,
    metadata: { trace_id: "t-2" },
    token_models: ["gpt-4o"],
    schemas: { User: { type: "object" } }
  }],
  promptsDecode: [{ ktof }, { ktof, options: decodeOptions, replay_meta: { turn: 3 }, metadata: { trace_id: "t-3" } }]
}

const operations = Object.keys(inputs) as Array<KaizenSchema.BodyOperation>

const responseDecoders: Record<"encode" | "decode" | "health", (u: unknown) => Either.Either<unknown, unknown>> = {
  encode: Schema.decodeUnknownEither(KaizenSchema.EncodeResponse),
  decode: Schema.decodeUnknownEither(KaizenSchema.DecodeResponse),
  health: Schema.decodeUnknownEither(KaizenSchema.HealthResponse)
}

describe("requests: what the client sends fits openapi.json", () => {
  it("the validators are live: a body without its required field is refused", () => {
    expect(requestValidator("/v1/compress")({ options: {} })).toBe(false)
    expect(requestValidator("/v1/prompts/decode")({ ktof: 1 })).toBe(false)
  })

  for (const operation of operations) {
    it(`${operation}: every body validates against ${Endpoints[operation].path}`, () => {
      const validate = requestValidator(Endpoints[operation].path)
      for (const input of inputs[operation]) {
        const body = encodeRequest(operation, input)
        if (Either.isLeft(body)) throw body.left
        const json = JSON.parse(body.right)
        expect({ json, valid: validate(json), errors: validate.errors ?? null }).toEqual({ json, valid: true, errors: null })
      }
    })
  }
})

describe("responses: what the engine answers fits the client's Schemas and openapi.json", () => {
  for (const operation of operations) {
    const endpoint = Endpoints[operation]
    it.effect(`${operation}: success answers decode with the ${endpoint.response} response Schema`, () =>
      Effect.gen(function*() {
        const decode = responseDecoders[endpoint.response]
        const validate = responseValidator(endpoint.path, "post", 200)
        for (const input of inputs[operation]) {
          const body = encodeRequest(operation, input)
          if (Either.isLeft(body)) throw body.left
          const answer = yield* call("POST", endpoint.path, body.right)
          expect(answer.status).toBe(200)
          expect(Either.isRight(decode(normalizeEnvelope(answer.json)))).toBe(true)
          expect(validate(answer.json)).toBe(true)
        }
      }))

    it.effect(`${operation}: a 422 answer fits HTTPValidationError and the client's ErrorBody`, () =>
      Effect.gen(function*() {
        const answer = yield* call("POST", endpoint.path, { options: { indent: 0 } })
        expect(answer.status).toBe(422)
        const validate = responseValidator(endpoint.path, "post", 422)
        expect({ valid: validate(answer.json), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null })
        expect(Either.isRight(Schema.decodeUnknownEither(KaizenSchema.ErrorBody)(answer.json))).toBe(true)
      }))
  }

  it.effect("health: GET / decodes with HealthResponse and fits the schema (string values only)", () =>
    Effect.gen(function*() {
      const answer = yield* call("GET", "/")
      expect(answer.status).toBe(200)
      expect(Either.isRight(Schema.decodeUnknownEither(KaizenSchema.HealthResponse)(answer.json))).toBe(true)
      expect(responseValidator("/", "get", 200)(answer.json)).toBe(true)
    }))

  it.effect("the other error answers (400, 404, 405, 413) decode with ErrorBody", () =>
    Effect.gen(function*() {
      const answers = [
        yield* call("POST", "/v1/decompress", { data: "a[3]: 1" }),
        yield* call("POST", "/v1/nothing", {}),
        yield* call("GET", "/v1/compress"),
        yield* call("POST", "/v1/compress", { data: "x".repeat(100) }, { maxBodyBytes: 10 })
      ]
      expect(answers.map((answer) => answer.status)).toEqual([400, 404, 405, 413])
      for (const answer of answers) {
        const body = Schema.decodeUnknownEither(KaizenSchema.ErrorBody)(answer.json)
        expect(Either.isRight(body) && typeof body.right.detail).toBe("string")
      }
    }))
})

describe("openapi.json itself", () => {
  it("lists exactly the routes of the contract's endpoint table", () => {
    const documented = Object.entries(openapi.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
      .sort()
    const ours = Object.values(Endpoints).map((endpoint) => `${endpoint.method} ${endpoint.path}`).sort()
    expect(ours).toEqual(documented)
  })
})
