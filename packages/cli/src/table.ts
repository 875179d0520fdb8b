/**
 * The table that closes a batch: each input's sizes and tokens before and after, and the
 * totals over the inputs that succeeded.
 *
 * @internal
 */
import type { Outcome, Size } from "./outcome.js"
import { change, formatNumber } from "./outcome.js"

/** One input of a batch, as it ended. */
export type Row =
  | { readonly _tag: "Done"; readonly input: string; readonly output: string; readonly outcome: Outcome }
  /** Failed: why was told on standard error as it failed, so the table only says so. */
  | { readonly _tag: "Failed"; readonly input: string }
  /** Not finished when the batch was interrupted (Ctrl-C). */
  | { readonly _tag: "Interrupted"; readonly input: string }

const models = (rows: ReadonlyArray<Row>): Array<string> => {
  const seen = new Set<string>()
  for (const row of rows) {
    if (row._tag === "Done") for (const t of row.outcome.tokens) seen.add(t.model)
  }
  return [...seen]
}

const tokenCell = (outcome: Outcome, model: string): string => {
  const t = outcome.tokens.find((t) => t.model === model)
  return t === undefined ? "" : `${formatNumber(t.before)} → ${formatNumber(t.after)}`
}

const sum = (sizes: ReadonlyArray<Size>): number => sizes.reduce((n, s) => n + s.bytes, 0)

/** Lays out cells in columns: text left-aligned, numbers right-aligned. */
const layout = (header: ReadonlyArray<string>, body: ReadonlyArray<ReadonlyArray<string>>, right: ReadonlySet<number>) => {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r.length > 1 ? r[i]?.length ?? 0 : 0))))
  const line = (cells: ReadonlyArray<string>) =>
    cells.length === 1
      ? cells[0]!
      : cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd()
  return [line(header), ...body.map(line)].join("\n")
}

/** Renders the table, ending with a line break. */
export const render = (rows: ReadonlyArray<Row>): string => {
  const names = models(rows)
  const header = ["input", "output", "bytes before", "after", "change", ...names.map((m) => `${m} tokens`)]
  const body = rows.map((row): Array<string> =>
    row._tag !== "Done"
      ? [row.input, row._tag === "Failed" ? "failed" : "interrupted"]
      : [
        row.input,
        row.output,
        formatNumber(row.outcome.before.bytes),
        formatNumber(row.outcome.after.bytes),
        change(row.outcome.before.bytes, row.outcome.after.bytes),
        ...names.map((m) => tokenCell(row.outcome, m))
      ]
  )
  const done = rows.flatMap((row) => (row._tag === "Done" ? [row.outcome] : []))
  const before = sum(done.map((o) => o.before))
  const after = sum(done.map((o) => o.after))
  const totals = names.map((model) => {
    const counts = done.flatMap((o) => o.tokens.filter((t) => t.model === model))
    const b = counts.reduce((n, t) => n + t.before, 0)
    const a = counts.reduce((n, t) => n + t.after, 0)
    return counts.length === 0 ? "" : `${formatNumber(b)} → ${formatNumber(a)}`
  })
  // The totals are over the inputs that succeeded; with none, there is nothing to add up.
  const total = done.length === 0 ? [`total (0 of ${rows.length})`] : [
    `total (${done.length} of ${rows.length})`,
    "",
    formatNumber(before),
    formatNumber(after),
    change(before, after),
    ...totals
  ]
  return `${layout(header, [...body, total], new Set([2, 3, 4]))}\n`
}
