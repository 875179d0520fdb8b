/**
 * `Schema.is` for the contract's own Schemas, compiled to predicates that allocate nothing (the
 * Effect 3 line's src/contract/guard.ts, for Effect 4's Schema AST): Effect's `is` runs the
 * decoding parser, which builds an output object per struct and an Exit per node, on every
 * envelope check.
 *
 * Compiled, on the Type side: the keywords `String`, `Number`, `Boolean`, `Null`, `Undefined`,
 * `Unknown`, `Any` and `Literal`, with their checks; arrays with a single rest type and no
 * elements; structs of string-named fields and index signatures over `string` (the AST's own
 * singleton); unions in `anyOf` mode whose members are all compiled here. Everything else, and
 * any of those with something that changes how Effect parses it (an encoding, checks on a
 * struct, array or union, which see Effect's output value rather than the input, a field named
 * like an `Object.prototype` member, whose lookup differs between Effect 4 releases), is checked
 * by Effect's own `is`, so the answer is always Effect's.
 *
 * The semantics matched, as Effect 4's parser has them under `is`'s default options (unknown
 * keys ignored, the first issue ends the check): a struct is a non-null, non-array object; a
 * field is present when its name is `in` the object; an absent field is fine only when it is
 * optional (`optionalKey`), and a present one, `undefined` included, must satisfy its type
 * (exact optional properties); an index signature checks the value of every own enumerable
 * string key, fields included; an array allows any length, each item checked; checks run on
 * the value itself, in order, and pass when none reports an issue. A union's candidate
 * selection (by runtime type and literal fields) only skips members that would refuse the
 * value, so a member-by-member `some` answers the same. test/guard.test.ts compares the two on
 * generated, mutated and arbitrary values of every contract Schema.
 *
 * @internal
 */
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"

type Guard = (u: unknown) => boolean

interface Compiled {
  readonly guard: Guard
  /** False when the node itself is Effect's `is`: a union compiles only over members checked here. */
  readonly native: boolean
}

// What the parser passes filters under `is`: its default options.
const parseOptions: SchemaAST.ParseOptions = {}

// Fields named like these are left to Effect: 4.1 looks them up as own properties, 4.0 (but for
// `__proto__`) with `in`.
const objectPrototypeKeys = new Set<PropertyKey>([...Reflect.ownKeys(Object.prototype), "__proto__"])

const always: Guard = () => true

/** Where compile records the nodes it leaves to Effect (see `fallbacksOf`). */
type Fallbacks = Array<SchemaAST.AST> | undefined

/** Effect's own `is` for a node not compiled here. */
const effectIs = (ast: SchemaAST.AST, fallbacks: Fallbacks): Compiled => {
  fallbacks?.push(ast)
  const is = Schema.is(Schema.make<Schema.Top>(ast))
  return { guard: (u) => is(u), native: false }
}

const native = (guard: Guard): Compiled => ({ guard, native: true })

/** The filters of `checks` in the order Effect runs them (a group is its filters in turn). */
const filtersOf = (checks: SchemaAST.Checks, out: Array<SchemaAST.Filter<unknown>> = []) => {
  for (const check of checks) {
    if (check._tag === "FilterGroup") filtersOf(check.checks, out)
    else out.push(check)
  }
  return out
}

/** A keyword's checks run on the input itself, which the keyword returns unchanged. */
const withChecks = (ast: SchemaAST.AST, base: Guard): Compiled => {
  if (ast.checks === undefined) return native(base)
  const filters = filtersOf(ast.checks)
  return native((u) => {
    if (!base(u)) return false
    for (const filter of filters) if (filter.run(u, ast, parseOptions)) return false
    return true
  })
}

const hasStructureChecks = (ast: SchemaAST.Arrays | SchemaAST.Objects | SchemaAST.Union): boolean =>
  ast.checks !== undefined || ast.encodingChecks !== undefined

const compile = (ast: SchemaAST.AST, fallbacks: Fallbacks): Compiled => {
  if (ast.encoding !== undefined) return effectIs(ast, fallbacks)
  switch (ast._tag) {
    case "String":
      return withChecks(ast, (u) => typeof u === "string")
    case "Number":
      return withChecks(ast, (u) => typeof u === "number")
    case "Boolean":
      return withChecks(ast, (u) => typeof u === "boolean")
    case "Null":
      return withChecks(ast, (u) => u === null)
    case "Undefined":
      return withChecks(ast, (u) => u === undefined)
    case "Unknown":
    case "Any":
      return withChecks(ast, always)
    case "Literal": {
      const literal = ast.literal
      return withChecks(ast, (u) => u === literal)
    }
    case "Arrays":
      return compileArray(ast, fallbacks)
    case "Objects":
      return compileStruct(ast, fallbacks)
    case "Union":
      return compileUnion(ast, fallbacks)
    default:
      return effectIs(ast, fallbacks)
  }
}

/** `Schema.Array`: no elements, one rest type. */
const compileArray = (ast: SchemaAST.Arrays, fallbacks: Fallbacks): Compiled => {
  if (hasStructureChecks(ast) || ast.elements.length !== 0 || ast.rest.length !== 1) return effectIs(ast, fallbacks)
  const item = compile(ast.rest[0]!, fallbacks).guard
  return native((u) => {
    if (!Array.isArray(u)) return false
    for (let i = 0; i < u.length; i++) if (!item(u[i])) return false
    return true
  })
}

const compileStruct = (ast: SchemaAST.Objects, fallbacks: Fallbacks): Compiled => {
  if (
    hasStructureChecks(ast) ||
    // An empty struct accepts any value but null and undefined (arrays and strings too).
    (ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0) ||
    ast.propertySignatures.some((field) => typeof field.name !== "string" || objectPrototypeKeys.has(field.name)) ||
    // Other parameters (a checked string, a template literal, symbols) select keys by matching them.
    ast.indexSignatures.some((signature) => signature.parameter !== SchemaAST.string)
  ) {
    return effectIs(ast, fallbacks)
  }
  const fields = ast.propertySignatures.map((field) => ({
    name: field.name as string,
    optional: SchemaAST.isOptional(field.type),
    guard: compile(field.type, fallbacks).guard
  }))
  const indexValues = ast.indexSignatures.map((signature) => compile(signature.type, fallbacks).guard)
  const hasIndex = indexValues.length > 0
  return native((u) => {
    if (typeof u !== "object" || u === null || Array.isArray(u)) return false
    const record = u as Record<string, unknown>
    for (const field of fields) {
      if (!(field.name in record)) {
        if (field.optional) continue
        return false
      }
      if (!field.guard(record[field.name])) return false
    }
    if (hasIndex) {
      for (const key of Object.keys(record)) {
        const value = record[key]
        for (const guard of indexValues) if (!guard(value)) return false
      }
    }
    return true
  })
}

const compileUnion = (ast: SchemaAST.Union, fallbacks: Fallbacks): Compiled => {
  if (hasStructureChecks(ast) || ast.options?.mode === "oneOf") return effectIs(ast, fallbacks)
  const inner: Fallbacks = fallbacks === undefined ? undefined : []
  const members = ast.types.map((member) => compile(member, inner))
  // Effect picks candidates by a member's own kind: a member it checks itself may declare more.
  if (members.some((member) => !member.native)) return effectIs(ast, fallbacks)
  if (inner !== undefined) fallbacks!.push(...inner)
  const guards = members.map((member) => member.guard)
  return native((u) => {
    for (const guard of guards) if (guard(u)) return true
    return false
  })
}

/**
 * The predicate `Schema.is(schema)` is, without its allocations. Build it once per Schema (at
 * module load), not per call.
 */
export const guard = <S extends Schema.Top>(schema: S): (u: unknown) => u is S["Type"] =>
  compile(SchemaAST.toType(schema.ast), undefined).guard as (u: unknown) => u is S["Type"]

/** The nodes of `schema`'s Type side that `guard` leaves to Effect's `is` (for tests: the envelopes have none). */
export const fallbacksOf = (schema: Schema.Top): ReadonlyArray<SchemaAST.AST> => {
  const fallbacks: Array<SchemaAST.AST> = []
  compile(SchemaAST.toType(schema.ast), fallbacks)
  return fallbacks
}
