/**
 * The server's budget of what request bodies hold at once, across all requests (bytes, or JSON
 * values): what keeps many concurrent large uploads from taking memory in proportion to their
 * number (the Effect 3 line's src/local/inFlight.ts).
 *
 * Effect's `Semaphore` either waits for permits or takes a fixed number at once; a body of
 * unknown size (chunked, or compressed) must grow its share chunk by chunk and be refused as
 * soon as the total would pass the cap, so the budget is this small counter instead.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"

/** One request's part of the budget. */
export interface Share {
  /**
   * Makes the share cover `total` if the budget allows; false when the other requests' part
   * plus `total` would pass the cap. A request alone is always admitted, so a cap below the
   * body size limit takes large bodies one at a time instead of refusing them all.
   */
  readonly cover: (total: number) => boolean
}

/** A budget shared by all requests. */
export interface InFlight {
  /** A share for one request, given back when the scope closes. */
  readonly share: Effect.Effect<Share, never, Scope.Scope>
  /** What the open shares cover now. */
  readonly held: () => number
}

/** A budget of `capacity`. */
export const make = (capacity: number): InFlight => {
  let held = 0
  const open = () => {
    let mine = 0
    return {
      cover: (total: number): boolean => {
        if (total <= mine) return true
        const others = held - mine
        if (others > 0 && others + total > capacity) return false
        held += total - mine
        mine = total
        return true
      },
      release: (): void => {
        held -= mine
        mine = 0
      }
    }
  }
  return {
    share: Effect.acquireRelease(Effect.sync(open), (share) => Effect.sync(share.release)),
    held: () => held
  }
}
