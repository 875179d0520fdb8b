/**
 * The shared tier: answers filed in an `@effect/experimental` `ResultPersistence` store
 * (Redis, a `KeyValueStore` such as files, memory), under the SHA-256 of their key, in a
 * namespace of the cache version and the client's base URL.
 *
 * Only successes are written (`timeToLive` is zero for a failure, which the store skips). A
 * stored entry that no longer decodes (written by another version) reads as a miss. The
 * store's outages go through the guard (outage.ts): a read that cannot be made is a miss, a
 * write that cannot be made is dropped.
 *
 * @internal
 */
import * as Persistence from "@effect/experimental/Persistence"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as PrimaryKey from "effect/PrimaryKey"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type * as ConfigError from "effect/ConfigError"
import type { StoreOptions } from "../KaizenCache.js"
import type { Service } from "../KaizenClient.js"
import * as KaizenSchema from "../KaizenSchema.js"
import type { WrapOptions } from "./client.js"
import { digest } from "./key.js"
import { storeErrors } from "./metrics.js"
import { type Guard, makeGuard } from "./outage.js"
import * as settings from "./settings.js"

/** The version of what is stored: bumped when the key or the stored form changes. */
export const CACHE_VERSION = "v1"

/** The entry's name in the store is its digest; its value is the encode route's envelope. */
class Entry extends Schema.TaggedRequest<Entry>()("KaizenCacheEntry", {
  failure: Schema.Never,
  success: KaizenSchema.EncodeResponse,
  payload: { digest: Schema.String }
}) {
  [PrimaryKey.symbol]() {
    return this.digest
  }
}

/** Where answers are shared beyond this process. */
export interface Tier {
  readonly get: (key: string) => Effect.Effect<Option.Option<KaizenSchema.EncodeResponse>>
  readonly set: (key: string, value: KaizenSchema.EncodeResponse) => Effect.Effect<void>
}

const entryOf = (key: string) => Effect.map(Effect.promise(() => digest(key)), (name) => new Entry({ digest: name }))

export const makeTier = (options: {
  readonly namespace: string
  readonly timeToLive: Duration.Duration
  readonly guard: Guard
}): Effect.Effect<Tier, never, Persistence.ResultPersistence | Scope.Scope> =>
  Effect.gen(function*() {
    const persistence = yield* Persistence.ResultPersistence
    const store = yield* persistence.make({
      storeId: options.namespace,
      timeToLive: (_key, exit) => (Exit.isSuccess(exit) ? options.timeToLive : 0)
    })
    return {
      get: (key) =>
        Effect.flatMap(entryOf(key), (entry) =>
          store.get(entry).pipe(
            // An entry this version cannot read is a miss, not an outage.
            Effect.catchIf((error) => error.reason === "ParseError", () => Effect.succeedNone),
            options.guard.run,
            Effect.map((found) =>
              Option.flatMap(Option.flatten(found), (exit) => (Exit.isSuccess(exit) ? Option.some(exit.value) : Option.none()))
            )
          )),
      set: (key, value) =>
        Effect.flatMap(entryOf(key), (entry) => Effect.asVoid(options.guard.run(store.set(entry, Exit.succeed(value)))))
    }
  })

/** A store-backed cache's settings for `inner`: its options checked, its tier made. */
export const settingsFor = (
  inner: Service,
  options: StoreOptions
): Effect.Effect<WrapOptions, ConfigError.ConfigError, Persistence.ResultPersistence | Scope.Scope> =>
  Effect.gen(function*() {
    const guard = makeGuard({
      name: "Kaizen cache: the shared store",
      fallback: "calls go to Kaizen uncached",
      timeout: yield* settings.duration("timeout", options.timeout, "250 millis"),
      retryAfter: yield* settings.duration("retryAfter", options.retryAfter, "5 seconds"),
      counter: storeErrors
    })
    const tier = yield* makeTier({
      namespace: settings.namespace(CACHE_VERSION, inner.config.baseUrl),
      timeToLive: yield* settings.duration("timeToLive", options.timeToLive, "1 day"),
      guard
    })
    return {
      capacity: yield* settings.positiveInteger("capacity", options.capacity, settings.DEFAULT_CAPACITY),
      timeToLive: yield* settings.duration("inMemoryTimeToLive", options.inMemoryTimeToLive, "1 minute"),
      tier
    }
  })
