/**
 * Copied from the Effect 3 line (src/contract/normalize.ts; pure, no Effect): the decode
 * result's `data` spelling, read as `result`.
 *
 * @internal
 */
export const normalizeEnvelope = (body: Record<string, unknown>): Record<string, unknown> =>
  !("result" in body) && "data" in body ? { ...body, result: body.data } : body
