/**
 * The second harness of `npm run bench`, run in a fresh process per measurement (forked by
 * http.ts): the calls written as users write them over an array of inputs, not as looping
 * workers. One warm-up run over the inputs in the same process, then the measured run; the
 * figures go back to the parent over IPC and the process exits.
 *
 *   shapes.ts <shape> <origin> <requests> <concurrency> <warm-up requests>
 *
 * Shapes: `undici` (raw `undici.request`, `JSON.stringify` of each input and `body.json()`, as
 * the baseline), `forEach` (`Effect.forEach(inputs, (data) => kaizen.compress({ data }),
 * { concurrency })`) and `stream` (`KaizenBatch.stream(Stream.fromIterable(inputs), "compress",
 * { concurrency })`), both through `KaizenNode.layerConfig()` as users get it.
 */
import { Effect, Either, ManagedRuntime, Stream } from "effect"
import { Agent, request as undiciRequest } from "undici"
import { KaizenBatch, KaizenClient } from "kaizen-effect"
import { startRssSampler } from "./report.js"
import * as KaizenNode from "kaizen-effect/node"

/** What a measurement sends back to the parent. */
export interface ShapeFigures {
  readonly reqPerSec: number
  readonly cpuMicrosPerCall: number
  readonly peakRssMb: number
}

/** The harness's shapes, in the order a round runs them; the first is the baseline. */
export const shapes = {
  undici: "undici.request over the array (baseline)",
  forEach: "Effect.forEach compress",
  stream: "KaizenBatch.stream compress"
} as const
export type Shape = keyof typeof shapes

const main = async (shape: Shape, origin: string, requests: number, concurrency: number, warmup: number) => {
  // Distinct inputs, as a list of records would be (the server answers them all alike).
  const inputsOf = (n: number) =>
    Array.from({ length: n }, (_, id) => ({ users: [{ id, name: "Ada" }, { id: id + 1, name: "Linus" }] }))
  let runOver: (inputs: ReadonlyArray<unknown>) => Promise<unknown>
  let close: () => Promise<void>
  if (shape === "undici") {
    const dispatcher = new Agent()
    const url = `${origin}/v1/compress`
    const call = async (data: unknown) => {
      const res = await undiciRequest(url, {
        method: "POST",
        dispatcher,
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ data })
      })
      return res.body.json()
    }
    runOver = async (inputs) => {
      let next = 0
      const worker = async () => {
        while (next < inputs.length) await call(inputs[next++])
      }
      await Promise.all(Array.from({ length: concurrency }, worker))
    }
    close = () => dispatcher.close()
  } else {
    process.env.KAIZEN_BASE_URL = origin
    const runtime = ManagedRuntime.make(KaizenNode.layerConfig())
    runOver = shape === "forEach"
      ? (inputs) =>
        runtime.runPromise(Effect.flatMap(KaizenClient, (kaizen) =>
          Effect.forEach(inputs, (data) => kaizen.compress({ data }), { concurrency })))
      : (inputs) =>
        runtime.runPromise(
          KaizenBatch.stream(Stream.fromIterable(inputs.map((data) => ({ data }))), "compress", { concurrency }).pipe(
            // A benchmark whose calls failed measures nothing: stop at the first failure.
            Stream.runForEach((result) => Either.isLeft(result) ? Effect.die(result.left) : Effect.void)
          )
        )
    close = () => runtime.dispose()
  }
  await runOver(inputsOf(warmup))
  const inputs = inputsOf(requests)
  const sampler = startRssSampler()
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await runOver(inputs)
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const peakRssMb = sampler.stop()
  await close()
  const figures: ShapeFigures = {
    reqPerSec: requests / (wall / 1000),
    cpuMicrosPerCall: (cpu.user + cpu.system) / requests,
    peakRssMb
  }
  process.send!(figures, () => process.exit(0))
}

// Run only when forked as a runner (http.ts imports this module for its names).
if (process.send !== undefined && process.argv[2] !== undefined && process.argv[2] in shapes) {
  const [shape, origin, requests, concurrency, warmup] = process.argv.slice(2)
  await main(shape as Shape, origin!, Number(requests), Number(concurrency), Number(warmup))
}
