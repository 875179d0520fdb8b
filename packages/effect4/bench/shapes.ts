/**
 * The Effect 4 line's runner for the root harness's shapes (bench/shapes.ts runs raw undici and
 * the Effect 3 line): the same calls over the same array of inputs, through this package's built
 * dist/ as users get it (`KaizenNode.layerConfig()` from the environment, retries on), in a fresh
 * process forked by bench/effect4.ts. Same arguments, same figures sent back over IPC:
 *
 *   shapes.ts <shape> <origin> <requests> <concurrency> <warm-up requests>
 *
 * Shapes: `forEach` (`Effect.forEach(inputs, (data) => kaizen.compress({ data }), { concurrency })`)
 * and `stream` (`KaizenBatch.stream(Stream.fromIterable(inputs), "compress", { concurrency })`).
 * Lives in this package so that `effect` resolves to Effect 4 and the client to this dist/.
 */
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import { KaizenBatch, KaizenClient } from "@kaizen-effect/effect4"
import * as KaizenNode from "@kaizen-effect/effect4/node"
import { startRssSampler } from "../../../bench/report.js"
import type { ShapeFigures } from "../../../bench/shapes.js"

/** The shapes this runner measures, with the names the report gives them. */
export const effect4Shapes = {
  forEach: "Effect.forEach compress",
  stream: "KaizenBatch.stream compress"
} as const
export type Effect4Shape = keyof typeof effect4Shapes

const main = async (shape: Effect4Shape, origin: string, requests: number, concurrency: number, warmup: number) => {
  // Distinct inputs, built as bench/shapes.ts builds them, so both lines send the same bodies.
  const inputsOf = (n: number) =>
    Array.from({ length: n }, (_, id) => ({ users: [{ id, name: "Ada" }, { id: id + 1, name: "Linus" }] }))
  process.env.KAIZEN_BASE_URL = origin
  const runtime = ManagedRuntime.make(KaizenNode.layerConfig())
  const runOver = shape === "forEach"
    ? (inputs: ReadonlyArray<unknown>) =>
      runtime.runPromise(Effect.gen(function*() {
        const kaizen = yield* KaizenClient
        return yield* Effect.forEach(inputs, (data) => kaizen.compress({ data }), { concurrency })
      }))
    : (inputs: ReadonlyArray<unknown>) =>
      runtime.runPromise(
        KaizenBatch.stream(Stream.fromIterable(inputs.map((data) => ({ data }))), "compress", { concurrency }).pipe(
          // A benchmark whose calls failed measures nothing: stop at the first failure.
          Stream.runForEach((result) => Result.isFailure(result) ? Effect.die(result.failure) : Effect.void)
        )
      )
  await runOver(inputsOf(warmup))
  const inputs = inputsOf(requests)
  const sampler = startRssSampler()
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await runOver(inputs)
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const peakRssMb = sampler.stop()
  await runtime.dispose()
  const figures: ShapeFigures = {
    reqPerSec: requests / (wall / 1000),
    cpuMicrosPerCall: (cpu.user + cpu.system) / requests,
    peakRssMb
  }
  process.send!(figures, () => process.exit(0))
}

// Run only when forked as a runner (bench/effect4.ts imports this module for its names).
if (process.send !== undefined && process.argv[2] !== undefined && process.argv[2] in effect4Shapes) {
  const [shape, origin, requests, concurrency, warmup] = process.argv.slice(2)
  await main(shape as Effect4Shape, origin!, Number(requests), Number(concurrency), Number(warmup))
}
