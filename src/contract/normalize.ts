/**
 * The spellings the contract forgives, applied before a Schema sees a body: `null` in an
 * optional request field (Python clients send `None`), and a decode result under `data` (as
 * the docs show `decompress`). Used by the client and by the engine; not public.
 *
 * @internal
 */

const requiredFields = new Set(["data", "prompt", "ktof"])

// Most requests have no null to drop: answer that without copying the request.
const hasNullOption = (input: object): boolean => {
  // Own keys only: a request is what it holds, not what a prototype adds.
  for (const key of Object.keys(input)) {
    const value = (input as Record<string, unknown>)[key]
    if (value === null && !requiredFields.has(key)) return true
    if (key === "options" && typeof value === "object" && value !== null && hasNullOption(value)) return true
  }
  return false
}

/**
 * Drops `null` from the optional fields of a request and of its `options`, as the Python
 * client drops `None`: a payload written for Python (`"metadata": null`) is sent without the
 * field instead of being refused. `null` stays meaningful where it is data (`data`, `prompt`).
 *
 * @internal
 * @example
 * dropNullOptions({ prompt: null, metadata: null }) // { prompt: null }
 */
export const dropNullOptions = (input: unknown): unknown => {
  if (typeof input !== "object" || input === null || Array.isArray(input) || !hasNullOption(input)) return input
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    if (value === null && !requiredFields.has(key)) continue
    const kept = key === "options" ? dropNullOptions(value) : value
    // Defined, not assigned: assigning `__proto__` would set the copy's prototype and drop the
    // key, which the Schema then never sees (and refuses, as it refuses any unknown field).
    Object.defineProperty(out, key, { value: kept, enumerable: true, writable: true, configurable: true })
  }
  return out
}

/**
 * Normalises the spellings the docs use for a decode result: `decompress` is shown
 * returning the value under `data`; the client always exposes it as `result`.
 *
 * @internal
 * @example
 * normalizeEnvelope({ status: "ok", data: { a: 1 } }) // { status: "ok", data: { a: 1 }, result: { a: 1 } }
 */
export const normalizeEnvelope = (body: Record<string, unknown>): Record<string, unknown> =>
  !("result" in body) && "data" in body ? { ...body, result: body.data } : body
