/**
 * The CLI's pure parts, in-process: the command-line rewriting, the secrets it knows, reading
 * `token_stats` in both of the contract's spellings, `--help` kept complete, and the version.
 */
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as CommandDescriptor from "@effect/cli/CommandDescriptor"
import * as HelpDoc from "@effect/cli/HelpDoc"
import { describe, expect, it } from "@effect/vitest"
import { HashMap } from "effect"
import { readFileSync } from "node:fs"
import { kaizen } from "../src/app.js"
import { commandNames, flagsOf, flagWordsOf } from "../src/help.js"
import { normalize, repeatedFlag, secretsOf, STDIN, subcommandOf } from "../src/argv.js"
import { tokensOf } from "../src/outcome.js"
import { scrub } from "../src/terminal.js"
import { version } from "../src/version.js"

describe("version", () => {
  it("kaizen --version prints this package's version (package.json's)", () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
    expect(version).toBe(manifest.version)
  })
})

describe("argv", () => {
  it("- becomes the stdin stand-in before --; after it, names starting with - are made paths", () => {
    expect(normalize(["node", "main.js", "decompress", "-", "--local"])).toEqual(["node", "main.js", "decompress", STDIN, "--local"])
    expect(normalize(["node", "main.js", "compress", "--", "-", "-odd.json", "x.json"])).toEqual(
      ["node", "main.js", "compress", "--", "./-", "./-odd.json", "x.json"]
    )
    expect(subcommandOf(["node", "main.js", "serve", "--port", "0"])).toBe("serve")
    expect(subcommandOf(["node", "main.js", "--help"])).toBe("")
  })

  it("options before the command go after it; an option's value is no command", () => {
    expect(normalize(["node", "main.js", "--local", "--indent", "4", "decompress", "-", "--json"])).toEqual(
      ["node", "main.js", "decompress", "--local", "--indent", "4", STDIN, "--json"]
    )
    expect(normalize(["node", "main.js", "--local"])).toEqual(["node", "main.js", "--local"])
    expect(subcommandOf(["node", "main.js", "--port", "0", "serve"])).toBe("serve")
    expect(subcommandOf(["node", "main.js", "--api-key=k", "-o", "x", "health"])).toBe("health")
  })

  it("a flag given twice is found, but not a repeatable one, a value, or a word after --", () => {
    const flags = flagWordsOf("encode")
    expect(repeatedFlag(["encode", "--token-model", "a", "--token-model", "b", "--metadata", "--json", "--", "--json"], flags))
      .toBeUndefined()
    expect(repeatedFlag(["encode", "-o", "x", "--json", "--output=y", "--json"], flags)).toEqual({ flag: "--output", times: 2 })
  })

  it("the secrets: KAIZEN_API_KEY and --api-key in both spellings; none when empty", () => {
    expect(secretsOf(["node", "main.js", "compress", "--api-key", "k1", "--api-key=k2"], { KAIZEN_API_KEY: " k3 " }))
      .toEqual(["k3", "k1", "k2"])
    expect(secretsOf(["node", "main.js", "--api-key="], { KAIZEN_API_KEY: "" })).toEqual([])
    expect(scrub("key k1 and k1k2", ["k1", "k2"])).toBe("key <redacted> and <redacted><redacted>")
  })
})

describe("token_stats", () => {
  it("reads the service reference's { raw, optimized } and the docs' { model: { original, compressed } }", () => {
    expect(tokensOf({ raw: { "gpt-4o": { tokens: 12, bytes: 40 } }, optimized: { "gpt-4o": { tokens: 7, bytes: 22 } } }))
      .toEqual([{ model: "gpt-4o", before: 12, after: 7 }])
    expect(tokensOf({ "gpt-4o": { original: 12, compressed: 7 }, "gpt-4": { original: 11, compressed: 8 } })).toEqual([
      { model: "gpt-4o", before: 12, after: 7 },
      { model: "gpt-4", before: 11, after: 8 }
    ])
    expect(tokensOf(undefined)).toEqual([])
    expect(tokensOf({ "gpt-4o": { tokens: 3 } })).toEqual([])
  })
})

describe("--help", () => {
  // @effect/cli's own help of a command names every flag it parses (and its built-ins).
  const builtIns = new Set(["--help", "--wizard", "--version", "--completions", "--log-level"])
  const parsed = (name: string): Array<string> => {
    const descriptor = HashMap.unsafeGet(Command.getSubcommands(kaizen), name)
    const text = HelpDoc.toAnsiText(CommandDescriptor.getHelp(descriptor, CliConfig.defaultConfig))
    return [...new Set(text.match(/--[a-z][a-z-]*/g) ?? [])].filter((flag) => !builtIns.has(flag)).sort()
  }

  it("lists every command, and for each exactly the flags it accepts", () => {
    expect([...HashMap.keys(Command.getSubcommands(kaizen))].sort()).toEqual([...commandNames].sort())
    for (const name of commandNames) {
      expect({ name, flags: [...new Set(flagsOf(name))].filter((flag) => flag !== "--help").sort() }).toEqual({
        name,
        flags: parsed(name)
      })
    }
  })
})
