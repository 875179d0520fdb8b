/**
 * Whose answer an entry is: the fingerprint of the credential a call carries, part of every
 * entry's name, so no call is answered from an entry made under another credential (another
 * tenant's, or a key revoked since).
 *
 * The credential is what the request would carry in the headers that authenticate: the
 * configured API key (sent as `x-api-key` and `Authorization: Bearer`), then the configured
 * headers, then the call's own, each overriding the one before as the client sends them. The
 * fingerprint is an HMAC of those values, never the values: it is computed once for the
 * client's own credential, and per call only when the call brings credential headers.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { staticHeadersOf } from "../internal/headers.js"
import type * as KaizenConfig from "../KaizenConfig.js"
import type { Hmac } from "./digest.js"

/** The headers that carry a credential (names lower-case, as the client sends them). */
export const CREDENTIAL_HEADERS: ReadonlyArray<string> = ["authorization", "proxy-authorization", "x-api-key", "cookie"]

export interface Tenancy {
  /** The fingerprint for a call with these (checked, lower-cased) headers. */
  readonly fingerprint: (callHeaders: Readonly<Record<string, string>> | undefined) => Effect.Effect<string>
}

const SHARED = Effect.succeed("shared")

export const make = (config: KaizenConfig.Resolved, hmac: Hmac, shareAcrossKeys: boolean): Effect.Effect<Tenancy> =>
  Effect.gen(function*() {
    if (shareAcrossKeys) return { fingerprint: () => SHARED }
    const configured = staticHeadersOf(config)
    const credentialOf = (callHeaders: Readonly<Record<string, string>> | undefined): string =>
      JSON.stringify(CREDENTIAL_HEADERS.map((name) => callHeaders?.[name] ?? configured[name] ?? null))
    const fingerprintOf = (callHeaders: Readonly<Record<string, string>> | undefined) =>
      hmac.hex(`credential\n${credentialOf(callHeaders)}`)
    const own = Effect.succeed(yield* fingerprintOf(undefined))
    return {
      fingerprint: (callHeaders) => {
        if (callHeaders === undefined) return own
        for (const name of CREDENTIAL_HEADERS) if (callHeaders[name] !== undefined) return fingerprintOf(callHeaders)
        return own
      }
    }
  })
