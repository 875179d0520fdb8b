/**
 * Refuses JSON the engine cannot handle safely before any recursive code sees it.
 *
 * The KTOF codec, `JSON.stringify` and Schema all recurse, so a value nested a few thousand
 * levels deep would overflow the stack; a lone surrogate has no UTF-8 form (the Python
 * service cannot put it in a response); and a number past the double range (`1e400`) is
 * `Infinity` after `JSON.parse`, which no KTOF or JSON text can carry (`JSON.stringify` would
 * write it as `null`). One iterative walk finds the first such problem with its path, so the
 * answer is a clear 4xx instead of a crash or a changed value.
 */
import { MAX_DEPTH } from "./json/limits.js"
import { findLoneSurrogate } from "./json/text.js"

export { MAX_DEPTH }

/** Why a value was refused, and where. */
export interface Problem {
  readonly path: ReadonlyArray<string | number>
  readonly kind: "TooDeep" | "LoneSurrogate" | "NotFinite"
  readonly message: string
}

interface Frame {
  readonly value: unknown
  readonly depth: number
  // Paths are parent links, turned into an array only when a problem is found.
  readonly parent: Frame | undefined
  readonly key: string | number | undefined
}

const pathOf = (frame: Frame | undefined): Array<string | number> => {
  const path: Array<string | number> = []
  for (let f = frame; f !== undefined && f.key !== undefined; f = f.parent) path.push(f.key)
  return path.reverse()
}

const surrogateProblem = (path: Array<string | number>, where: string, unit: string): Problem => ({
  path,
  kind: "LoneSurrogate",
  message: `${where} contains a lone surrogate (${unit}), which has no UTF-8 form; send well-formed Unicode`
})

/**
 * The first problem in a value parsed from JSON, or `undefined`. `maxDepth` counts the
 * containers around the deepest value.
 */
export const findProblem = (value: unknown, maxDepth: number = MAX_DEPTH): Problem | undefined => {
  const stack: Array<Frame> = [{ value, depth: 0, parent: undefined, key: undefined }]
  while (stack.length > 0) {
    const frame = stack.pop()!
    const current = frame.value
    if (typeof current === "string") {
      const unit = findLoneSurrogate(current)
      if (unit !== undefined) return surrogateProblem(pathOf(frame), "the string", unit)
      continue
    }
    if (typeof current === "number") {
      // Parsed JSON holds no NaN; Infinity only comes from a literal too large for a double.
      if (!Number.isFinite(current)) {
        return {
          path: pathOf(frame),
          kind: "NotFinite",
          message: "the number is too large for a double (it overflows to infinity); send it as a string or scale it"
        }
      }
      continue
    }
    if (typeof current !== "object" || current === null) continue
    const depth = frame.depth + 1
    if (depth > maxDepth) {
      return {
        path: pathOf(frame),
        kind: "TooDeep",
        message: `nested more than ${maxDepth} levels deep; the engine refuses deeper values (they would overflow the stack)`
      }
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], depth, parent: frame, key: i })
      continue
    }
    const keys = Object.keys(current)
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!
      const unit = findLoneSurrogate(key)
      if (unit !== undefined) return surrogateProblem(pathOf(frame), `the key ${JSON.stringify(key)}`, unit)
      stack.push({ value: (current as Record<string, unknown>)[key], depth, parent: frame, key })
    }
  }
  return undefined
}
