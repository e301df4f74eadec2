/**
 * Keyset cursors: the sort values and id of the last row of a page, so the next page starts
 * strictly after it (stable under ties: `id` is unique and ends every sort). Opaque to callers
 * (base64url JSON) and checked on the way back in: a cursor made for another sort, or one that
 * was tampered with, is refused with a QueryError instead of paging from a wrong place.
 */

export class QueryError extends Error {
  override readonly name = 'QueryError'
}

type Key = string | number | null

const VERSION = 1

export function encodeCursor(sort: string, values: readonly Key[]): string {
  return Buffer.from(JSON.stringify([VERSION, sort, ...values]), 'utf8').toString('base64url')
}

/** The key values of a cursor made for `sort`, which has `arity` of them. */
export function decodeCursor(cursor: string, sort: string, arity: number): Key[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new QueryError('invalid cursor')
  }
  if (
    !Array.isArray(parsed) ||
    parsed[0] !== VERSION ||
    parsed.length !== arity + 2 ||
    !parsed.slice(2).every((v) => v === null || typeof v === 'string' || typeof v === 'number')
  ) {
    throw new QueryError('invalid cursor')
  }
  if (parsed[1] !== sort) throw new QueryError(`cursor was made for another sort (${parsed[1]})`)
  return parsed.slice(2) as Key[]
}
