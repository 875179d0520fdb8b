/**
 * Field helpers shared by the request and response Schemas.
 *
 * @internal
 */
import * as Schema from "effect/Schema"

/**
 * An optional field: absent or of its type (`exact`). `null` in an optional request field is
 * dropped before validation (see `dropNullOptions`), not accepted by the Schema.
 *
 * @internal
 */
export const optional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

/**
 * An optional field that also accepts `null` as absent (responses).
 *
 * @internal
 */
export const optionalNullable = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(schema, { exact: true, nullable: true })

/**
 * The rest of an object: unknown fields never break decoding and stay available to the caller.
 *
 * @internal
 */
export const Rest = Schema.Record({ key: Schema.String, value: Schema.Unknown })
