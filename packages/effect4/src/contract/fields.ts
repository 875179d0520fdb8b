/**
 * Field helpers shared by the request and response Schemas (the Effect 3 line's
 * src/contract/fields.ts, in Effect 4's Schema: `optionalWith` is gone, so `null` as absent is
 * an `optionalKey` of `NullOr` decoded to an `optionalKey` of the type).
 *
 * @internal
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as SchemaTransformation from "effect/SchemaTransformation"

/** An optional field: absent or of its type (exact). */
export const optional = <S extends Schema.Top>(schema: S) => Schema.optionalKey(schema)

/** An optional field that also accepts `null` as absent (responses). */
export const optionalNullable = <S extends Schema.Top>(schema: S) =>
  Schema.optionalKey(Schema.NullOr(schema)).pipe(
    Schema.decodeTo(
      Schema.optionalKey(Schema.toType(schema)),
      SchemaTransformation.transformOptional<S["Type"], S["Type"] | null>({
        decode: Option.filter((value) => value !== null),
        encode: (value) => value
      })
    )
  )

/** The rest of an object: unknown fields never break decoding and stay available to the caller. */
export const Rest = Schema.Record(Schema.String, Schema.Unknown)
