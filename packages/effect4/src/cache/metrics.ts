/**
 * The cache's and the fleet limit's counters, defined once so every layer adds to the same.
 *
 * @internal
 */
import * as Metric from "effect/Metric"

export const hits: Metric.Counter<number> = Metric.counter("kaizen_cache_hits", {
  description: "Kaizen calls answered without a request of their own: from the cache or by joining an identical call in flight",
  incremental: true
})

export const misses: Metric.Counter<number> = Metric.counter("kaizen_cache_misses", {
  description: "Cacheable Kaizen calls that sent a request",
  incremental: true
})

export const storeErrors: Metric.Counter<number> = Metric.counter("kaizen_cache_store_errors", {
  description: "Cache store operations skipped or failed because the shared store (Redis, files) was unavailable",
  incremental: true
})

export const rateLimitFallbacks: Metric.Counter<number> = Metric.counter("kaizen_rate_limit_fallbacks", {
  description: "Attempts that took the per-process rate limit because the fleet's Redis was unavailable",
  incremental: true
})

/** One more: Effect 4 has `Metric.update` where Effect 3 had `Metric.increment`. */
export const increment = (counter: Metric.Counter<number>) => Metric.update(counter, 1)
