/**
 * The Node transport's `maxResponseBytes` at its exact boundary, through the real layer against
 * a loopback server: a body of exactly the limit is an answer, one byte more is refused, once,
 * as a deterministic failure. (trust.test.ts shows a body far over the limit refused; only the
 * boundary tells `>` from `>=`.)
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit } from "effect"
import { KaizenClient } from "../../src/index.js"
import * as KaizenNode from "../../src/KaizenNode.js"
import { noEnv } from "../support/clients.js"
import * as FaultServer from "../support/faultServer.js"
import { failOnUnhandledRejections, failureOf } from "../support/realClient.js"

failOnUnhandledRejections()

const LIMIT = 4096

/** A valid envelope whose UTF-8 body is exactly `bytes` long (its `result` padded with "x"). */
const envelopeOf = (bytes: number): string => {
  const empty = JSON.stringify({ operation: "compress", status: "success", result: "" })
  const body = JSON.stringify({ operation: "compress", status: "success", result: "x".repeat(bytes - empty.length) })
  expect(Buffer.byteLength(body)).toBe(bytes)
  return body
}

/** One compress call through `KaizenNode.layer({ maxResponseBytes: LIMIT })` against a server answering `body`. */
const callAgainst = (body: string) =>
  Effect.gen(function*() {
    const server = yield* FaultServer.make({ fallback: FaultServer.reply(200, body) })
    const layer = KaizenNode.layer({ baseUrl: server.url, retry: false, maxResponseBytes: LIMIT })
    const exit = yield* Effect.flatMap(KaizenClient, (kaizen) => Effect.exit(kaizen.compress({ data: { a: 1 } }))).pipe(
      Effect.provide(layer),
      Effect.withConfigProvider(noEnv)
    )
    yield* server.awaitNoOpenSockets()
    return { exit, server }
  })

describe("maxResponseBytes on the Node layer", () => {
  it.scopedLive("a body of exactly maxResponseBytes is an answer", () =>
    Effect.gen(function*() {
      const body = envelopeOf(LIMIT)
      const { exit, server } = yield* callAgainst(body)
      expect(Exit.isSuccess(exit) ? exit.value.result : Cause.pretty(exit.cause)).toBe(JSON.parse(body).result)
      expect(server.requests).toHaveLength(1)
    }))

  it.scopedLive("one byte over maxResponseBytes: InvalidResponse naming the option, one attempt", () =>
    Effect.gen(function*() {
      const { exit, server } = yield* callAgainst(envelopeOf(LIMIT + 1))
      const error = yield* failureOf(exit)
      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "InvalidResponse" })
      expect(error.message).toContain("maxResponseBytes")
      expect(server.requests).toHaveLength(1)
    }))
})
