/** The conformance suite shared with the Effect 3 line (conformance/), run on this line. */
import { describe, it } from "@effect/vitest"
import { adapter } from "../conformance/effect4.js"
import { cases, runOne } from "../conformance/runner.js"

describe("conformance: the behaviour both lines share", () => {
  for (const [scenario, transport] of cases()) {
    it(`[${transport}] ${scenario.name}`, () => runOne(adapter, scenario, transport))
  }
})
