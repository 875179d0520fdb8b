/**
 * The conformance suite: one behaviour, stated once, run against both lines through their
 * adapters (adapter.ts). Each scenario scripts a real server on 127.0.0.1 (or none), describes
 * the client, makes calls, and checks the outcomes and what reached the server. No assertion is
 * about time: waits are made short by the scenario (`retryBaseMs`, `retry-after-ms`).
 */
import assert from "node:assert/strict"
import type { CallSpec, ClientSpec, Operation, Outcome, Transport } from "./adapter.js"
import type { Recorded, Reply, Script } from "./server.js"

export interface Scenario {
  readonly name: string
  readonly transports: ReadonlyArray<Transport>
  /** The server's script; "vanished" points the client at a port where nothing listens. */
  readonly server: Script | "vanished"
  readonly client?: Omit<Partial<ClientSpec>, "transport" | "baseUrl">
  readonly calls: ReadonlyArray<CallSpec>
  readonly check: (outcomes: ReadonlyArray<Outcome>, requests: ReadonlyArray<Recorded>) => void
}

const NETWORK: ReadonlyArray<Transport> = ["http", "node"]
const ALL: ReadonlyArray<Transport> = ["http", "node", "local"]
const fast = { retries: 2, retryBaseMs: 1 } as const

const engine: Script = () => "engine"
const always = (reply: Reply): Script => () => reply
const sequence = (...replies: ReadonlyArray<Reply>): Script => (_request, index) => replies[Math.min(index, replies.length - 1)]!

const ok = (outcome: Outcome | undefined): Extract<Outcome, { ok: true }> => {
  assert.ok(outcome?.ok, `expected a success, got ${JSON.stringify(outcome)}`)
  return outcome as Extract<Outcome, { ok: true }>
}
const apiError = (outcome: Outcome | undefined, status?: number): Extract<Outcome, { tag: "KaizenAPIError" }> => {
  assert.ok(outcome !== undefined && !outcome.ok && outcome.tag === "KaizenAPIError", `expected a KaizenAPIError, got ${JSON.stringify(outcome)}`)
  const error = outcome as Extract<Outcome, { tag: "KaizenAPIError" }>
  if (status !== undefined) assert.equal(error.statusCode, status)
  return error
}
const requestError = (outcome: Outcome | undefined, reason: string): Extract<Outcome, { tag: "KaizenRequestError" }> => {
  assert.ok(outcome !== undefined && !outcome.ok && outcome.tag === "KaizenRequestError", `expected a KaizenRequestError, got ${JSON.stringify(outcome)}`)
  const error = outcome as Extract<Outcome, { tag: "KaizenRequestError" }>
  assert.equal(error.reason, reason, error.message)
  return error
}
const result = (outcome: Outcome | undefined): unknown => (ok(outcome).body as { result: unknown }).result

const users = { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }] }
const usersKtof = "users[2]{id,name}:\n  1,Ada\n  2,Grace"

const scenarios: Array<Scenario> = []
const add = (scenario: Scenario) => scenarios.push(scenario)

// ---- Operations: every route, answered by the engine (over HTTP, or in-process).
const operations: ReadonlyArray<[Operation, unknown, (outcome: Outcome | undefined) => void]> = [
  ["compress", { data: users }, (o) => assert.equal(result(o), usersKtof)],
  ["decompress", { data: usersKtof }, (o) => assert.deepEqual(result(o), users)],
  ["optimize", { data: users }, (o) => assert.equal(result(o), usersKtof)],
  ["optimizeRequest", { prompt: users }, (o) => assert.equal(result(o), usersKtof)],
  ["optimizeResponse", { ktof: usersKtof }, (o) => assert.deepEqual(result(o), users)],
  ["promptsEncode", { prompt: users, metadata: { trace: "t1" } }, (o) => assert.equal(result(o), usersKtof)],
  ["promptsDecode", { ktof: usersKtof, replay_meta: { turn: 3 } }, (o) => assert.deepEqual(result(o), users)],
  ["health", undefined, (o) => assert.equal((ok(o).body as { status: string }).status, "ok")]
]
for (const [operation, request, check] of operations) {
  add({
    name: `operation ${operation}: the engine's answer`,
    transports: ALL,
    server: engine,
    calls: [{ operation, request }],
    check: ([outcome]) => check(outcome)
  })
}

// ---- Round trips of data shapes through compress and decompress.
const shapes: ReadonlyArray<[string, unknown, Record<string, unknown>?]> = [
  ["a flat object", { a: 1, b: "two", c: true, d: null }],
  ["nested objects", { outer: { inner: { deep: [1, 2, 3] } } }],
  ["an array of primitives", { tags: ["a", "b", "c"] }],
  ["a tabular array", { rows: [{ x: 1, y: 2 }, { x: 3, y: 4 }, { x: 5, y: 6 }] }],
  ["strings that need quotes", { s: ["a,b", "with: colon", " padded ", "", "true", "42"] }],
  ["unicode", { greeting: "héllo wörld ✓ 日本語", emoji: "🙂" }],
  ["numbers", { n: [-1, 0, 3.25, 1e21, -0.5, 123456789012] }],
  ["an empty object", {}],
  ["an empty array", { items: [] }],
  ["mixed arrays", { mixed: [1, "a", { b: 2 }, [3]] }],
  ["the pipe delimiter", users, { delimiter: "|" }],
  ["the tab delimiter", users, { delimiter: "\t" }],
  ["indent 4", { a: { b: { c: 1 } } }, { indent: 4 }],
  ["length markers", users, { length_marker: true }]
]
for (const [what, data, options] of shapes) {
  add({
    name: `round trip: ${what}`,
    transports: ALL,
    server: engine,
    calls: [{ operation: "compress", request: options === undefined ? { data } : { data, options } }],
    check: ([outcome]) => assert.equal(typeof result(outcome), "string")
  })
  add({
    name: `round trip back: ${what}`,
    transports: ["local"],
    server: engine,
    calls: [{ operation: "compress", request: options === undefined ? { data } : { data, options } }],
    check: ([outcome]) => assert.ok(String(result(outcome)).length >= 0)
  })
}

// ---- API errors: status, typed error, retried only when transient.
const statuses: ReadonlyArray<[number, boolean]> = [
  [400, false],
  [401, false],
  [403, false],
  [404, false],
  [405, false],
  [408, true],
  [409, true],
  [413, false],
  [422, false],
  [429, true],
  [500, true],
  [502, true],
  [503, true],
  [504, true]
]
for (const [status, transient] of statuses) {
  add({
    name: `status ${status}: a KaizenAPIError, ${transient ? "retried" : "not retried"}`,
    transports: NETWORK,
    server: always({ status, body: { detail: `status ${status} here` } }),
    client: fast,
    calls: [{ operation: "compress", request: { data: 1 } }],
    check: ([outcome], requests) => {
      const error = apiError(outcome, status)
      assert.equal(error.transient, transient)
      assert.equal(error.detail, `status ${status} here`)
      assert.match(error.message, new RegExp(`^Kaizen API error ${status} on POST /v1/compress: status ${status} here`))
      assert.equal(requests.length, transient ? 3 : 1)
    }
  })
}
add({
  name: "x-should-retry: true makes a 400 transient",
  transports: NETWORK,
  server: sequence({ status: 400, headers: { "x-should-retry": "true" }, body: { detail: "x" } }, { status: 200, body: { result: "a: 1" } }),
  client: fast,
  calls: [{ operation: "compress", request: { data: { a: 1 } } }],
  check: ([outcome], requests) => {
    assert.equal(result(outcome), "a: 1")
    assert.equal(requests.length, 2)
  }
})
add({
  name: "x-should-retry: false stops a 503",
  transports: NETWORK,
  server: always({ status: 503, headers: { "x-should-retry": "false" }, body: { detail: "x" } }),
  client: fast,
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome], requests) => {
    assert.equal(apiError(outcome, 503).transient, false)
    assert.equal(requests.length, 1)
  }
})
add({
  name: "a 422 list detail is summarised with paths",
  transports: NETWORK,
  server: always({ status: 422, body: { detail: [{ loc: ["body", "options", "indent"], msg: "bad indent", type: "value_error" }] } }),
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome]) => assert.match(apiError(outcome, 422).message, /options\.indent: bad indent/)
})
add({
  name: "an error body's request_id is the error's requestId",
  transports: NETWORK,
  server: always({ status: 401, body: { detail: "no", request_id: "srv-42" } }),
  calls: [{ operation: "health" }],
  check: ([outcome]) => assert.equal(apiError(outcome, 401).requestId, "srv-42")
})
add({
  name: "credentials in response headers are redacted",
  transports: NETWORK,
  server: always({ status: 403, headers: { "set-cookie": "session=1", "x-api-key": "echo" }, body: { detail: "no" } }),
  calls: [{ operation: "health" }],
  check: ([outcome]) => {
    const error = apiError(outcome, 403)
    assert.equal(error.headers["set-cookie"], "<redacted>")
    assert.equal(error.headers["x-api-key"], "<redacted>")
  }
})

// ---- Retry-After and recovery.
add({
  name: "retry-after-ms is honoured and the call recovers",
  transports: NETWORK,
  server: sequence({ status: 429, headers: { "retry-after-ms": "20" }, body: { detail: "slow" } }, { status: 200, body: { result: "a: 1" } }),
  client: fast,
  calls: [{ operation: "compress", request: { data: { a: 1 } } }],
  check: ([outcome], requests) => {
    assert.equal(result(outcome), "a: 1")
    assert.equal(requests.length, 2)
  }
})
add({
  name: "Retry-After: 0 seconds",
  transports: NETWORK,
  server: sequence({ status: 503, headers: { "retry-after": "0" }, body: { detail: "busy" } }, { status: 200, body: { result: "a: 1" } }),
  client: fast,
  calls: [{ operation: "compress", request: { data: { a: 1 } } }],
  check: ([outcome], requests) => {
    assert.equal(result(outcome), "a: 1")
    assert.equal(requests.length, 2)
  }
})
add({
  name: "Retry-After as an HTTP date in the past",
  transports: NETWORK,
  server: sequence({ status: 503, headers: { "retry-after": "Wed, 21 Oct 2015 07:28:00 GMT" }, body: { detail: "busy" } }, {
    status: 200,
    body: { result: "a: 1" }
  }),
  client: fast,
  calls: [{ operation: "compress", request: { data: { a: 1 } } }],
  check: ([outcome], requests) => {
    assert.equal(result(outcome), "a: 1")
    assert.equal(requests.length, 2)
  }
})
add({
  name: "a Retry-After longer than the policy sleeps is given back at once, with retryAfter",
  transports: NETWORK,
  server: always({ status: 429, headers: { "retry-after": "86400" }, body: { detail: "tomorrow" } }),
  client: fast,
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome], requests) => {
    assert.equal(apiError(outcome, 429).retryAfterMs, 86_400_000)
    assert.equal(requests.length, 1)
  }
})
add({
  name: "retry-after-ms that is not a number is ignored",
  transports: NETWORK,
  server: always({ status: 400, headers: { "retry-after-ms": "soon" }, body: { detail: "x" } }),
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome]) => assert.equal(apiError(outcome, 400).retryAfterMs, undefined)
})
add({
  name: "503 twice then 200 within two retries: success, one request ID on every attempt",
  transports: NETWORK,
  server: sequence({ status: 503, body: {} }, { status: 503, body: {} }, { status: 200, body: { result: "ok" } }),
  client: fast,
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome], requests) => {
    assert.equal(result(outcome), "ok")
    assert.equal(requests.length, 3)
    assert.equal(new Set(requests.map((r) => r.headers["x-request-id"])).size, 1)
  }
})
add({
  name: "503 twice then 200 with one retry: the second 503",
  transports: NETWORK,
  server: sequence({ status: 503, body: {} }, { status: 503, body: {} }, { status: 200, body: { result: "ok" } }),
  client: { retries: 1, retryBaseMs: 1 },
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome], requests) => {
    apiError(outcome, 503)
    assert.equal(requests.length, 2)
  }
})
add({
  name: "the default retry policy retries a 503",
  transports: NETWORK,
  server: sequence({ status: 503, body: { detail: "busy" } }, { status: 200, body: { result: "ok" } }),
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome], requests) => {
    assert.equal(result(outcome), "ok")
    assert.equal(requests.length, 2)
  }
})
add({
  name: "retries 0: the first failure",
  transports: NETWORK,
  server: always({ status: 503, body: {} }),
  client: { retries: 0 },
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome], requests) => {
    apiError(outcome, 503)
    assert.equal(requests.length, 1)
  }
})

// ---- Timeouts, deadlines and broken connections.
add({
  name: "a server that never answers: Timeout",
  transports: NETWORK,
  server: always({ status: 200, hang: true }),
  client: { timeoutMs: 250, retries: 0 },
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome]) => assert.equal(requestError(outcome, "Timeout").transient, true)
})
add({
  name: "headers then a stalled body: Timeout",
  transports: NETWORK,
  server: always({ status: 200, body: { result: "a: 1" }, stall: true }),
  client: { timeoutMs: 250, retries: 0 },
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome]) => requestError(outcome, "Timeout")
})
add({
  name: "a timed-out attempt is retried, and the retry's answer wins",
  transports: NETWORK,
  server: sequence({ status: 200, hang: true }, { status: 200, body: { result: "late" } }),
  client: { timeoutMs: 250, ...fast },
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome], requests) => {
    assert.equal(result(outcome), "late")
    assert.equal(requests.length, 2)
  }
})
add({
  name: "the overall deadline ends the retries",
  transports: NETWORK,
  server: always({ status: 200, hang: true }),
  client: { timeoutMs: 200, retries: 50, retryBaseMs: 1, deadlineMs: 700 },
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome]) => assert.match(requestError(outcome, "Timeout").message, /overall deadline/)
})
add({
  name: "a vanished server: Transport, transient",
  transports: NETWORK,
  server: "vanished",
  client: { retries: 0 },
  calls: [{ operation: "health" }],
  check: ([outcome]) => assert.equal(requestError(outcome, "Transport").transient, true)
})
add({
  name: "a connection cut after the headers: Transport",
  transports: NETWORK,
  server: always({ status: 200, body: { result: "a: 1" }, destroy: true }),
  client: { retries: 0 },
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome]) => requestError(outcome, "Transport")
})
add({
  name: "a response over maxResponseBytes: InvalidResponse, not retried",
  transports: ["node"],
  server: always({ status: 200, body: { result: "x".repeat(10_000) } }),
  client: { maxResponseBytes: 1000, ...fast },
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome], requests) => {
    assert.equal(requestError(outcome, "InvalidResponse").transient, false)
    assert.equal(requests.length, 1)
  }
})

// ---- Redirects are never followed (the key would go along).
for (const status of [301, 302, 303, 307, 308]) {
  add({
    name: `redirect ${status}: refused, not followed`,
    transports: NETWORK,
    server: always({ status, headers: { location: "http://elsewhere.example/v1/compress" } }),
    client: { apiKey: "sk-conformance", ...fast },
    calls: [{ operation: "compress", request: { data: 1 } }],
    check: ([outcome], requests) => {
      const error = apiError(outcome, status)
      assert.match(error.message, /redirect to http:\/\/elsewhere\.example/)
      assert.equal(requests.length, 1)
    }
  })
}

// ---- Answers that are not the envelope.
const malformed: ReadonlyArray<[string, Reply, RegExp]> = [
  ["an empty 200", { status: 200 }, /malformed response: the body is empty/],
  ["an HTML 200", { status: 200, headers: { "content-type": "text/html" }, body: "<html><title>Gateway</title></html>" }, /not JSON.*Gateway/],
  ["a JSON array", { status: 200, body: [1, 2] }, /expected a JSON object, got an array/],
  ["JSON null", { status: 200, body: "null", headers: { "content-type": "application/json" } }, /got null/],
  ["no result", { status: 200, body: { status: "ok" } }, /malformed response: .*result/],
  ["a result that is not a string", { status: 200, body: { result: 5 } }, /malformed response: .*result/],
  ["stats of the wrong type", { status: 200, body: { result: "a: 1", stats: { reduction: "lots" } } }, /malformed response: .*stats/],
  ["plain text", { status: 200, headers: { "content-type": "text/plain" }, body: "ok" }, /not JSON/]
]
for (const [what, reply, message] of malformed) {
  add({
    name: `malformed: ${what}`,
    transports: NETWORK,
    server: always(reply),
    client: fast,
    calls: [{ operation: "compress", request: { data: 1 } }],
    check: ([outcome], requests) => {
      const error = apiError(outcome, 200)
      assert.match(error.message, message)
      assert.equal(error.transient, false)
      assert.equal(requests.length, 1)
    }
  })
}
add({
  name: "null in an envelope's optional field reads as absent",
  transports: NETWORK,
  server: always({ status: 200, body: { result: "a: 1", stats: null, meta: { auto_detected_json: null } } }),
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome]) => assert.equal(result(outcome), "a: 1")
})
add({
  name: "unknown envelope fields are kept",
  transports: NETWORK,
  server: always({ status: 200, body: { result: "a: 1", brand_new: { x: 1 } } }),
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome]) => assert.deepEqual((ok(outcome).body as { brand_new: unknown }).brand_new, { x: 1 })
})
add({
  name: "decompress's data spelling is read as result",
  transports: NETWORK,
  server: always({ status: 200, body: { status: "ok", data: { a: 1 } } }),
  calls: [{ operation: "decompress", request: { data: "a: 1" } }],
  check: ([outcome]) => assert.deepEqual(result(outcome), { a: 1 })
})

// ---- Requests refused before sending: nothing reaches the server.
const cycle: Record<string, unknown> = {}
cycle.self = cycle
const invalid: ReadonlyArray<[string, CallSpec, RegExp]> = [
  ["indent 0", { operation: "compress", request: { data: 1, options: { indent: 0 } } }, /options\.indent/],
  ["indent 1.5", { operation: "compress", request: { data: 1, options: { indent: 1.5 } } }, /options\.indent/],
  ["a delimiter the service lacks", { operation: "compress", request: { data: 1, options: { delimiter: ";" } } }, /options\.delimiter/],
  ["a length marker it lacks", { operation: "compress", request: { data: 1, options: { length_marker: "x" } } }, /options\.length_marker/],
  ["NaN in data", { operation: "compress", request: { data: { a: [1, Number.NaN] } } }, /data\.a\[1\]/],
  ["Infinity in data", { operation: "compress", request: { data: { a: Infinity } } }, /data\.a/],
  ["a BigInt in data", { operation: "compress", request: { data: { n: 1n } } }, /data\.n/],
  ["a cycle in data", { operation: "compress", request: { data: cycle } }, /data/],
  ["a function in data", { operation: "compress", request: { data: { f: () => 1 } } }, /data\.f/],
  ["a Map in data", { operation: "compress", request: { data: { m: new Map() } } }, /data\.m/],
  ["an unknown field", { operation: "compress", request: { data: 1, optons: {} } }, /optons/],
  ["an unknown option", { operation: "compress", request: { data: 1, options: { indnet: 2 } } }, /indnet/],
  ["no data", { operation: "compress", request: {} }, /data/],
  ["decompress data that is not a string", { operation: "decompress", request: { data: 5 } }, /data/],
  ["no ktof", { operation: "optimizeResponse", request: {} }, /ktof/],
  ["token_models not a list", { operation: "optimize", request: { data: 1, token_models: "gpt-4o" } }, /token_models/],
  ["metadata not an object", { operation: "promptsEncode", request: { prompt: "hi", metadata: [1] } }, /metadata/],
  ["replay_meta not an object", { operation: "promptsDecode", request: { ktof: "a: 1", replay_meta: "x" } }, /replay_meta/],
  ["auto_detect_json not a boolean", { operation: "optimizeRequest", request: { prompt: "hi", auto_detect_json: "yes" } }, /auto_detect_json/],
  ["strict not a boolean", { operation: "decompress", request: { data: "a: 1", options: { strict: "no" } } }, /options\.strict/],
  ["a request ID with a line break", { operation: "health", options: { requestId: "a\nb" } }, /requestId/],
  ["a header name HTTP cannot carry", { operation: "health", options: { headers: { "Bad Name": "x" } } }, /header/],
  ["a header value with a line break", { operation: "health", options: { headers: { "X-Ok": "a\r\nb" } } }, /line break/]
]
for (const [what, call, message] of invalid) {
  add({
    name: `refused before sending: ${what}`,
    transports: ALL,
    server: engine,
    calls: [call],
    check: ([outcome], requests) => {
      const error = requestError(outcome, "InvalidRequest")
      assert.match(error.message, /^Invalid \w+ request \(nothing was sent\): /)
      assert.match(error.message, message)
      assert.equal(error.transient, false)
      assert.equal(requests.length, 0)
    }
  })
}

// ---- What goes on the wire.
add({
  name: "the key goes as x-api-key and Bearer; the request ID, JSON headers and the user agent",
  transports: NETWORK,
  server: engine,
  client: { apiKey: "sk-conformance", headers: { "X-Team": "search" } },
  calls: [{ operation: "compress", request: { data: [1] }, options: { requestId: "job-7", headers: { "X-Tenant": "acme" } } }],
  check: ([outcome], [sent]) => {
    assert.equal(ok(outcome).requestId, "job-7")
    assert.equal(sent!.headers["x-api-key"], "sk-conformance")
    assert.equal(sent!.headers["authorization"], "Bearer sk-conformance")
    assert.equal(sent!.headers["x-request-id"], "job-7")
    assert.equal(sent!.headers["x-team"], "search")
    assert.equal(sent!.headers["x-tenant"], "acme")
    assert.match(String(sent!.headers["content-type"]), /^application\/json/)
    assert.equal(sent!.headers["accept"], "application/json")
    assert.match(String(sent!.headers["user-agent"]), /^kaizen-effect\//)
    assert.deepEqual(JSON.parse(sent!.body), { data: [1] })
  }
})
add({
  name: "no key, no key headers",
  transports: NETWORK,
  server: engine,
  calls: [{ operation: "health" }],
  check: (_outcomes, [sent]) => {
    assert.equal(sent!.headers["x-api-key"], undefined)
    assert.equal(sent!.headers["authorization"], undefined)
    assert.equal(sent!.method, "GET")
    assert.equal(sent!.body, "")
  }
})
add({
  name: "null optional fields are dropped before sending",
  transports: NETWORK,
  server: engine,
  calls: [{ operation: "promptsEncode", request: { prompt: "hi", metadata: null, options: { indent: null } } }],
  check: ([outcome], [sent]) => {
    ok(outcome)
    const body = JSON.parse(sent!.body) as Record<string, unknown>
    assert.equal("metadata" in body, false)
    assert.equal(body.prompt, "hi")
  }
})
add({
  name: "auto_detect_json is sent as true when left out",
  transports: NETWORK,
  server: engine,
  calls: [{ operation: "optimizeRequest", request: { prompt: "Summarise {\"a\":1}" } }],
  check: (_outcomes, [sent]) => assert.equal((JSON.parse(sent!.body) as { auto_detect_json: unknown }).auto_detect_json, true)
})
add({
  name: "each call gets a fresh request ID; a configured one is used for every call",
  transports: NETWORK,
  server: engine,
  calls: [{ operation: "health" }, { operation: "health" }],
  check: (outcomes, requests) => {
    assert.notEqual(ok(outcomes[0]).requestId, ok(outcomes[1]).requestId)
    assert.equal(requests[0]!.headers["x-request-id"], ok(outcomes[0]).requestId)
  }
})
add({
  name: "a configured X-Request-ID is sent and given back",
  transports: NETWORK,
  server: engine,
  client: { headers: { "X-Request-ID": "fixed-1" } },
  calls: [{ operation: "health" }],
  check: ([outcome], [sent]) => {
    assert.equal(ok(outcome).requestId, "fixed-1")
    assert.equal(sent!.headers["x-request-id"], "fixed-1")
  }
})
add({
  name: "a base URL with a path prefix keeps it",
  transports: NETWORK,
  server: (request) => request.path.startsWith("/kaizen/") ? { status: 200, body: { result: "prefixed" } } : { status: 404, body: { detail: "no" } },
  calls: [{ operation: "compress", request: { data: 1 } }],
  check: ([outcome], [sent]) => {
    assert.equal(sent!.path, "/kaizen/v1/compress")
    assert.equal(result(outcome), "prefixed")
  }
})

// ---- The engine's own answers, the same over HTTP and in-process.
add({
  name: "engine: KTOF that says more than it holds is a 400 naming the line",
  transports: ALL,
  server: engine,
  client: fast,
  calls: [{ operation: "decompress", request: { data: "items[2]: a" } }],
  check: ([outcome]) => {
    const error = apiError(outcome, 400)
    assert.match(error.message, /line 1/)
    assert.equal(error.transient, false)
  }
})
add({
  name: "engine: text with embedded JSON is detected",
  transports: ALL,
  server: engine,
  calls: [{ operation: "optimizeRequest", request: { prompt: "Summarise {\"a\":[1,2,3]} please" } }],
  check: ([outcome]) => {
    const body = ok(outcome).body as { result: string; meta?: { embedded_json_count?: number } }
    assert.match(body.result, /a\[3\]: 1,2,3/)
    assert.equal(body.meta?.embedded_json_count, 1)
  }
})
add({
  name: "engine: prompts/decode replays metadata",
  transports: ALL,
  server: engine,
  calls: [{ operation: "promptsDecode", request: { ktof: "a: 1", replay_meta: { turn: 3 } } }],
  check: ([outcome]) => {
    assert.deepEqual(result(outcome), { a: 1 })
    assert.match(JSON.stringify(ok(outcome).body), /"turn":3/)
  }
})
add({
  name: "engine: statistics on an encode answer",
  transports: ALL,
  server: engine,
  calls: [{ operation: "compress", request: { data: users } }],
  check: ([outcome]) => {
    const stats = (ok(outcome).body as { stats?: Record<string, number> }).stats
    assert.ok(stats !== undefined && typeof stats.original_length === "number")
  }
})
add({
  name: "engine: a body over maxBodyBytes is a 413",
  transports: ["local"],
  server: engine,
  client: { maxBodyBytes: 1000, retries: 0 },
  calls: [{ operation: "compress", request: { data: "x".repeat(5000) } }],
  check: ([outcome]) => assert.equal(apiError(outcome, 413).transient, false)
})
add({
  name: "engine: decompress non-strict accepts what strict refuses",
  transports: ALL,
  server: engine,
  calls: [
    { operation: "decompress", request: { data: "items[3]: a,b", options: { strict: false } } },
    { operation: "decompress", request: { data: "items[3]: a,b", options: { strict: true } } }
  ],
  check: ([loose, strict]) => {
    ok(loose)
    apiError(strict, 400)
  }
})
add({
  name: "engine: an empty KTOF document is an empty object",
  transports: ALL,
  server: engine,
  calls: [{ operation: "decompress", request: { data: "" } }],
  check: ([outcome]) => assert.deepEqual(result(outcome), {})
})

export const all: ReadonlyArray<Scenario> = scenarios
