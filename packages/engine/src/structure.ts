/**
 * Which lines may follow which in a KTOF document, checked before the decoder runs.
 *
 * Both the service's decoder and `@toon-format/toon` 2.3.1 skip, without a word, a line that
 * belongs to nothing: one indented deeper than the line above opens, a field where a list
 * expects `- ` items, a line after the end of a root array. Each line at depth `d` must be
 * what the nearest open line above expects at `d`: fields under `key:` or after a list item's
 * first field, `- ` items under `key[N]:`, rows under `key[N]{fields}:`. Anything else is
 * refused, so the engine never answers 200 with less than the text says.
 */

/**
 * The index of the first of `targets` outside double quotes (after `from`); if there is none,
 * -1, or -2 when the text ends inside quotes.
 */
export const findUnquoted = (text: string, targets: string, from = 0): number => {
  let quoted = false
  for (let i = from; i < text.length; i++) {
    const c = text[i]!
    if (quoted && c === "\\") i++
    else if (c === "\"") quoted = !quoted
    else if (!quoted && targets.includes(c)) return i
  }
  return quoted ? -2 : -1
}

/**
 * A tabular row, as the service's decoder tells one from a field: no colon outside quotes, or
 * a delimiter before it.
 */
export const isRow = (content: string, delimiter: string): boolean => {
  const at = findUnquoted(content, delimiter + ":")
  return at < 0 || content[at] === delimiter
}

type Kind = "first" | "fields" | "items" | "rows" | "none"

interface Expected {
  readonly depth: number
  kind: Kind
  readonly delimiter: string
  /** For a list or table: the length its header declares, the header's line, and the count. */
  readonly length?: number
  readonly line?: number
  count: number
}

const headerStart = /^\[#?\d+[,|\t]?\](?:\{.*\})?\s*:/s

// The bracket (and fields) at the end of a key part: `key[#3|]{a|b}`.
const headerEnd = /\[#?(\d+)([,|\t]?)\](\{.*\})?\s*$/s

/** What a key part and the rest after its colon open one level down, if anything. */
const childrenOf = (
  head: string,
  rest: string
): { readonly kind: Kind; readonly delimiter: string; readonly length?: number } | undefined => {
  if (rest.trim().length > 0) return undefined
  const header = headerEnd.exec(head)
  if (header === null) return { kind: "fields", delimiter: "," }
  if (header[1] === "0") return undefined
  return {
    kind: header[3] === undefined ? "items" : "rows",
    delimiter: header[2] === "" ? "," : header[2]!,
    length: Number(header[1])
  }
}

/** A field's name, quoted or bare, as one spelling. */
const fieldName = (raw: string): string => {
  const t = raw.trim()
  return t.length >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.slice(1, -1).replace(/\\(.)/g, "$1") : t
}

/**
 * What is wrong with a table header, if anything: both decoders read values after its colon
 * as an inline array and drop the fields, and keep only the last of two equal fields.
 */
const tableProblem = (head: string, rest: string): string | undefined => {
  const header = headerEnd.exec(head)
  if (header === null || header[3] === undefined) return undefined
  if (rest.trim().length > 0) return "a table header (`key[N]{fields}:`) takes its rows on the lines below, not after the colon"
  const delimiter = header[2] === "" ? "," : header[2]!
  const seen = new Set<string>()
  let rest2 = header[3].slice(1, -1)
  for (let at = findUnquoted(rest2, delimiter); ; at = findUnquoted(rest2, delimiter)) {
    const name = fieldName(at < 0 ? rest2 : rest2.slice(0, at))
    if (seen.has(name)) return `the table header names the field ${JSON.stringify(name)} twice`
    seen.add(name)
    if (at < 0) return undefined
    rest2 = rest2.slice(at + 1)
  }
}

const describe: Record<Kind, string> = {
  first: "",
  fields: "a field (`key: value`)",
  items: "a list item (`- ...`)",
  rows: "a table row",
  none: "nothing"
}

/** A problem and the line it is on. */
export interface Wrong {
  readonly line: number
  readonly message: string
}

/**
 * Checks lines in order: `check` says what is wrong with one, `finish` what is wrong at the
 * end. In strict mode a list or table must hold as many items as its header declares (2.3.1
 * misses some extra `-` items).
 */
export class Structure {
  private readonly stack: Array<Expected> = [{ depth: 0, kind: "first", delimiter: ",", count: 0 }]
  constructor(private readonly strict: boolean) {}

  private close(): Wrong | undefined {
    const done = this.stack.pop()!
    if (!this.strict || done.length === undefined || done.length === done.count) return undefined
    return {
      line: done.line!,
      message: `the header declares ${done.length} ${done.kind === "rows" ? "rows" : "items"}, but ${done.count} follow`
    }
  }

  /** Whatever is still open is complete. */
  finish(): Wrong | undefined {
    while (this.stack.length > 1) {
      const wrong = this.close()
      if (wrong !== undefined) return wrong
    }
    return undefined
  }

  check(depth: number, content: string, line: number): Wrong | string | undefined {
    while (this.stack.length > 1 && this.stack[this.stack.length - 1]!.depth > depth) {
      const wrong = this.close()
      if (wrong !== undefined) return wrong
    }
    const top = this.stack[this.stack.length - 1]!
    if (top.depth < depth) return "the line is indented deeper than the line above opens, so it belongs to no value"
    const item = content === "-" || content.startsWith("- ")
    const body = item ? content.slice(2) : content
    const colon = findUnquoted(body, ":")
    const keyed = colon >= 0 && !body.startsWith("[")
    // 2.3.1 ends a bare key at its first colon, quotes or not; the service's decoder at the
    // first colon outside quotes. Where a field could stand, the two must be the same colon.
    // (A header's own reading is quote-aware in both: `key[2]{"a:b"}:` is fine.)
    const header = colon >= 0 && headerEnd.test(body.slice(0, colon))
    if (top.kind !== "rows" && !header && !body.startsWith("\"")) {
      const raw = body.indexOf(":")
      if (raw >= 0 && raw !== colon) return "a colon inside quotes follows a bare key or value; quote the whole key or value"
    }
    switch (top.kind) {
      case "first":
        // A root array or a single value ends the document at column 1; an object goes on.
        top.kind = keyed && !item ? "fields" : "none"
        break
      case "fields":
        if (item || !keyed) return `expected ${describe.fields} here`
        break
      case "items":
        if (!item) return `expected ${describe.items} here`
        top.count++
        break
      case "rows":
        if (item || !isRow(content, top.delimiter)) return `expected ${describe.rows} here`
        // The service's decoder reads `a,b:c` as a row, 2.3.1 as a field: a colon in a row
        // value must be quoted.
        if (colon >= 0) return "a colon in a table row must be inside quotes"
        top.count++
        break
      case "none":
        return depth === 0
          ? "the document is one array or value, and this line follows its end"
          : "nothing is open at this indentation, so the line belongs to no value"
    }
    if (colon < 0) return undefined
    // The service's decoder takes `key: x [2]: y` for a header (its key running to the `[`),
    // 2.3.1 for a field: a value shaped like a header must be quoted.
    const bracket = findUnquoted(body, "[", colon + 1)
    if (bracket >= 0 && headerStart.test(body.slice(bracket))) {
      return "a bare value holds an array header (`[N]:`); quote the value"
    }
    const table = tableProblem(body.slice(0, colon), body.slice(colon + 1))
    if (table !== undefined) return table
    const children = childrenOf(body.slice(0, colon), body.slice(colon + 1))
    if (item && keyed) {
      // A list item that is an object: its other fields follow one level deeper, and its first
      // field's own lines two levels deeper.
      this.stack.push({ depth: depth + 1, kind: "fields", delimiter: ",", count: 0 })
      if (children !== undefined) this.stack.push({ depth: depth + 2, ...children, line, count: 0 })
    } else if (children !== undefined) {
      this.stack.push({ depth: depth + 1, ...children, line, count: 0 })
    }
    return undefined
  }
}
