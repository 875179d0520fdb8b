/**
 * The Node transport's own configuration: pool size, TLS verification, CA certificates and the
 * proxy, from options in code or the `KAIZEN_*` variables, with the standard `HTTPS_PROXY` /
 * `HTTP_PROXY` / `NO_PROXY` lookup when no proxy is configured (the Effect 3 line's
 * src/internal/nodeConfig.ts on Effect 4's Config).
 *
 * @internal
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import { readFileSync } from "node:fs"
import type { Options } from "../KaizenNode.js"
import { fromResult, invalid, optionalConfig, positiveInt, validated } from "./config.js"
import { DEFAULT_MAX_CONNECTIONS } from "./defaults.js"
import type { TransportOptions } from "./nodeTransport.js"

const parseProxyUrl = (input: string): Result.Result<string, string> => {
  const shown = input.includes("@") ? "the value" : `"${input}"`
  try {
    const url = new URL(input.trim())
    return url.protocol === "http:" || url.protocol === "https:"
      ? Result.succeed(url.href)
      : Result.fail(`"${url.protocol}" proxies are not supported; use http://host:port or https://host:port`)
  } catch {
    return Result.fail(`${shown} is not a proxy URL; expected e.g. http://proxy.internal:3128`)
  }
}

/** The transport's `KAIZEN_*` variables, as the options they set. */
export const envFields = {
  maxConnections: validated("KAIZEN_MAX_CONNECTIONS", Config.Int("KAIZEN_MAX_CONNECTIONS"), positiveInt("max connections")).pipe(
    Config.withDefault(DEFAULT_MAX_CONNECTIONS)
  ),
  verifySsl: Config.Boolean("KAIZEN_VERIFY_SSL").pipe(Config.withDefault(true)),
  caFile: optionalConfig(Config.NonEmptyString("KAIZEN_CA_FILE")),
  proxy: optionalConfig(validated("KAIZEN_PROXY", Config.NonEmptyString("KAIZEN_PROXY"), parseProxyUrl))
}

const proxyVariable = (name: string) =>
  Config.option(
    validated(name.toUpperCase(), Config.NonEmptyString(name.toUpperCase()).pipe(Config.orElse(() => Config.NonEmptyString(name))), parseProxyUrl)
  )

/** The proxy the standard variables name for a target, as curl chooses it. */
const standardProxy = (target: string) =>
  Config.all({
    url: proxyVariable(target.startsWith("https:") ? "https_proxy" : "http_proxy"),
    noProxy: Config.option(Config.String("NO_PROXY").pipe(Config.orElse(() => Config.String("no_proxy"))))
  }).pipe(
    Config.map(({ noProxy, url }) => Option.map(url, (url) => ({ url, noProxy: Option.getOrUndefined(noProxy) })))
  )

// Read when the layer is built: a missing or unreadable file fails the layer, not a call.
const readCa = (options: Options): Effect.Effect<string | undefined, Config.ConfigError> => {
  const file = options.caFile
  if (file === undefined) return Effect.succeed(options.ca)
  return Effect.try({
    try: () => [options.ca, readFileSync(file, "utf8")].filter((pem) => pem !== undefined).join("\n"),
    catch: (cause) => invalid("caFile", `cannot read the CA file "${file}" (caFile / KAIZEN_CA_FILE): ${(cause as Error).message}`)
  })
}

/** The transport options that follow from the client's options, validated. */
export const transportOptions = (
  options: Options,
  baseUrl: string
): Effect.Effect<TransportOptions, Config.ConfigError> =>
  Effect.gen(function*() {
    const maxConnections = yield* fromResult("maxConnections", positiveInt("max connections")(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS))
    const ca = yield* readCa(options)
    const proxy = options.proxy === undefined
      ? Option.getOrUndefined(yield* standardProxy(baseUrl))
      : { url: yield* fromResult("proxy", parseProxyUrl(String(options.proxy))) }
    const maxResponseBytes = options.maxResponseBytes === undefined
      ? undefined
      : yield* fromResult("maxResponseBytes", positiveInt("max response bytes")(options.maxResponseBytes))
    return { maxConnections, verifySsl: options.verifySsl ?? true, ca, proxy, maxResponseBytes }
  })
