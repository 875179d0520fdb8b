/**
 * `@kaizen-effect/engine/json`: the JSON helpers the engine and its clients share, without the
 * codec or a tokenizer. Whether a value survives `JSON.stringify` exactly (with the path of
 * what does not), the measure of a value's JSON text without writing it, code points and
 * UTF-8 sizes, and the nesting limit.
 */
export type { JsonProblem } from "./check.js"
export { findJsonProblem, formatPath } from "./check.js"
export { countValues } from "./count.js"
export { MAX_DEPTH } from "./limits.js"
export type { BodyMeasure } from "./measure.js"
export { measureBody } from "./measure.js"
export { codePointLength, codePointPrefix, findLoneSurrogate, utf8Length } from "./text.js"
export type { JsonValue } from "./value.js"
