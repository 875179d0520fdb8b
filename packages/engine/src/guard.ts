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

/** A container being walked: its children are visited one at a time, so the stack holds one
 * frame per level of nesting, not one per node (BENCHMARKS.md, "serve's memory"). */
interface Frame {
  readonly container: object
  /** The keys of an object (an array's indices are counted). */
  readonly keys: ReadonlyArray<string> | undefined
  readonly length: number
  next: number
  readonly depth: number
  // Paths are parent links, turned into an array only when a problem is found.
  readonly parent: Frame | undefined
  readonly key: string | number | undefined
}

const pathOf = (frame: Frame | undefined, last?: string | number): Array<string | number> => {
  const path: Array<string | number> = last === undefined ? [] : [last]
  for (let f = frame; f !== undefined && f.key !== undefined; f = f.parent) path.push(f.key)
  return path.reverse()
}

const surrogateProblem = (path: Array<string | number>, where: string, unit: string): Problem => ({
  path,
  kind: "LoneSurrogate",
  message: `${where} contains a lone surrogate (${unit}), which has no UTF-8 form; send well-formed Unicode`
})

/**
 * The first problem in `value`, depth first in key order, or `undefined`. `maxDepth` counts
 * containers: `[[1]]` is 2 levels.
 */
export const findProblem = (value: unknown, maxDepth: number = MAX_DEPTH): Problem | undefined => {
  const stack: Array<Frame> = []
  // Checks one value where `parent` holds it under `key`; a container is opened as a frame.
  const visit = (current: unknown, parent: Frame | undefined, key: string | number | undefined): Problem | undefined => {
    if (typeof current === "string") {
      const unit = findLoneSurrogate(current)
      return unit === undefined ? undefined : surrogateProblem(pathOf(parent, key), "the string", unit)
    }
    if (typeof current === "number") {
      // Parsed JSON holds no NaN; Infinity only comes from a literal too large for a double.
      if (Number.isFinite(current)) return undefined
      return {
        path: pathOf(parent, key),
        kind: "NotFinite",
        message: "the number is too large for a double (it overflows to infinity); send it as a string or scale it"
      }
    }
    if (typeof current !== "object" || current === null) return undefined
    const depth = (parent?.depth ?? 0) + 1
    if (depth > maxDepth) {
      return {
        path: pathOf(parent, key),
        kind: "TooDeep",
        message: `nested more than ${maxDepth} levels deep; the engine refuses deeper values (they would overflow the stack)`
      }
    }
    const keys = Array.isArray(current) ? undefined : Object.keys(current)
    const length = keys === undefined ? (current as Array<unknown>).length : keys.length
    const frame: Frame = { container: current, keys, length, next: 0, depth, parent, key }
    // An object's keys are checked before its values.
    for (const name of keys ?? []) {
      const unit = findLoneSurrogate(name)
      if (unit !== undefined) return surrogateProblem(pathOf(frame), `the key ${JSON.stringify(name)}`, unit)
    }
    stack.push(frame)
    return undefined
  }
  const first = visit(value, undefined, undefined)
  if (first !== undefined) return first
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!
    if (frame.next === frame.length) {
      stack.pop()
      continue
    }
    const i = frame.next++
    let problem: Problem | undefined
    if (frame.keys === undefined) {
      problem = visit((frame.container as Array<unknown>)[i], frame, i)
    } else {
      const key = frame.keys[i]!
      problem = visit((frame.container as Record<string, unknown>)[key], frame, key)
    }
    if (problem !== undefined) return problem
  }
  return undefined
}
