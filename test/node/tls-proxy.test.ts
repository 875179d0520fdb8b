/**
 * TLS verification, extra CAs and proxies on the real Node transport, against loopback servers:
 * an HTTPS server whose certificate is signed by a test-only CA (test/fixtures/tls), and a proxy
 * that records whether it was asked to tunnel (CONNECT) or to forward (absolute URI).
 */
import { describe, expect, it } from "@effect/vitest"
import { ConfigError, ConfigProvider, Effect } from "effect"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { KaizenClient, KaizenError, KaizenRequestError } from "../../src/index.js"
import * as KaizenNode from "../../src/KaizenNode.js"
import * as FaultServer from "../support/faultServer.js"
import * as ProxyServer from "../support/proxyServer.js"
import { defaultRetry, withNodeClient } from "../support/clients.js"
import { failOnUnhandledRejections, failureOf } from "../support/realClient.js"

failOnUnhandledRejections()

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url))
const caFile = fixture("ca.crt")
const ca = readFileSync(caFile, "utf8")
const tls = { key: readFileSync(fixture("server.key"), "utf8"), cert: readFileSync(fixture("server.crt"), "utf8") }

const compress = (kaizen: KaizenClient.Service) => kaizen.compress({ data: { a: 1 } })

/** One call through `KaizenNode.layerConfig()` reading only `env`, as if it were the environment. */
const callWithEnv = (env: Record<string, string>) =>
  Effect.flatMap(KaizenClient, compress).pipe(
    Effect.provide(KaizenNode.layerConfig()),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries({ KAIZEN_MAX_RETRIES: "0", ...env }))))
  )

describe("TLS", () => {
  it.scopedLive("default verification refuses a certificate from an unknown CA, as a typed Transport error", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({ tls })
      const error = yield* withNodeClient({ baseUrl: server.url }, (kaizen) => failureOf(compress(kaizen)))

      expect(error).toBeInstanceOf(KaizenRequestError)
      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "Transport" })
      expect(error.message).toMatch(/certificate/i)
      expect(server.requests).toHaveLength(0)
      yield* server.awaitNoOpenSockets()
    }))

  it.scopedLive("a certificate that does not verify is not retried: the same certificate fails the same way", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.make({ tls })
      // The default policy (2 retries) is on: a transient failure would open 3 connections.
      const error = yield* withNodeClient({ baseUrl: server.url, retry: defaultRetry }, (kaizen) => failureOf(compress(kaizen)))

      expect(error).toMatchObject({ _tag: "KaizenRequestError", reason: "Transport" })
      expect(KaizenError.isTransient(error as KaizenRequestError)).toBe(false)
      expect(server.socketsOpened()).toBe(1)
      yield* server.awaitNoOpenSockets()
    }))

  // Each way of trusting the test CA (or of not checking at all) gets the call through.
  const trusted: ReadonlyArray<readonly [string, (url: string) => Effect.Effect<{ readonly result: string }, unknown>]> = [
    ["the ca option (PEM)", (url) => withNodeClient({ baseUrl: url, ca }, compress)],
    ["the caFile option", (url) => withNodeClient({ baseUrl: url, caFile }, compress)],
    ["KAIZEN_CA_FILE in the environment", (url) => callWithEnv({ KAIZEN_BASE_URL: url, KAIZEN_CA_FILE: caFile })],
    ["verifySsl: false", (url) => withNodeClient({ baseUrl: url, verifySsl: false }, compress)]
  ]
  for (const [how, call] of trusted) {
    it.scopedLive(`${how}: the call succeeds`, () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.make({ tls })
        const response = yield* call(server.url)

        expect(response.result).toBe("a: 1")
        expect(server.requests).toHaveLength(1)
        yield* server.awaitNoOpenSockets()
      }))
  }

  it.live("an unreadable CA file (option or KAIZEN_CA_FILE) fails building the layer with a ConfigError naming it", () =>
    Effect.gen(function*() {
      const missing = fixture("no-such-ca.pem")
      const error = yield* failureOf(withNodeClient({ baseUrl: "https://127.0.0.1:1", caFile: missing }, compress))

      expect(ConfigError.isConfigError(error)).toBe(true)
      expect(String(error)).toContain("caFile")
      expect(String(error)).toContain(missing)
      expect(String(error)).toContain("ENOENT")

      const fromEnv = yield* failureOf(callWithEnv({ KAIZEN_BASE_URL: "https://127.0.0.1:1", KAIZEN_CA_FILE: missing }))
      expect(ConfigError.isConfigError(fromEnv)).toBe(true)
      expect(String(fromEnv)).toContain(missing)
    }))
})

describe("proxy", () => {
  interface ProxyCase {
    readonly name: string
    readonly https: boolean
    /** Whether the request must go through the proxy (else straight to the target). */
    readonly proxied: boolean
    readonly call: (target: string, proxy: string) => Effect.Effect<{ readonly result: string }, unknown>
  }
  const cases: ReadonlyArray<ProxyCase> = [
    {
      // undici's ProxyAgent tunnels every target unless `proxyTunnel: false`: no absolute-URI forward.
      name: "the proxy option: a plain-http target is tunnelled with CONNECT, not forwarded",
      https: false,
      proxied: true,
      call: (target, proxy) => withNodeClient({ baseUrl: target, proxy }, compress)
    },
    {
      name: "the proxy option: an https target is tunnelled and verified with the test CA",
      https: true,
      proxied: true,
      call: (target, proxy) => withNodeClient({ baseUrl: target, proxy, ca }, compress)
    },
    {
      name: "HTTPS_PROXY from the environment, https target",
      https: true,
      proxied: true,
      call: (target, proxy) => callWithEnv({ KAIZEN_BASE_URL: target, KAIZEN_CA_FILE: caFile, HTTPS_PROXY: proxy })
    },
    {
      name: "HTTP_PROXY from the environment, http target",
      https: false,
      proxied: true,
      call: (target, proxy) => callWithEnv({ KAIZEN_BASE_URL: target, HTTP_PROXY: proxy })
    },
    {
      name: "KAIZEN_PROXY from the environment",
      https: false,
      proxied: true,
      call: (target, proxy) => callWithEnv({ KAIZEN_BASE_URL: target, KAIZEN_PROXY: proxy })
    },
    {
      name: "NO_PROXY naming the target's host bypasses HTTPS_PROXY",
      https: true,
      proxied: false,
      call: (target, proxy) =>
        callWithEnv({
          KAIZEN_BASE_URL: target,
          KAIZEN_CA_FILE: caFile,
          HTTPS_PROXY: proxy,
          NO_PROXY: "example.internal,127.0.0.1"
        })
    },
    {
      name: "NO_PROXY naming another host leaves HTTPS_PROXY in use",
      https: true,
      proxied: true,
      call: (target, proxy) =>
        callWithEnv({ KAIZEN_BASE_URL: target, KAIZEN_CA_FILE: caFile, HTTPS_PROXY: proxy, NO_PROXY: "example.internal" })
    }
  ]

  for (const { call, https, name, proxied } of cases) {
    it.scopedLive(name, () =>
      Effect.gen(function*() {
        const target = yield* FaultServer.make(https ? { tls } : {})
        const proxy = yield* ProxyServer.make
        const response = yield* call(target.url, proxy.url)

        expect(response.result).toBe("a: 1")
        expect(proxy.seen).toEqual(
          proxied ? [{ kind: "connect", method: "CONNECT", target: `127.0.0.1:${target.port}` }] : []
        )
        expect(target.requests.map((r) => r.path)).toEqual(["/v1/compress"])
        // Closing the layer closes the tunnel from the client's end; the proxy then closes its
        // upstream side, so neither server is left with a socket.
        yield* proxy.awaitNoOpenSockets()
        yield* target.awaitNoOpenSockets()
      }))
  }
})
