/**
 * The engine against the service's codec, on the committed KTOF fixtures
 * (packages/engine/test/fixtures/ktof/reference.json, written by scripts/ktof-fixtures.py).
 *
 *   npm run ktof:fidelity          # the fidelity table (README, offline engine section)
 *   npm run ktof:fidelity -- --emit  # the engine's KTOF for each corpus case, as JSON
 *
 * `--emit` is how the fixture script learns what the engine writes, so that the reference's
 * reading of the engine's text is recorded too; the table then checks that the engine still
 * writes exactly that text.
 */
import { readFileSync } from "node:fs"
import { isDeepStrictEqual } from "node:util"
import { decode, encode } from "@kaizen-effect/engine"

interface Case {
  readonly id: string
  readonly json: string
  readonly options: { readonly indent: number; readonly delimiter: "," | "\t" | "|"; readonly lengthMarker: false | "#" }
  readonly ktof?: string
  readonly roundTrips: boolean
  readonly decoded?: string
  readonly roundTripsBeta2?: boolean
  readonly engineKtof?: string
  readonly engineRoundTrips?: boolean
}

const root = new URL("../packages/engine/test/fixtures/ktof/", import.meta.url)
const corpus: ReadonlyArray<Case> = JSON.parse(readFileSync(new URL("corpus.json", root), "utf8")).cases

// JSON's equality: -0 is 0 (both codecs write it `0`).
const normal = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

const engineText = (c: Case): string | undefined => {
  const out = encode(JSON.parse(c.json), { ...c.options, lengthMarker: c.options.lengthMarker === "#" })
  return out.ok ? out.value : undefined
}

if (process.argv.includes("--emit")) {
  process.stdout.write(JSON.stringify(corpus.map((c) => ({ id: c.id, engineKtof: engineText(c) }))))
} else {
  const cases: ReadonlyArray<Case> = JSON.parse(readFileSync(new URL("reference.json", root), "utf8")).cases
  const pct = (n: number, of: number) => `${(100 * n / of).toFixed(1)}% (${n}/${of})`
  const row = (label: string, set: ReadonlyArray<Case>) => {
    let identical = 0, refReads = 0, engineReads = 0, stale = 0
    for (const c of set) {
      const value = JSON.parse(c.json)
      const mine = engineText(c)
      if (mine === c.ktof) identical++
      if (mine !== c.engineKtof) stale++
      else if (c.engineRoundTrips === true) refReads++
      if (c.ktof !== undefined) {
        const back = decode(c.ktof, { indent: c.options.indent, strict: true })
        if (back.ok && isDeepStrictEqual(normal(back.value), normal(value))) engineReads++
      }
    }
    console.log(
      `| ${label} | ${set.length} | ${pct(identical, set.length)} | ${pct(refReads, set.length)} | ${pct(engineReads, set.length)} |` +
        (stale > 0 ? ` (${stale} engine texts changed since the fixtures were written: rerun the fixture script)` : "")
    )
  }
  console.log("| Cases | Values | Byte-identical to the reference | Reference decodes the engine's KTOF exactly | Engine decodes the reference's KTOF exactly |")
  console.log("| --- | --- | --- | --- | --- |")
  row("Whole corpus", cases)
  row("Values the reference round-trips itself", cases.filter((c) => c.roundTrips || c.roundTripsBeta2 === true))
}
