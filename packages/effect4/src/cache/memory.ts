/**
 * This process's answers: a map from an entry's name (a 64-character HMAC, never the request)
 * to the answer, bounded by a count and by bytes, least recently used dropped first.
 *
 * A `Map` keeps insertion order; a hit moves its entry to the end, so the front is always the
 * entry used longest ago, whatever was read how often. An entry expires `timeToLive` after the
 * answer arrived (not after the request was sent). Its size is the answer's JSON length plus a
 * fixed allowance for the name and the bookkeeping: an estimate of what the heap holds for it,
 * the same for every entry, so the budget is honest about the answers themselves.
 *
 * @internal
 */
import type * as Responses from "../contract/responses.js"

/** The name (64 hex characters), the Map's slot and the entry object, counted per entry. */
export const ENTRY_OVERHEAD = 256

interface Entry<A> {
  readonly value: A
  readonly bytes: number
  readonly expiresAt: number
}

export interface Memory<A> {
  /** The answer, moved to the most recently used end; `undefined` if absent or expired. */
  readonly get: (name: string, now: number) => A | undefined
  /** Keeps the answer (unless larger than the whole budget), then drops from the front until within bounds. */
  readonly set: (name: string, value: A, now: number) => void
  readonly size: () => number
  readonly bytes: () => number
  /** Names, least recently used first (tests). */
  readonly names: () => ReadonlyArray<string>
}

export const sizeOf = (value: Responses.EncodeResponse): number => JSON.stringify(value).length + ENTRY_OVERHEAD

export const make = <A>(options: {
  readonly capacity: number
  readonly maxBytes: number
  readonly timeToLiveMillis: number
  readonly sizeOf: (value: A) => number
}): Memory<A> => {
  const entries = new Map<string, Entry<A>>()
  let total = 0
  const drop = (name: string, entry: Entry<A>) => {
    entries.delete(name)
    total -= entry.bytes
  }
  return {
    get: (name, now) => {
      const entry = entries.get(name)
      if (entry === undefined) return undefined
      drop(name, entry)
      if (entry.expiresAt <= now) return undefined
      entries.set(name, entry)
      total += entry.bytes
      return entry.value
    },
    set: (name, value, now) => {
      if (options.timeToLiveMillis <= 0) return
      const old = entries.get(name)
      if (old !== undefined) drop(name, old)
      const bytes = options.sizeOf(value)
      if (bytes > options.maxBytes) return
      entries.set(name, { value, bytes, expiresAt: now + options.timeToLiveMillis })
      total += bytes
      for (const [oldest, entry] of entries) {
        if (entries.size <= options.capacity && total <= options.maxBytes) break
        drop(oldest, entry)
      }
    },
    size: () => entries.size,
    bytes: () => total,
    names: () => [...entries.keys()]
  }
}
