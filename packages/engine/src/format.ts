/**
 * A JSON value as the contract's messages show it (`Expected boolean, actual {"a":1}`): the
 * rendering of Effect's `Inspectable.formatUnknown`, which the library's Schemas use, for the
 * values a JSON body can hold. A test in the library compares the two.
 */

/** Renders a value parsed from JSON: strings quoted, objects and arrays without spaces. */
export const formatValue = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(",")}]`
  if (typeof value === "string") return JSON.stringify(value)
  if (typeof value !== "object" || value === null) return String(value)
  const body = `{${Object.keys(value).map((key) => `${JSON.stringify(key)}:${formatValue((value as Record<string, unknown>)[key])}`).join(",")}}`
  // Effect names an object after its constructor; JSON can give an object its own
  // "constructor" field, and then that field's `name` is what Effect shows.
  const ctor = (value as { constructor?: unknown }).constructor as { name?: unknown } | undefined
  return ctor && ctor !== Object && ctor.name ? `${String(ctor.name)}(${body})` : body
}
