/**
 * Writes a JSON value as KTOF, line by line, in the layout of the service's codec (the Python
 * `toon_format` encoder, followed function for function), with the exceptions listed and
 * explained in `dialect.ts` (rules 5-8 are about layout and are marked below).
 *
 * The writer recurses once per level of nesting; callers refuse values deeper than
 * `MAX_DEPTH` first (guard.ts), so the stack is never at risk.
 */
import { encodeKey, encodePrimitive } from "./dialect.js"

type Primitive = string | number | bigint | boolean | null
type Json = Primitive | ReadonlyArray<unknown> | { readonly [key: string]: unknown }

/** How to write KTOF. */
export interface WriteOptions {
  readonly indent: number
  readonly delimiter: "," | "\t" | "|"
  readonly lengthMarker: boolean
}

/** Thrown by a `Writer` whose output would pass its size limit. */
export class OutputTooLarge extends Error {}

const isPrimitive = (value: unknown): value is Primitive => value === null || typeof value !== "object"
const isObject = (value: unknown): value is { readonly [key: string]: unknown } =>
  value !== null && typeof value === "object" && !Array.isArray(value)
const allPrimitive = (items: ReadonlyArray<unknown>): boolean => items.every(isPrimitive)

// Lines are joined into one string every this many: a document of millions of short lines
// (an array of `{}` is one `-` line each) holds a few flat strings, not one string object per
// line (BENCHMARKS.md, "serve's memory").
const LINES_PER_CHUNK = 4096

/** Collects indented lines, and stops once they would hold more than `limit` characters. */
class Writer {
  private readonly lines: Array<string> = []
  private readonly chunks: Array<string> = []
  private size = 0
  private readonly pads: Array<string> = [""]
  constructor(readonly options: WriteOptions, private readonly limit: number) {}

  push(depth: number, content: string): void {
    let pad = this.pads[depth]
    if (pad === undefined) {
      pad = " ".repeat(depth * this.options.indent)
      this.pads[depth] = pad
    }
    this.size += pad.length + content.length + 1
    if (this.size > this.limit) throw new OutputTooLarge()
    this.lines.push(pad + content)
    if (this.lines.length === LINES_PER_CHUNK) {
      this.chunks.push(this.lines.join("\n"))
      this.lines.length = 0
    }
  }

  /** The lines written, as one text. */
  text(): string {
    if (this.lines.length > 0 || this.chunks.length === 0) this.chunks.push(this.lines.join("\n"))
    this.lines.length = 0
    return this.chunks.length === 1 ? this.chunks[0]! : this.chunks.join("\n")
  }

  primitive(value: Primitive): string {
    return encodePrimitive(value, this.options.delimiter)
  }

  /** `key[#N|]{a|b}:`; rule 5: an empty key is still written. */
  header(key: string | undefined, length: number, fields?: ReadonlyArray<string>): string {
    const { delimiter, lengthMarker } = this.options
    const bracket = `[${lengthMarker ? "#" : ""}${length}${delimiter === "," ? "" : delimiter}]`
    const braces = fields === undefined || fields.length === 0 ? "" : `{${fields.map(encodeKey).join(delimiter)}}`
    return `${key === undefined ? "" : encodeKey(key)}${bracket}${braces}:`
  }

  /** An array of primitives on one line: `key[N]: a,b`, or `key[0]:` when empty. */
  inline(key: string | undefined, items: ReadonlyArray<unknown>): string {
    const header = this.header(key, items.length)
    if (items.length === 0) return header
    return `${header} ${items.map((item) => this.primitive(item as Primitive)).join(this.options.delimiter)}`
  }
}

/** The fields of a table, if every item is an object with the same keys and primitive values. */
const tableFields = (items: ReadonlyArray<unknown>): ReadonlyArray<string> | undefined => {
  if (!items.every(isObject)) return undefined
  const first = Object.keys(items[0] as object)
  if (first.length === 0) return undefined
  for (const item of items as ReadonlyArray<Record<string, unknown>>) {
    const keys = Object.keys(item)
    // The reference compares key sets, not orders: rows follow the first object's order.
    if (keys.length !== first.length || !first.every((key) => Object.hasOwn(item, key))) return undefined
    if (!keys.every((key) => isPrimitive(item[key]))) return undefined
  }
  return first
}

const writeValue = (w: Writer, value: unknown, depth: number): void => {
  if (isPrimitive(value)) w.push(depth, w.primitive(value))
  else if (Array.isArray(value)) writeArray(w, value, depth, undefined)
  else writeFields(w, value as Record<string, unknown>, depth)
}

const writeFields = (w: Writer, object: Record<string, unknown>, depth: number): void => {
  for (const key of Object.keys(object)) writeField(w, key, object[key], depth)
}

const writeField = (w: Writer, key: string, value: unknown, depth: number): void => {
  if (isPrimitive(value)) w.push(depth, `${encodeKey(key)}: ${w.primitive(value)}`)
  else if (Array.isArray(value)) writeArray(w, value, depth, key)
  else {
    // Rule 5: the reference writes no `key:` line for an empty key.
    w.push(depth, `${encodeKey(key)}:`)
    writeFields(w, value as Record<string, unknown>, depth + 1)
  }
}

const writeArray = (w: Writer, items: ReadonlyArray<unknown>, depth: number, key: string | undefined): void => {
  if (items.length === 0 || allPrimitive(items)) {
    w.push(depth, w.inline(key, items))
    return
  }
  const fields = tableFields(items)
  if (fields !== undefined) {
    w.push(depth, w.header(key, items.length, fields))
    for (const item of items as ReadonlyArray<Record<string, unknown>>) {
      w.push(depth + 1, fields.map((field) => w.primitive(item[field] as Primitive)).join(w.options.delimiter))
    }
    return
  }
  w.push(depth, w.header(key, items.length))
  for (const item of items) writeItem(w, item, depth + 1)
}

/** One `- ` item of a list. */
const writeItem = (w: Writer, item: unknown, depth: number): void => {
  if (isPrimitive(item)) w.push(depth, `- ${w.primitive(item)}`)
  else if (Array.isArray(item)) writeArrayItem(w, item, depth, undefined)
  else writeObjectItem(w, item as Record<string, unknown>, depth)
}

/**
 * An array as a list item, or as the first field of one (`key`): inline when it holds only
 * primitives; otherwise `- key[N]:` with its items listed two levels deeper for a first field
 * (rule 7), or `- [N]:` after a blank line with its items one level deeper for an item (rule 8).
 */
const writeArrayItem = (w: Writer, items: ReadonlyArray<unknown>, depth: number, key: string | undefined): void => {
  if (allPrimitive(items)) {
    w.push(depth, `- ${w.inline(key, items)}`)
    return
  }
  // Rule 8: no layout of this item reads back in Kaizen's decoder; a blank line before it
  // makes that decoder refuse the text (strict) instead of misreading it.
  if (key === undefined) w.push(depth, "")
  w.push(depth, `- ${w.header(key, items.length)}`)
  for (const item of items) writeItem(w, item, key === undefined ? depth + 1 : depth + 2)
}

const writeObjectItem = (w: Writer, object: Record<string, unknown>, depth: number): void => {
  const keys = Object.keys(object)
  if (keys.length === 0) {
    w.push(depth, "-")
    return
  }
  const first = keys[0]!
  const value = object[first]
  if (isPrimitive(value)) w.push(depth, `- ${encodeKey(first)}: ${w.primitive(value)}`)
  else if (Array.isArray(value)) writeArrayItem(w, value, depth, first)
  else {
    // Rule 6: `- key:` with the object's fields two levels deeper, never a bare `-`.
    w.push(depth, `- ${encodeKey(first)}:`)
    writeFields(w, value as Record<string, unknown>, depth + 2)
  }
  for (let i = 1; i < keys.length; i++) writeField(w, keys[i]!, object[keys[i]!], depth + 1)
}

/**
 * The KTOF text of a JSON value (`{}` is empty). Throws `OutputTooLarge` past `limit`
 * characters, and a `RangeError` if the stack runs out.
 */
export const writeKtof = (value: unknown, options: WriteOptions, limit: number): string => {
  const w = new Writer(options, limit)
  writeValue(w, value as Json, 0)
  return w.text()
}
