/**
 * The clients `npm run bench` compares in its looping harness: raw undici (the baseline),
 * node:http keep-alive, fetch, @effect/platform on NodeHttpClient.layerUndici, and kaizen-effect's
 * `compress` through `KaizenNode.layerConfig()`. Raw clients run as promise loops, Effect clients as
 * looping worker fibers (workers.ts), each timing every call.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, ManagedRuntime } from "effect"
import http from "node:http"
import { Agent, request as undiciRequest } from "undici"
import { KaizenClient } from "kaizen-effect"
import { runWorkers } from "./workers.js"
import * as KaizenNode from "kaizen-effect/node"

/** What every call sends: a small compress request. */
export const payload = { data: { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Linus" }] } }
const payloadText = JSON.stringify(payload)

/** Runs `requests` calls, `concurrency` at a time, recording each call's latency in ms. */
export type Run = (requests: number, concurrency: number, latencies: Float64Array) => Promise<void>

/** A client under test: `open` builds it (its own pool), `run` makes calls, `close` frees it. */
export interface Client {
  readonly name: string
  readonly open: () => Promise<{ readonly run: Run; readonly close: () => Promise<void> }>
}

/** Runs `requests` calls of a promise-returning function over `concurrency` workers. */
const promiseRunner = (call: () => Promise<unknown>): Run => async (requests, concurrency, latencies) => {
  let next = 0
  const worker = async () => {
    while (next < requests) {
      const i = next++
      const t0 = performance.now()
      await call()
      latencies[i] = performance.now() - t0
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

/** The same for an Effect (see workers.ts), timing each call. */
export const effectRunner =
  <R, E>(runtime: ManagedRuntime.ManagedRuntime<R, E>, call: Effect.Effect<unknown, unknown, R>): Run =>
  async (requests, concurrency, latencies) => {
    await runtime.runPromise(runWorkers(requests, concurrency, (index) =>
      Effect.suspend(() => {
        const start = performance.now()
        return Effect.map(call, () => {
          latencies[index] = performance.now() - start
        })
      })))
  }

/** The compared clients against the server at `origin`; the first is the baseline. */
export const clients = (origin: string): ReadonlyArray<Client> => {
  const url = `${origin}/v1/compress`
  return [
    {
      name: "undici.request (baseline)",
      open: async () => {
        const dispatcher = new Agent()
        const call = async () => {
          const res = await undiciRequest(url, {
            method: "POST",
            dispatcher,
            headers: { "content-type": "application/json", accept: "application/json" },
            body: payloadText
          })
          return res.body.json()
        }
        return { run: promiseRunner(call), close: () => dispatcher.close() }
      }
    },
    {
      name: "node:http keep-alive",
      open: async () => {
        const agent = new http.Agent({ keepAlive: true })
        const call = () =>
          new Promise<unknown>((resolve, reject) => {
            const req = http.request(url, {
              method: "POST",
              agent,
              headers: { "content-type": "application/json", accept: "application/json" }
            }, (res) => {
              const chunks: Array<Buffer> = []
              res.on("data", (c: Buffer) => chunks.push(c))
              res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))))
              res.on("error", reject)
            })
            req.on("error", reject)
            req.end(payloadText)
          })
        return { run: promiseRunner(call), close: async () => agent.destroy() }
      }
    },
    {
      name: "fetch",
      open: async () => {
        const call = async () => {
          const res = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", accept: "application/json" },
            body: payloadText
          })
          return res.json()
        }
        // fetch uses the global dispatcher: there is nothing of its own to close.
        return { run: promiseRunner(call), close: async () => {} }
      }
    },
    {
      name: "@effect/platform layerUndici",
      open: async () => {
        const runtime = ManagedRuntime.make(NodeHttpClient.layerUndici)
        const call = Effect.flatMap(HttpClient.HttpClient, (client) =>
          client.execute(HttpClientRequest.post(url).pipe(HttpClientRequest.bodyText(payloadText, "application/json")))
            .pipe(Effect.flatMap((res) => res.json)))
        return { run: effectRunner(runtime, call), close: () => runtime.dispose() }
      }
    },
    {
      name: "kaizen-effect compress",
      open: async () => {
        // As users get it: layerNode from the environment, retries on (KAIZEN_MAX_RETRIES=2).
        process.env.KAIZEN_BASE_URL = origin
        const runtime = ManagedRuntime.make(KaizenNode.layerConfig())
        const call = Effect.flatMap(KaizenClient, (kaizen) => kaizen.compress(payload))
        return { run: effectRunner(runtime, call), close: () => runtime.dispose() }
      }
    }
  ]
}
