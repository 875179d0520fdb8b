/**
 * Calls the engine's handler directly (no socket) and parses its JSON answer: the quickest way
 * to check what a route says. `await` works whether the engine answered now or later.
 */
import type { EngineOptions } from "../src/handlers.js"
import { makeHandler } from "../src/handlers.js"
import type { Result } from "../src/result.js"

export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly json: any
}

const encoder = new TextEncoder()
const defaultHandler = makeHandler()

/** `body`: a string is sent as is (so invalid JSON can be sent); anything else as JSON. */
export const call = async (method: string, path: string, body?: unknown, options?: EngineOptions): Promise<Answer> => {
  const handle = options === undefined ? defaultHandler : makeHandler(options)
  const bytes = body === undefined ? new Uint8Array(0) : encoder.encode(typeof body === "string" ? body : JSON.stringify(body))
  const answer = await handle({ method, path, body: bytes })
  return { status: answer.status, headers: answer.headers, json: answer.body === "" ? undefined : JSON.parse(answer.body) }
}

export const post = (path: string, body: unknown, options?: EngineOptions) => call("POST", path, body, options)

/** The value of a success; a failure fails the test with its message. */
export const valueOf = <A>(result: Result<A, { readonly message: string }>): A => {
  if (!result.ok) throw new Error(result.error.message)
  return result.value
}
