/**
 * The Effect 4 line's runner for bench/effect4.ts (protocol: segments.ts): the calls as users
 * write them over an array of inputs, through this package's built dist/ as users get it
 * (`KaizenNode.layerConfig()` from the environment, retries on). Lives in this package so that
 * `effect` resolves to Effect 4 and the client to this dist/.
 *
 *   effect4.ts <shape> <origin> <concurrency>
 *
 * Shapes: `forEach` (`Effect.forEach(inputs, (data) => kaizen.compress({ data }), { concurrency })`)
 * and `stream` (`KaizenBatch.stream(Stream.fromIterable(inputs), "compress", { concurrency })`).
 */
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import { KaizenBatch, KaizenClient } from "@kaizen-effect/effect4"
import * as KaizenNode from "@kaizen-effect/effect4/node"
import { argsOf, serveSegments } from "./segments.js"

const { concurrency, origin, shape } = argsOf()
process.env.KAIZEN_BASE_URL = origin
const runtime = ManagedRuntime.make(KaizenNode.layerConfig())
const forEach = (inputs: ReadonlyArray<unknown>) =>
  runtime.runPromise(Effect.gen(function*() {
    const kaizen = yield* KaizenClient
    return yield* Effect.forEach(inputs, (data) => kaizen.compress({ data }), { concurrency })
  }))
const stream = (inputs: ReadonlyArray<unknown>) =>
  runtime.runPromise(
    KaizenBatch.stream(Stream.fromIterable(inputs.map((data) => ({ data }))), "compress", { concurrency }).pipe(
      // A benchmark whose calls failed measures nothing: stop at the first failure.
      Stream.runForEach((result) => Result.isFailure(result) ? Effect.die(result.failure) : Effect.void)
    )
  )
if (shape !== "forEach" && shape !== "stream") throw new Error(`effect4.ts: no shape ${shape}`)
serveSegments(shape === "forEach" ? forEach : stream, () => runtime.dispose())
