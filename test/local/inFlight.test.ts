/**
 * The in-flight budget: shares grow as bytes arrive, are refused past the cap unless alone, and
 * are given back with their scope.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import * as InFlight from "../../src/local/inFlight.js"

describe("InFlight", () => {
  it.effect("grows a share up to the cap, refuses past it, and gives it back when the scope closes", () =>
    Effect.gen(function*() {
      const budget = InFlight.make(100)
      const scopeA = yield* Scope.make()
      const a = yield* Scope.extend(budget.share, scopeA)
      expect([a.cover(50), a.cover(80), a.cover(60)]).toEqual([true, true, true])
      expect(budget.held()).toBe(80) // a share only grows
      yield* Effect.scoped(Effect.gen(function*() {
        const b = yield* budget.share
        expect([b.cover(30), b.cover(20)]).toEqual([false, true])
        expect(budget.held()).toBe(100)
      }))
      expect(budget.held()).toBe(80)
      yield* Scope.close(scopeA, Exit.void)
      expect(budget.held()).toBe(0)
    }))

  it.effect("admits a body larger than the whole budget when no other is held", () =>
    Effect.scoped(Effect.gen(function*() {
      const budget = InFlight.make(100)
      const alone = yield* budget.share
      expect(alone.cover(500)).toBe(true)
      const other = yield* budget.share
      expect(other.cover(1)).toBe(false)
    })))
})
