/**
 * Calls the engine's handler directly (no HttpClient, no socket) and parses its JSON answer,
 * as an Effect: for the library's tests that check what a route says (the contract test).
 */
import type { EngineOptions } from "@kaizen-effect/engine"
import { makeHandler } from "@kaizen-effect/engine"
import { Effect } from "effect"
import { fromEngine } from "../../src/local/answer.js"

export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly json: any
}

const encoder = new TextEncoder()
const defaultHandler = makeHandler()

/** `body`: a string is sent as is (so invalid JSON can be sent); anything else as JSON. */
export const call = (method: string, path: string, body?: unknown, options?: EngineOptions): Effect.Effect<Answer> => {
  const handle = options === undefined ? defaultHandler : makeHandler(options)
  const bytes = body === undefined ? new Uint8Array(0) : encoder.encode(typeof body === "string" ? body : JSON.stringify(body))
  return Effect.map(fromEngine(handle({ method, path, body: bytes })), (answer) => ({
    status: answer.status,
    headers: answer.headers,
    json: answer.body === "" ? undefined : JSON.parse(answer.body)
  }))
}
