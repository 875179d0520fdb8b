/**
 * The Effect 3 line's adapter for the conformance suite, and its runner. Run at the repository
 * root, on the root's Node 20 and tsx (the root installed):
 *
 *   npx tsx packages/effect4/conformance/effect3.ts
 *
 * It drives `kaizen-effect` from the root's sources. `effect` and `@effect/platform` are imported
 * by their paths under the root's node_modules, the very files the root's sources load, because
 * a bare `effect` from this folder would find packages/effect4's Effect 4 first.
 */
import * as Duration from "../../../node_modules/effect/dist/esm/Duration.js"
import * as Effect from "../../../node_modules/effect/dist/esm/Effect.js"
import * as FetchHttpClient from "../../../node_modules/@effect/platform/dist/esm/FetchHttpClient.js"
import { KaizenClient, KaizenError, KaizenLocal, KaizenRetry } from "../../../src/index.js"
import * as KaizenNode from "../../../src/KaizenNode.js"
import type { Adapter, CallSpec, ClientSpec, Outcome } from "./adapter.js"
import { runAll } from "./runner.js"

const optionsOf = (spec: ClientSpec) => ({
  baseUrl: spec.baseUrl,
  apiKey: spec.apiKey,
  headers: spec.headers,
  timeout: spec.timeoutMs === undefined ? undefined : Duration.millis(spec.timeoutMs),
  deadline: spec.deadlineMs === undefined ? undefined : Duration.millis(spec.deadlineMs),
  retry: spec.retries === undefined
    ? undefined
    : KaizenRetry.policy({ maxRetries: spec.retries, base: Duration.millis(spec.retryBaseMs ?? 500) })
})

const clientOf = (spec: ClientSpec) => {
  const options = optionsOf(spec)
  switch (spec.transport) {
    case "http":
      return KaizenClient.make(options).pipe(Effect.provide(FetchHttpClient.layer))
    case "node":
      return KaizenNode.make({ ...options, maxResponseBytes: spec.maxResponseBytes })
    case "local":
      return KaizenLocal.make({ ...options, baseUrl: undefined, maxBodyBytes: spec.maxBodyBytes })
  }
}

const toOutcome = (error: KaizenError.KaizenError): Outcome =>
  error._tag === "KaizenRequestError"
    ? { ok: false, tag: error._tag, reason: error.reason, message: error.message, transient: KaizenError.isTransient(error) }
    : {
      ok: false,
      tag: error._tag,
      statusCode: error.statusCode,
      message: error.message,
      detail: error.detail,
      requestId: error.requestId,
      retryAfterMs: error.retryAfter === undefined ? undefined : Duration.toMillis(error.retryAfter),
      headers: error.headers,
      transient: KaizenError.isTransient(error)
    }

const call = (kaizen: KaizenClient.Service, spec: CallSpec) => {
  const operation = kaizen[spec.operation] as (request: unknown, options?: unknown) => Effect.Effect<{ readonly requestId: string }, KaizenError.KaizenError>
  const effect = spec.operation === "health" ? kaizen.health(spec.options) : operation(spec.request, spec.options)
  return Effect.match(effect, {
    onFailure: toOutcome,
    onSuccess: (response): Outcome => ({ ok: true, body: JSON.parse(JSON.stringify(response)), requestId: response.requestId })
  })
}

export const adapter: Adapter = {
  name: "kaizen-effect (Effect 3)",
  run: (spec, calls) =>
    Effect.runPromise(Effect.scoped(Effect.flatMap(clientOf(spec), (kaizen) => Effect.forEach(calls, (c) => call(kaizen, c)))))
}

const failures = await runAll(adapter)
process.exitCode = failures === 0 ? 0 : 1
