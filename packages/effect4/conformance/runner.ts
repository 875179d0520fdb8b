/**
 * Runs the conformance scenarios against one line's adapter (no Effect, no test framework):
 * `runOne` for a test framework's `it`, `runAll` for a plain script with a summary.
 */
import type { Adapter, Transport } from "./adapter.js"
import { all, type Scenario } from "./scenarios.js"
import { start, vanished } from "./server.js"

export const runOne = async (adapter: Adapter, scenario: Scenario, transport: Transport): Promise<void> => {
  const server = scenario.server === "vanished" ? undefined : await start(scenario.server)
  try {
    const baseUrl = server === undefined
      ? await vanished()
      : scenario.name.includes("path prefix")
      ? `${server.url}/kaizen/`
      : server.url
    const outcomes = await adapter.run({ ...scenario.client, transport, baseUrl }, scenario.calls)
    scenario.check(outcomes, transport === "local" ? [] : server?.requests ?? [])
  } finally {
    await server?.close()
  }
}

/** Every (scenario, transport) pair. */
export const cases = (): ReadonlyArray<readonly [Scenario, Transport]> =>
  all.flatMap((scenario) => scenario.transports.map((transport) => [scenario, transport] as const))

export const runAll = async (adapter: Adapter): Promise<number> => {
  const failures: Array<string> = []
  const list = cases()
  for (const [scenario, transport] of list) {
    try {
      await runOne(adapter, scenario, transport)
    } catch (error) {
      failures.push(`FAIL [${transport}] ${scenario.name}\n  ${String((error as Error).message ?? error).split("\n").join("\n  ")}`)
    }
  }
  for (const failure of failures) console.log(failure)
  console.log(
    `conformance (${adapter.name}): ${list.length - failures.length} of ${list.length} cases passed (${all.length} scenarios)`
  )
  return failures.length
}
