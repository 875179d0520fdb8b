/**
 * Reads the ratios out of a BENCHMARKS.md written by the benchmark scripts, for `bench:check`
 * (check.ts): the committed file and a fresh run's are read the same way, so their keys match.
 */

/** One ratio read from a table: the median, and the spread when the table gives one. */
export interface Figure {
  readonly value: number
  readonly spread: string | undefined
}

/** The columns whose figures are ratios; the name is the header's text before any ` (`. */
const RATIO_COLUMNS = new Set(["vs undici", "CPU µs/call", "time ratio"])

const cellsOf = (line: string) => line.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim())

/**
 * Every ratio in a BENCHMARKS.md, keyed `section › subsection › row › column`. A row is named by
 * its first cell, and its second when that is not a number (e.g. `64 kaizen-effect compress`).
 * Baseline rows are left out: their ratios are 1 by definition.
 */
export const parseRatios = (text: string): Map<string, Figure> => {
  const figures = new Map<string, Figure>()
  let section = ""
  let subsection = ""
  let headers: ReadonlyArray<string> | undefined
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.startsWith("## ")) [section, subsection, headers] = [line.slice(3).trim(), "", undefined]
    else if (line.startsWith("### ")) [subsection, headers] = [line.slice(4).trim(), undefined]
    else if (!line.startsWith("|")) headers = undefined
    else if (/^\|[\s:|-]+\|$/.test(lines[i + 1]?.trim() ?? "")) {
      headers = cellsOf(line).map((h) => h.split(" (")[0]!)
      i++ // the separator row
    } else if (headers !== undefined) {
      const cells = cellsOf(line)
      const row = /^[\d.]/.test(cells[1] ?? "0") ? cells[0]! : `${cells[0]} ${cells[1]}`
      if (row.includes("(baseline)")) continue
      headers.forEach((header, column) => {
        const cell = cells[column] ?? ""
        const ratio = /(-?\d+(?:\.\d+)?)x/.exec(cell)
        if (!RATIO_COLUMNS.has(header) || ratio === null) return
        const spread = /(\d+\.\d+)–(\d+\.\d+)/.exec(cell)
        const key = [section, subsection, row, header].filter((part) => part !== "").join(" › ")
        figures.set(key, { value: Number(ratio[1]), spread: spread?.[0] })
      })
    }
  }
  return figures
}
