/**
 * The runner side of bench/effect4.ts: a process that holds one client, warm, and runs a segment
 * of calls whenever the harness asks, so the harness can alternate every contender segment by
 * segment, under a second apart, and the load of a shared machine falls on all of them alike (a
 * fresh process per measurement put seconds between them). Each runner file builds its client
 * and its way of running an array of inputs, then calls {@link serveSegments}.
 *
 * Messages: `{ run: n }` runs n calls and answers {@link SegmentFigures}; `{ close: true }`
 * frees the client and exits. The first message sent is `{ ready: true }`.
 */
import { startRssSampler } from "../../../bench/report.js"

/** What one segment measured, in the runner's process. */
export interface SegmentFigures {
  readonly reqPerSec: number
  readonly cpuMicrosPerCall: number
  readonly peakRssMb: number
}

/** Distinct inputs, as a list of records would be (the server answers them all alike); the root harness's. */
export const inputsOf = (n: number): ReadonlyArray<unknown> =>
  Array.from({ length: n }, (_, id) => ({ users: [{ id, name: "Ada" }, { id: id + 1, name: "Linus" }] }))

/** The arguments the harness forks a runner with: `<shape> <origin> <concurrency>`. */
export const argsOf = (): { readonly shape: string; readonly origin: string; readonly concurrency: number } => ({
  shape: process.argv[2]!,
  origin: process.argv[3]!,
  concurrency: Number(process.argv[4])
})

export const serveSegments = (runOver: (inputs: ReadonlyArray<unknown>) => Promise<unknown>, close: () => Promise<void>) => {
  // One array per size, made before the clock starts, so a segment times the calls alone.
  const arrays = new Map<number, ReadonlyArray<unknown>>()
  process.on("message", async (message: { readonly run?: number; readonly close?: boolean }) => {
    if (message.close === true) {
      await close()
      process.exit(0)
    }
    const n = message.run!
    const inputs = arrays.get(n) ?? inputsOf(n)
    arrays.set(n, inputs)
    const sampler = startRssSampler()
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    await runOver(inputs)
    const wall = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    const figures: SegmentFigures = {
      reqPerSec: n / (wall / 1000),
      cpuMicrosPerCall: (cpu.user + cpu.system) / n,
      peakRssMb: sampler.stop()
    }
    process.send!(figures)
  })
  process.send!({ ready: true })
  // The harness going away ends the run: never outlive it.
  process.on("disconnect", () => process.exit(0))
}
