/**
 * `Schema.is` for the contract's own Schemas, compiled to predicates that allocate nothing: Effect's
 * `is` runs the decoding parser, which builds an output object and an issue list per struct, on every
 * request and envelope check (BENCHMARKS.md, "Why the machinery exists").
 *
 * Compiled: structs with optional fields and a string index signature, unions, literals, the primitive
 * keywords, arrays and refinements of keywords. Any other node, and any node whose annotations change
 * how Effect parses it, is checked by Effect's own `is`, so the answer is always Effect's.
 * Same semantics as `ParseResult.is(schema, options)` (`exact: true`): a struct is a non-array object;
 * a required field must be an own property; with `onExcessProperty: "error"` every own key (symbols
 * too) must be a field or match an index signature; index signatures check every string key's value,
 * fields included; arrays allow no elements past their tuple unless they have a rest.
 * test/contract/guard.test.ts compares the two on generated and mutated values of every contract Schema.
 *
 * @internal
 */
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

type Guard = (u: unknown) => boolean

const isRecord = (u: unknown): u is Record<PropertyKey, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** True when Effect's parser would treat `ast` differently from its kind alone. */
const hasParsingAnnotations = (ast: AST.AST): boolean =>
  Option.isSome(AST.getParseOptionsAnnotation(ast)) || Option.isSome(AST.getDecodingFallbackAnnotation(ast))

/** Effect's own `is` for a node this module does not compile. */
const effectIs = (ast: AST.AST, options: AST.ParseOptions): Guard => {
  const is = ParseResult.is(Schema.make(ast), options)
  return (u) => is(u)
}

const compile = (ast: AST.AST, options: AST.ParseOptions): Guard => {
  if (hasParsingAnnotations(ast)) return effectIs(ast, options)
  switch (ast._tag) {
    case "StringKeyword":
      return (u) => typeof u === "string"
    case "NumberKeyword":
      return (u) => typeof u === "number"
    case "BooleanKeyword":
      return (u) => typeof u === "boolean"
    case "UndefinedKeyword":
      return (u) => u === undefined
    case "UnknownKeyword":
    case "AnyKeyword":
      return () => true
    case "Literal": {
      const literal = ast.literal
      return (u) => u === literal
    }
    case "Union": {
      const members = ast.types.map((member) => compile(member, options))
      return (u) => {
        for (const member of members) if (member(u)) return true
        return false
      }
    }
    case "Refinement": {
      // Only over a value that is its own output (a keyword or literal): a refinement of a
      // struct is given the struct's output object, which is Effect's to build.
      if (!isLeaf(ast.from)) return effectIs(ast, options)
      const from = compile(ast.from, options)
      return (u) => from(u) && Option.isNone(ast.filter(u, options, ast))
    }
    case "TupleType":
      return compileTuple(ast, options)
    case "TypeLiteral":
      return compileStruct(ast, options)
    default:
      return effectIs(ast, options)
  }
}

const isLeaf = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "StringKeyword":
    case "NumberKeyword":
    case "BooleanKeyword":
    case "Literal":
      return !hasParsingAnnotations(ast)
    case "Refinement":
      return !hasParsingAnnotations(ast) && isLeaf(ast.from)
    default:
      return false
  }
}

/** Arrays and tuples: required and optional elements, then at most a single rest type. */
const compileTuple = (ast: AST.TupleType, options: AST.ParseOptions): Guard => {
  if (ast.rest.length > 1) return effectIs(ast, options)
  const elements = ast.elements.map((element) => ({ optional: element.isOptional, guard: compile(element.type, options) }))
  const rest = ast.rest.length === 1 ? compile(ast.rest[0]!.type, options) : undefined
  return (u) => {
    if (!Array.isArray(u)) return false
    for (let i = 0; i < elements.length; i++) {
      const element = elements[i]!
      if (i >= u.length) {
        if (element.optional) continue
        return false
      }
      if (!element.guard(u[i])) return false
    }
    if (rest === undefined) return u.length <= elements.length
    for (let i = elements.length; i < u.length; i++) if (!rest(u[i])) return false
    return true
  }
}

/** Structs: fields, then index signatures over string keys (the only kind the contract has). */
const compileStruct = (ast: AST.TypeLiteral, options: AST.ParseOptions): Guard => {
  if (ast.indexSignatures.some((signature) => signature.parameter._tag !== "StringKeyword")) return effectIs(ast, options)
  const fields = ast.propertySignatures.map((field) => ({
    name: field.name,
    optional: field.isOptional,
    guard: compile(field.type, options)
  }))
  const names = new Set<PropertyKey>(ast.propertySignatures.map((field) => field.name))
  const indexValues = ast.indexSignatures.map((signature) => compile(signature.type, options))
  const refuseExcess = options.onExcessProperty === "error"
  const hasStringIndex = indexValues.length > 0
  const hasOwn = Object.prototype.hasOwnProperty
  return (u) => {
    if (!isRecord(u)) return false
    if (refuseExcess) {
      for (const key of Reflect.ownKeys(u)) {
        if (names.has(key)) continue
        if (typeof key === "string" && hasStringIndex) continue
        return false
      }
    }
    for (const field of fields) {
      if (!hasOwn.call(u, field.name)) {
        if (field.optional) continue
        return false
      }
      if (!field.guard(u[field.name])) return false
    }
    if (hasStringIndex) {
      for (const key of Object.keys(u)) {
        const value = u[key]
        for (const guard of indexValues) if (!guard(value)) return false
      }
    }
    return true
  }
}

/**
 * The predicate `Schema.is(schema, options)` is, without its allocations. Build it once per
 * Schema (at module load), not per call.
 */
export const guard = <A, I, R>(schema: Schema.Schema<A, I, R>, options: AST.ParseOptions = {}): (u: unknown) => u is A => {
  const merged: AST.ParseOptions = { exact: true, ...options }
  // Everything above assumes `exact` (a required field must be present), as `is` does by default.
  const typeAst = AST.typeAST(schema.ast)
  return (merged.exact === true ? compile(typeAst, merged) : effectIs(typeAst, merged)) as (u: unknown) => u is A
}
