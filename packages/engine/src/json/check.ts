/**
 * Checks that a value survives `JSON.stringify` unchanged in meaning.
 *
 * `JSON.stringify` is lossy without a word: `NaN` becomes `null`, a `Map` becomes `{}`,
 * `new Number(NaN)` and an Invalid Date become `null`, a BigInt or a cycle throws, a function
 * disappears, and a getter, a `toJSON` or a Proxy trap may throw while it writes. A prompt that
 * changes silently on the wire is worse than one refused, so requests are checked first and
 * the first problem is reported with its path, before anything is sent.
 *
 * The walk is iterative so that a deeply nested value cannot overflow the stack here, and it
 * refuses nesting deeper than the service accepts (limits.ts) instead of relying on a stack
 * overflow somewhere later.
 */
import { MAX_DEPTH } from "./limits.js"

export interface JsonProblem {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

const lossyObject = (value: object): string | undefined => {
  if (value instanceof Map) return "a Map has no JSON form (it would be sent as {}); convert it with Object.fromEntries"
  if (value instanceof Set) return "a Set has no JSON form (it would be sent as {}); convert it with Array.from"
  if (value instanceof WeakMap || value instanceof WeakSet) return "a WeakMap or WeakSet has no JSON form"
  if (value instanceof Promise) return "a Promise has no JSON form; await it first"
  if (value instanceof RegExp) return "a RegExp has no JSON form (it would be sent as {}); convert it to a string"
  if (value instanceof Error) return "an Error has no JSON form (it would be sent as {}); send its message as a string"
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return "binary data has no JSON form; encode it (e.g. base64) as a string"
  }
  return undefined
}

// Paths are kept as parent links and only turned into arrays when a problem is found,
// so checking a large prompt allocates one small frame per node, not one path per node.
interface PathNode {
  readonly parent: PathNode | undefined
  readonly key: string | number
}

const toPath = (node: PathNode | undefined): Array<string | number> => {
  const out: Array<string | number> = []
  for (let n = node; n !== undefined; n = n.parent) out.push(n.key)
  return out.reverse()
}

type Frame =
  | {
    readonly exit: false
    readonly value: unknown
    readonly at: PathNode | undefined
    readonly inArray: boolean
    /** Containers around this value. */
    readonly depth: number
  }
  | { readonly exit: true; readonly value: object }

// The fast path below recurses, so it stops at this depth and leaves deeper values to the walk.
const FAST_DEPTH = 64

/**
 * True when `value` is plainly JSON: primitives JSON carries, arrays, and objects whose
 * prototype is Object's (or null), no deeper than FAST_DEPTH. It allocates nothing, which is
 * what a typical prompt needs; anything else (a Date, a cycle, a problem) is left to the walk.
 * It may throw (a getter, a Proxy trap): the caller then leaves the value to the walk, which
 * says where.
 */
const plainlyJson = (value: unknown, depth: number): boolean => {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true
    case "number":
      return Number.isFinite(value)
    case "object": {
      if (value === null) return true
      if (depth >= FAST_DEPTH) return false
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!plainlyJson(value[i], depth + 1)) return false
        }
        return true
      }
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) return false
      for (const key in value) {
        const field = (value as Record<string, unknown>)[key]
        // An undefined property is dropped by JSON.stringify, as the walk below allows.
        if (field !== undefined && !plainlyJson(field, depth + 1)) return false
      }
      return true
    }
    default:
      return false
  }
}

const isPlainlyJson = (value: unknown): boolean => {
  // for-in above would also list what a polluted Object.prototype adds, which JSON.stringify
  // never writes: then only the walk, which reads own keys, judges.
  for (const _ in Object.prototype) return false
  try {
    return plainlyJson(value, 0)
  } catch {
    return false
  }
}

const threw = (what: string, cause: unknown): string =>
  `${what} threw (${cause instanceof Error ? cause.message : String(cause)}); the value cannot be written as JSON`

/** Returns the first reason `value` cannot be sent as JSON faithfully, or `undefined`. */
export const findJsonProblem = (value: unknown): JsonProblem | undefined => {
  if (isPlainlyJson(value)) return undefined
  const stack: Array<Frame> = [{ exit: false, value, at: undefined, inArray: false, depth: 0 }]
  // Objects on the current path: a repeat is a cycle; a shared (non-cyclic) reference is fine.
  const ancestors = new Set<object>()
  while (stack.length > 0) {
    const frame = stack.pop()!
    if (frame.exit) {
      ancestors.delete(frame.value)
      continue
    }
    const { at, depth } = frame
    let current = frame.value
    switch (typeof current) {
      case "string":
      case "boolean":
        continue
      case "number":
        if (!Number.isFinite(current)) {
          return { path: toPath(at), message: `${current} is not a JSON number (JSON has no NaN or Infinity); send null or a string` }
        }
        continue
      case "bigint":
        return { path: toPath(at), message: "a BigInt is not a JSON number; convert it to a number or a string" }
      case "symbol":
        return { path: toPath(at), message: "a symbol has no JSON form" }
      case "function":
        return { path: toPath(at), message: "a function has no JSON form" }
      case "undefined":
        // JSON.stringify drops an undefined property (as the Python client drops None),
        // but turns an undefined array element into null: refuse only the lossy case.
        if (frame.inArray || at === undefined) {
          return { path: toPath(at), message: "undefined has no JSON form; use null" }
        }
        continue
      case "object": {
        if (current === null) continue
        // Every step below runs user code for a Proxy or an exotic object; what throws is
        // reported here, with its path, instead of escaping as a defect.
        try {
          if (ancestors.has(current)) {
            return { path: toPath(at), message: "circular reference: this value contains itself" }
          }
          if (!Array.isArray(current)) {
            const lossy = lossyObject(current)
            if (lossy !== undefined) return { path: toPath(at), message: lossy }
            // Boxed primitives are written as their primitive: a non-finite Number as null.
            if (current instanceof Number || current instanceof String || current instanceof Boolean) {
              stack.push({ exit: false, value: current.valueOf(), at, inArray: frame.inArray, depth })
              continue
            }
            if (current instanceof Date && !Number.isFinite(current.getTime())) {
              return { path: toPath(at), message: "an Invalid Date has no JSON form (it would be sent as null)" }
            }
            const toJSON = (current as { toJSON?: unknown }).toJSON
            if (typeof toJSON === "function") {
              // Dates and similar: JSON.stringify sends what toJSON returns, so check that.
              const key = at === undefined ? "" : String(at.key)
              try {
                current = toJSON.call(current, key)
              } catch (cause) {
                return { path: toPath(at), message: threw("its toJSON method", cause) }
              }
              if (typeof current !== "object" || current === null) {
                stack.push({ exit: false, value: current, at, inArray: frame.inArray, depth })
                continue
              }
            }
          }
          const node = current as object
          if (depth >= MAX_DEPTH) {
            return {
              path: toPath(at),
              message: `nested more than ${MAX_DEPTH} levels deep; Kaizen refuses deeper documents, flatten it`
            }
          }
          ancestors.add(node)
          stack.push({ exit: true, value: node })
          if (Array.isArray(node)) {
            for (let i = node.length - 1; i >= 0; i--) {
              stack.push({ exit: false, value: node[i], at: { parent: at, key: i }, inArray: true, depth: depth + 1 })
            }
          } else {
            const keys = Object.keys(node)
            for (let i = keys.length - 1; i >= 0; i--) {
              const key = keys[i]!
              const child: PathNode = { parent: at, key }
              let field: unknown
              try {
                field = (node as Record<string, unknown>)[key]
              } catch (cause) {
                return { path: toPath(child), message: threw("reading this property", cause) }
              }
              stack.push({ exit: false, value: field, at: child, inArray: false, depth: depth + 1 })
            }
          }
        } catch (cause) {
          return { path: toPath(at), message: threw("inspecting this value (a Proxy trap or an exotic object)", cause) }
        }
      }
    }
  }
  return undefined
}

// A path longer than this is shown by its ends: `data[0][0][0][0][0]…(995 more)…[0][0]`.
const SHOWN_SEGMENTS = 12

/** Renders a path the way a JavaScript reader writes it: `prompt.messages[0].content`. */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string => {
  if (path.length > SHOWN_SEGMENTS) {
    const head = path.slice(0, SHOWN_SEGMENTS - 3)
    const tail = formatPath(path.slice(path.length - 2)).replace(/^(?=[A-Za-z_$])/, ".")
    return `${formatPath(head)}…(${path.length - head.length - 2} more)…${tail}`
  }
  let out = ""
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`
    else if (typeof segment === "string" && /^[A-Za-z_$][\w$]*$/.test(segment)) out += out === "" ? segment : `.${segment}`
    else out += `[${JSON.stringify(String(segment))}]`
  }
  return out
}
