/**
 * The runner of raw undici and the Effect 3 line for bench/effect4.ts (protocol: segments.ts),
 * the same calls as the root harness's bench/shapes.ts: raw `undici.request` over the array (64
 * promise loops, `JSON.stringify` of each input and `body.json()`), and `kaizen-effect`'s
 * `Effect.forEach` and `KaizenBatch.stream` on the root's built dist/ through
 * `KaizenNode.layerConfig()` from the environment (retries on).
 *
 *   effect3.ts <undici | forEach | stream> <origin> <concurrency>
 *
 * It sits beside the Effect 4 runner, where `effect` is Effect 4: the Effect 3 runtime is loaded
 * from the root package's own copy (the module instance `kaizen-effect`'s dist/ imports, so its
 * services are the same ones), and undici from the root's too, as bench/shapes.ts gets them.
 */
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { pathToFileURL } from "node:url"
import { argsOf, serveSegments } from "./segments.js"

const root = createRequire(new URL("../../../package.json", import.meta.url))
const esmOf = (name: string, entry: string) => import(pathToFileURL(join(dirname(root.resolve(`${name}/package.json`)), entry)).href)
// The root's copies, as their package.json exports give them to `import`.
const { Effect, Either, ManagedRuntime, Stream } = await esmOf("effect", "dist/esm/index.js")
const { Agent, request } = await esmOf("undici", "index.js")
const { KaizenBatch, KaizenClient } = await import("kaizen-effect")
const KaizenNode = await import("kaizen-effect/node")

const { concurrency, origin, shape } = argsOf()

if (shape === "undici") {
  const dispatcher = new Agent()
  const url = `${origin}/v1/compress`
  const call = async (data: unknown) => {
    const res = await request(url, {
      method: "POST",
      dispatcher,
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ data })
    })
    return res.body.json()
  }
  const runOver = async (inputs: ReadonlyArray<unknown>) => {
    let next = 0
    const worker = async () => {
      while (next < inputs.length) await call(inputs[next++])
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
  }
  serveSegments(runOver, () => dispatcher.close())
} else if (shape === "forEach" || shape === "stream") {
  process.env.KAIZEN_BASE_URL = origin
  const runtime = ManagedRuntime.make(KaizenNode.layerConfig())
  const forEach = (inputs: ReadonlyArray<unknown>) =>
    runtime.runPromise(Effect.flatMap(KaizenClient, (kaizen: any) =>
      Effect.forEach(inputs, (data: unknown) => kaizen.compress({ data }), { concurrency })))
  const stream = (inputs: ReadonlyArray<unknown>) =>
    runtime.runPromise(
      KaizenBatch.stream(Stream.fromIterable(inputs.map((data) => ({ data }))), "compress", { concurrency }).pipe(
        // A benchmark whose calls failed measures nothing: stop at the first failure.
        Stream.runForEach((result: any) => Either.isLeft(result) ? Effect.die(result.left) : Effect.void)
      )
    )
  serveSegments(shape === "forEach" ? forEach : stream, () => runtime.dispose())
} else {
  throw new Error(`effect3.ts: no shape ${shape}`)
}
