/**
 * The Node transport's own settings (pool, TLS, CA, proxy), from options or `KAIZEN_*`, with
 * curl's `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` lookup when no proxy is set. Only the Node
 * layer reads them: the core knows nothing of sockets.
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { readFileSync } from "node:fs"
import type { Options } from "../KaizenNode.js"
import { fromEither, optionalConfig, positiveInt, validated } from "./config.js"
import { DEFAULT_MAX_CONNECTIONS } from "./defaults.js"
import type { TransportOptions } from "./nodeTransport.js"

const parseProxyUrl = (input: string): Either.Either<string, string> => {
  // A proxy URL may carry a password: messages about it never repeat it.
  const shown = input.includes("@") ? "the value" : `"${input}"`
  try {
    const url = new URL(input.trim())
    return url.protocol === "http:" || url.protocol === "https:"
      ? Either.right(url.href)
      : Either.left(`"${url.protocol}" proxies are not supported; use http://host:port or https://host:port`)
  } catch {
    return Either.left(`${shown} is not a proxy URL; expected e.g. http://proxy.internal:3128`)
  }
}

/** The transport's `KAIZEN_*` variables, as the options they set. */
export const envFields = {
  maxConnections: validated(Config.integer("KAIZEN_MAX_CONNECTIONS"), positiveInt("max connections")).pipe(
    Config.withDefault(DEFAULT_MAX_CONNECTIONS)
  ),
  verifySsl: Config.boolean("KAIZEN_VERIFY_SSL").pipe(Config.withDefault(true)),
  caFile: optionalConfig(Config.nonEmptyString("KAIZEN_CA_FILE")),
  proxy: optionalConfig(validated(Config.nonEmptyString("KAIZEN_PROXY"), parseProxyUrl))
}

const proxyVariable = (name: string) =>
  Config.option(
    validated(Config.nonEmptyString(name.toUpperCase()).pipe(Config.orElse(() => Config.nonEmptyString(name))), parseProxyUrl)
  )

/**
 * The proxy the standard variables name for a target, as curl chooses it: `HTTPS_PROXY` for an
 * `https:` target, `HTTP_PROXY` for `http:` (either case), with `NO_PROXY`.
 */
const standardProxy = (
  target: string
): Config.Config<Option.Option<{ readonly url: string; readonly noProxy: string | undefined }>> =>
  Config.all({
    url: proxyVariable(target.startsWith("https:") ? "https_proxy" : "http_proxy"),
    noProxy: Config.option(Config.string("NO_PROXY").pipe(Config.orElse(() => Config.string("no_proxy"))))
  }).pipe(
    Config.map(({ noProxy, url }) => Option.map(url, (url) => ({ url, noProxy: Option.getOrUndefined(noProxy) })))
  )

// Read when the layer is built: a missing or unreadable file fails the layer, not a call.
const readCa = (options: Options): Effect.Effect<string | undefined, ConfigError.ConfigError> => {
  const file = options.caFile
  if (file === undefined) return Effect.succeed(options.ca)
  return Effect.try({
    try: () => [options.ca, readFileSync(file, "utf8")].filter((pem) => pem !== undefined).join("\n"),
    catch: (cause) =>
      // The value may come from the option or the variable; name both so either reader finds it.
      ConfigError.InvalidData(
        ["caFile"],
        `cannot read the CA file "${file}" (caFile / KAIZEN_CA_FILE): ${(cause as Error).message}`
      )
  })
}

/** The transport options that follow from the client's options, validated. */
export const transportOptions = (
  options: Options,
  baseUrl: string
): Effect.Effect<TransportOptions, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const maxConnections = yield* fromEither("maxConnections", positiveInt("max connections")(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS))
    const ca = yield* readCa(options)
    const proxy = options.proxy === undefined
      ? Option.getOrUndefined(yield* standardProxy(baseUrl))
      : { url: yield* fromEither("proxy", parseProxyUrl(String(options.proxy))) }
    const maxResponseBytes = options.maxResponseBytes === undefined
      ? undefined
      : yield* fromEither("maxResponseBytes", positiveInt("max response bytes")(options.maxResponseBytes))
    return { maxConnections, verifySsl: options.verifySsl ?? true, ca, proxy, maxResponseBytes }
  })
