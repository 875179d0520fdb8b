/**
 * The cache key of a request: the operation and the request's JSON meaning, as one string.
 *
 * Two requests get the same key only when the client would send them as the same JSON and
 * judge them alike, so a stored answer is the answer the service would give. Hence the
 * strictness: a key is made only for plain JSON (plain objects and arrays, strings, finite
 * numbers, booleans, null; no `undefined`, no `Date` or other `toJSON` object, no class
 * instance, no lone surrogate, no deeper than the service accepts). Such a value and its JSON text determine each other, so
 * the client's checks (which see the value) decide the same for both. Anything else has no key
 * and goes to Kaizen uncached, where the client accepts or refuses it as usual.
 *
 * What is significant stays in: key order inside `data`, `prompt`, `metadata` and `schemas`
 * (KTOF follows it), `options`, `token_models`, `auto_detect_json`. What is not is normalised:
 * the order of the top-level fields and of `options` (the service reads them by name), and
 * `null` in an optional field (the client's validator drops it, and the key is made from
 * the body it validated: what the client sends). Headers and request IDs are not part of
 * a request's meaning and never reach the key.
 *
 * @internal
 */
import { measureBody } from "@kaizen-effect/engine/json"
import type { BodyOperation } from "../contract/endpoints.js"

const sortedFields = (value: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  // defineProperty: an own "__proto__" field stays a field (assignment would set the prototype).
  for (const key of Object.keys(value).sort()) {
    Object.defineProperty(out, key, { value: value[key], enumerable: true, writable: true, configurable: true })
  }
  return out
}

/**
 * The key of `request` (the body the client's validator returned, nulls dropped) for
 * `operation`, or `undefined` when the request is not plain JSON (it is then sent uncached).
 */
export const cacheKey = (operation: BodyOperation, request: unknown): string | undefined => {
  // A plain object, exactly JSON (json/measure.ts: what its text would parse back to), or no key.
  if (measureBody(request) === undefined) return undefined
  const input = request as Record<string, unknown>
  const names = Object.keys(input).sort()
  let key = `${operation}{`
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!
    const value = input[name]
    const field = name === "options" && typeof value === "object" && value !== null && !Array.isArray(value)
      ? sortedFields(value as Record<string, unknown>)
      : value
    key += `${i === 0 ? "" : ","}${JSON.stringify(name)}:${JSON.stringify(field)}`
  }
  return `${key}}`
}
