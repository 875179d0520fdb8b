/**
 * What the engine package promises about itself: it imports no Effect (in its sources and in
 * its tests), nothing outside its own folder but the codec and the tokenizer, and its version
 * constant is its package.json's.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { ENGINE_VERSION } from "../src/version.js"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")

const sources = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === "fixtures" ? [] : sources(path)
    return path.endsWith(".ts") ? [path] : []
  })

const withoutComments = (code: string) => code.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")
const specifiers = (file: string): Array<string> => {
  const code = withoutComments(readFileSync(file, "utf8"))
  return [
    ...[...code.matchAll(/^(?:import|export)\s+(?:type\s+)?(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm)].map((m) => m[1]!),
    ...[...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!)
  ]
}

describe("the engine's boundaries", () => {
  const files = [...sources(join(root, "src")), ...sources(join(root, "test"))]

  it("finds the files it checks", () => {
    expect(files.length).toBeGreaterThan(30)
  })

  it("imports no effect or @effect/* package, in its sources or its tests", () => {
    const effect = files.flatMap((file) =>
      specifiers(file)
        .filter((s) => s === "effect" || s.startsWith("effect/") || s.startsWith("@effect/"))
        .map((s) => `${relative(root, file)} -> ${s}`)
    )
    expect(effect).toEqual([])
  })

  it("its sources import only each other, the codec and the tokenizer", () => {
    const outside = sources(join(root, "src")).flatMap((file) =>
      specifiers(file)
        .filter((s) => {
          if (s.startsWith(".")) return relative(join(root, "src"), resolve(dirname(file), s)).startsWith("..")
          return s !== "@toon-format/toon" && !s.startsWith("gpt-tokenizer/")
        })
        .map((s) => `${relative(root, file)} -> ${s}`)
    )
    expect(outside).toEqual([])
  })

  it("names its package.json's version", () => {
    expect(ENGINE_VERSION).toBe(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version)
  })
})
