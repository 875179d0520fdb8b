/**
 * HMAC-SHA-256 under a secret, in hex: the names the cache files answers under (in memory and
 * in shared stores) and the fingerprint of a credential. Keyed, so nobody without the secret can
 * confirm a prompt by hashing it, or link an entry to a key.
 *
 * Node's `crypto` when it loads (synchronous, so a hit costs no extra turn), else Web Crypto (browsers, workers; asynchronous). Loaded on demand, so the module
 * imports no Node module.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

export interface Hmac {
  readonly hex: (text: string) => Effect.Effect<string>
}

type NodeCrypto = { readonly createHmac: (algorithm: string, key: Uint8Array) => { update(text: string, encoding: "utf8"): { digest(encoding: "hex"): string } } }

let nodeCrypto: Promise<NodeCrypto | undefined> | undefined
const loadNodeCrypto = (): Promise<NodeCrypto | undefined> =>
  nodeCrypto ??= import("node:crypto").then((m) => m as unknown as NodeCrypto, () => undefined)

const toHex = (bytes: ArrayBuffer): string => {
  let out = ""
  for (const byte of new Uint8Array(bytes)) out += byte.toString(16).padStart(2, "0")
  return out
}

/** An HMAC under `secret` (its bytes are copied; the secret is never shown). */
export const make = (secret: Redacted.Redacted<string> | Uint8Array): Effect.Effect<Hmac> =>
  Effect.promise(async () => {
    const key = secret instanceof Uint8Array ? secret.slice() : new TextEncoder().encode(Redacted.value(secret))
    const node = await loadNodeCrypto()
    if (node !== undefined) {
      return { hex: (text: string) => Effect.sync(() => node.createHmac("sha256", key).update(text, "utf8").digest("hex")) }
    }
    const subtle = globalThis.crypto.subtle
    const cryptoKey = await subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
    return {
      hex: (text: string) =>
        Effect.promise(() => subtle.sign("HMAC", cryptoKey, new TextEncoder().encode(text)).then(toHex))
    }
  })

/** A random secret for what only this process reads (the memory tier). */
export const randomSecret = (): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(32))
