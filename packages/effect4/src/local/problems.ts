/**
 * The server's own answers, in the service's (FastAPI's) shape: the refusals of a request
 * before the engine sees it (the Effect 3 line's, in its src/local/server.ts), with the same
 * statuses, headers and messages.
 *
 * @internal
 */
import type { EngineResponse } from "@kaizen-effect/engine"
import { errorResponse } from "@kaizen-effect/engine"
import * as Duration from "effect/Duration"
import type { BodyProblem } from "./requestBody.js"
import { acceptedCodings } from "./requestBody.js"

const problem = (status: number, detail: string, headers: Record<string, string> = {}): EngineResponse => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify({ detail })
})

/** A body over `limit` bytes, as the engine words it. */
export const tooLarge = (limit: number): EngineResponse => errorResponse({ _tag: "PayloadTooLarge", limit })

export const unsupportedCoding = (header: string): EngineResponse =>
  problem(
    415,
    `Content-Encoding ${JSON.stringify(header)} is not supported: send the body as is, or encoded with one of ${acceptedCodings}`,
    { "accept-encoding": acceptedCodings }
  )

export const busy: EngineResponse = problem(
  503,
  "The server holds as many request bodies as it allows; retry shortly",
  { "retry-after": "1" }
)

export const tooManyValues = (limit: number): EngineResponse =>
  problem(413, `Request body too large: it holds more than ${limit} JSON values (objects, arrays, strings, numbers)`)

/** The answer to a body that could not be read, and whether the client may still be sending it. */
export const refusal = (
  failure: BodyProblem,
  settings: { readonly maxBodyBytes: number; readonly bodyTimeout: Duration.Duration }
): { readonly answer: EngineResponse; readonly early: boolean } => {
  switch (failure._tag) {
    case "BodyTooLarge":
      return { answer: tooLarge(settings.maxBodyBytes), early: true }
    case "ServerBusy":
      return { answer: busy, early: true }
    case "Undecodable":
      return {
        answer: problem(400, `The request body is not valid ${failure.coding} data, as its Content-Encoding says`),
        early: true
      }
    case "BodyTimeout":
      return {
        answer: problem(408, `The request body did not arrive within ${Duration.format(settings.bodyTimeout)}`),
        early: false
      }
    // The client went away mid-body: nobody reads this answer, but the fiber ends cleanly.
    case "ClientGone":
      return { answer: problem(400, "The request body could not be read"), early: false }
  }
}
