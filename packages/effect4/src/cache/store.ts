/**
 * The shared tier: answers in an `effect/persistence` `Persistence` store (over a
 * `KeyValueStore` such as files or memory, SQL, Redis) or in Redis directly (redisTier.ts),
 * filed under the entry's name: an HMAC under the store's secret (client.ts), so the store holds
 * no request and nobody without the secret can tell which request an entry answers.
 *
 * Only successes are written (`timeToLive` is zero for a failure). A stored entry that no longer
 * decodes (written by another version) reads as a miss. The store's outages go through the guard
 * (outage.ts): a read that cannot be made is a miss, a write that cannot be made is dropped.
 *
 * @internal
 */
import type * as Config from "effect/Config"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Persistable from "effect/persistence/Persistable"
import * as Persistence from "effect/persistence/Persistence"
import type * as Scope from "effect/Scope"
import * as Responses from "../contract/responses.js"
import type { StoreOptions } from "../KaizenCache.js"
import type { Service } from "../KaizenClient.js"
import type { WrapOptions } from "./client.js"
import * as Digest from "./digest.js"
import { storeErrors } from "./metrics.js"
import { type Guard, makeGuard } from "./outage.js"
import * as settings from "./settings.js"

/** The version of what is stored: bumped when the names or the stored form change. */
export const CACHE_VERSION = "v2"

/** The entry's name in the store is its HMAC; its value is the encode route's envelope. */
class Entry extends Persistable.Class<{ payload: { readonly name: string } }>()("KaizenCacheEntry", {
  primaryKey: (payload) => payload.name,
  success: Responses.EncodeResponse
}) {}

/** Where answers are shared beyond this process, by entry name. */
export interface Tier {
  readonly get: (name: string) => Effect.Effect<Option.Option<Responses.EncodeResponse>>
  readonly set: (name: string, value: Responses.EncodeResponse) => Effect.Effect<void>
}

export interface Common {
  readonly timeToLive: Duration.Duration
  readonly timeout: Duration.Duration
  readonly retryAfter: Duration.Duration
}

export const makeTier = (options: {
  readonly timeToLive: Duration.Duration
  readonly guard: Guard
}): Effect.Effect<Tier, never, Persistence.Persistence | Scope.Scope> =>
  Effect.gen(function*() {
    const persistence = yield* Persistence.Persistence
    const store = yield* persistence.make({
      storeId: `kaizen-effect:cache:${CACHE_VERSION}`,
      timeToLive: (exit) => (Exit.isSuccess(exit) ? options.timeToLive : 0)
    })
    return {
      get: (name) =>
        store.get(new Entry({ name })).pipe(
          // An entry this version cannot read is a miss, not an outage.
          Effect.catchTag("SchemaError", () => Effect.undefined),
          options.guard.run,
          Effect.map((found) =>
            Option.flatMap(found, (exit) => (exit !== undefined && Exit.isSuccess(exit) ? Option.some(exit.value) : Option.none()))
          )
        ),
      set: (name, value) => Effect.asVoid(options.guard.run(store.set(new Entry({ name }), Exit.succeed(value))))
    }
  })

/** What every cache layer shares: the memory tier's bounds and the entry names' namespace. */
export const memorySettings = (
  inner: Service,
  options: StoreOptions,
  timeToLive: { readonly name: "timeToLive" | "inMemoryTimeToLive"; readonly fallback: Duration.Input }
) =>
  Effect.all({
    capacity: settings.positiveInteger("capacity", options.capacity, settings.DEFAULT_CAPACITY),
    maxBytes: settings.positiveInteger("maxBytes", options.maxBytes, settings.DEFAULT_MAX_BYTES),
    timeToLive: settings.duration(timeToLive.name, options[timeToLive.name], timeToLive.fallback),
    namespace: Effect.succeed(settings.namespace(CACHE_VERSION, inner.config.baseUrl)),
    shareAcrossKeys: Effect.succeed(options.shareAcrossKeys === true)
  })

/** A shared store's settings for `inner`: its options checked, its secret read, its tier made. */
export const settingsFor = <R>(
  inner: Service,
  options: StoreOptions,
  tier: (common: Common) => Effect.Effect<Tier, never, R>
): Effect.Effect<WrapOptions, Config.ConfigError, R> =>
  Effect.gen(function*() {
    const memory = yield* memorySettings(inner, options, { name: "inMemoryTimeToLive", fallback: "1 minute" })
    const common = {
      timeToLive: yield* settings.duration("timeToLive", options.timeToLive, "1 day"),
      timeout: yield* settings.duration("timeout", options.timeout, "250 millis"),
      retryAfter: yield* settings.duration("retryAfter", options.retryAfter, "5 seconds")
    }
    const hmac = yield* Digest.make(yield* settings.secret(options.secret))
    return { ...memory, hmac, tier: yield* tier(common) }
  })

/** The tier over a provided `Persistence`. */
export const persistenceTier = (common: Common) =>
  makeTier({
    timeToLive: common.timeToLive,
    guard: makeGuard({
      name: "Kaizen cache: the shared store",
      fallback: "calls go to Kaizen uncached",
      timeout: common.timeout,
      retryAfter: common.retryAfter,
      counter: storeErrors
    })
  })
