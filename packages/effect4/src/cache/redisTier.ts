/**
 * The shared tier in Redis, on the process's shared connection (redis.ts): one `GET` per read,
 * one `SET ... PX` per write, the value the envelope's JSON text, the key the entry's HMAC name
 * under a versioned prefix. A read checks the value against the envelope's Schema (`Schema.is`,
 * no copy); anything else is a miss.
 *
 * Not through `effect/persistence`'s Redis `Persistence`: that needs a `Redis` service of its
 * own (one connection per process is shared with the fleet limit here) and stores an encoded
 * `Exit` around the envelope, a second encoding on every hit.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Responses from "../contract/responses.js"
import { increment, storeErrors } from "./metrics.js"
import type { Connection, Unavailable } from "./redis.js"
import { CACHE_VERSION, type Tier } from "./store.js"

const isEnvelope = Schema.is(Responses.EncodeResponse)

export const PREFIX = `kaizen-effect:cache:${CACHE_VERSION}:`

export const make = (connection: Connection, common: {
  readonly timeToLive: Duration.Duration
  readonly timeout: Duration.Duration
  readonly retryAfter: Duration.Duration
}): Tier => {
  const timeoutMillis = Duration.toMillis(common.timeout)
  const ttlMillis = Math.max(1, Math.round(Duration.toMillis(common.timeToLive)))
  // After a command that got no answer in time, the cache skips Redis for `retryAfter` (this
  // cache only: the fleet limit on the same connection keeps waiting for its answers).
  let skipUntil = 0

  const guarded = <A>(command: Effect.Effect<A, Unavailable>): Effect.Effect<Option.Option<A>> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      now < skipUntil
        ? Effect.as(increment(storeErrors), Option.none<A>())
        : Effect.matchEffect(command, {
          onSuccess: (value) => Effect.succeed(Option.some(value)),
          onFailure: (failure) => {
            if (failure.timedOut) skipUntil = now + Duration.toMillis(common.retryAfter)
            return Effect.andThen(
              Effect.andThen(increment(storeErrors), connection.report(failure)),
              Effect.succeedNone
            )
          }
        }))

  return {
    get: (name) =>
      Effect.map(
        guarded(connection.send((client) => client.get(PREFIX + name), timeoutMillis)),
        (found) =>
          Option.flatMap(Option.flatMap(found, Option.fromNullishOr), (text) => {
            try {
              const value: unknown = JSON.parse(text)
              return isEnvelope(value) ? Option.some<Responses.EncodeResponse>(value) : Option.none()
            } catch {
              return Option.none()
            }
          })
      ),
    set: (name, value) =>
      Effect.asVoid(guarded(connection.send((client) => client.set(PREFIX + name, JSON.stringify(value), "PX", ttlMillis), timeoutMillis)))
  }
}
