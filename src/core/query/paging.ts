import type { Db } from '../storage/db'
import type { Page, SortDirection } from '../../shared/query'
import { decodeCursor, encodeCursor, QueryError } from './cursor'
import type { TextCondition } from './text-plan'

export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 1000
/**
 * A filter matching at most this many rows sorts its matches; one matching more walks the sort
 * index and keeps the matching rows. Sorting reads every match; walking reads rows until the page
 * is full, many more when matches are rare or lie late in the sort order (bench "query").
 */
export const FEW_MATCHES = 500

/**
 * SQL fragments and their parameters, joined with AND; free text apart (text-plan.ts), since a
 * page may test it row by row instead.
 */
export type Where = { sql: string[]; params: unknown[]; text?: TextCondition }

export function where(): Where {
  return { sql: [], params: [] }
}

/** `column IN (?, ?, ...)` for a non-empty list; an empty list matches nothing. */
export function inList(w: Where, column: string, values: readonly unknown[] | undefined): void {
  if (values === undefined) return
  if (values.length === 0) {
    w.sql.push('0')
    return
  }
  w.sql.push(`${column} IN (${values.map(() => '?').join(', ')})`)
  w.params.push(...values)
}

/** How many rows of `table` match `w`. */
export function countWhere(db: Db, table: string, w: Where): number {
  const text = w.text?.sql()
  const sql = text ? [...w.sql, text.sql] : w.sql
  const params = text ? [...w.params, ...text.params] : w.params
  return (
    db
      .prepare(
        `SELECT count(*) AS n FROM ${table} ${sql.length ? `WHERE ${sql.join(' AND ')}` : ''}`,
      )
      .get(...params) as { n: number }
  ).n
}

/** Rows to skip before a page (a jump by row number); 0 with a cursor, which says where. */
export function offsetOf(offset: number | undefined, cursor: string | undefined): number {
  if (offset === undefined || cursor !== undefined) return 0
  if (!Number.isInteger(offset) || offset < 0) throw new QueryError(`invalid offset ${offset}`)
  return offset
}

export function limitOf(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT
  if (!Number.isInteger(limit) || limit < 1) throw new QueryError(`invalid limit ${limit}`)
  return Math.min(limit, MAX_LIMIT)
}

/**
 * Whether `select` returns more than a few rows. A filter `x IN (select)` with few rows is best
 * driven by its list (fetch those rows, sort them); with many, `+x IN (select)` (the unary plus
 * keeps SQLite from driving by the list) walks the sort index in order, checks each row against
 * the materialised list and stops once the page is full.
 */
export function hasMany(db: Db, select: string, params: readonly unknown[]): boolean {
  return countUpTo(db, select, params, FEW_MATCHES) > FEW_MATCHES
}

/** How many rows `select` returns, counting no further than `cap + 1`. */
export function countUpTo(db: Db, select: string, params: readonly unknown[], cap: number): number {
  const r = db.prepare(`SELECT count(*) AS n FROM (${select} LIMIT ?)`).get(...params, cap + 1) as {
    n: number
  }
  return r.n
}

export type Sort = Readonly<{
  /** The sort's name in cursors (`name:asc`). */
  id: string
  /** SQL expressions, most significant first; the last one is the unique `id`. */
  keys: readonly string[]
  direction: SortDirection
  /**
   * Leading keys the filter holds to one value (`kind = 'model'` under the kind sort). They are
   * left out of ORDER BY: SQLite sorts every matching row when an equality-constrained index
   * column is also an ORDER BY term followed by an expression, instead of walking the index.
   */
  fixed?: number
}>

export type Key = string | number | null

/**
 * `SELECT <columns> FROM <from> WHERE <conditions> ORDER BY <sort keys> LIMIT ?` after the row
 * whose sort values are `after`; each row also carries its sort values as `_k0`, `_k1`, ...
 */
export function pageStatement(
  q: Readonly<{
    columns: string
    from: string
    sql: readonly string[]
    params: readonly unknown[]
    sort: Sort
    after?: readonly Key[]
    limit: number
    /** Rows skipped first. */
    offset?: number
  }>,
): { sql: string; params: unknown[] } {
  const { sort } = q
  const sql = [...q.sql]
  const params = [...q.params]
  const op = sort.direction === 'asc' ? '>' : '<'
  if (q.after !== undefined) {
    // The row value decides; the bound on the first key alone is what lets SQLite start the
    // index walk at the cursor (it does not use a row value over an expression as a range).
    sql.push(`${sort.keys[0]} ${op}= ?`)
    params.push(q.after[0])
    sql.push(`(${sort.keys.join(', ')}) ${op} (${sort.keys.map(() => '?').join(', ')})`)
    params.push(...q.after)
  }
  const dir = sort.direction === 'asc' ? 'ASC' : 'DESC'
  const keyCols = sort.keys.map((k, i) => `${k} AS _k${i}`).join(', ')
  return {
    sql: `SELECT ${q.columns}, ${keyCols} FROM ${q.from}
       ${sql.length ? `WHERE ${sql.join(' AND ')}` : ''}
       ORDER BY ${sort.keys
         .slice(sort.fixed ?? 0)
         .map((k) => `${k} ${dir}`)
         .join(', ')} LIMIT ?${q.offset ? ' OFFSET ?' : ''}`,
    params: [...params, q.limit, ...(q.offset ? [q.offset] : [])],
  }
}

/** The sort values a row of pageStatement carries. */
export function keysOf(sort: Sort, row: Readonly<Record<string, unknown>>): Key[] {
  return sort.keys.map((_, i) => (row[`_k${i}`] ?? null) as Key)
}

export type KeysetQuery<R, T> = Readonly<{
  columns: string
  /** A table (its rowid names a row). */
  from: string
  where: Where
  sort: Sort
  limit: number
  cursor?: string
  /** Without a cursor: rows of the sorted result skipped first (offsetOf). */
  offset?: number
  map: (row: R) => T
}>

/**
 * One page of `SELECT <columns> FROM <from> WHERE <w> ORDER BY <sort keys>` after `cursor`.
 * Reads one row more than the page to know whether another page follows. Free text that a page
 * can test row by row is tried that way first (walk.ts).
 */
export function keysetPage<R, T>(db: Db, q: KeysetQuery<R, T>): Page<T> {
  const after =
    q.cursor === undefined ? undefined : decodeCursor(q.cursor, q.sort.id, q.sort.keys.length)
  // A walk tests rows from the cursor on; a jump by row number must count every match before it.
  const walked = q.offset ? undefined : q.where.text?.walk?.(q, after)
  if (walked) return walked
  const text = q.where.text?.sql()
  const sql = text ? [...q.where.sql, text.sql] : q.where.sql
  const params = text ? [...q.where.params, ...text.params] : q.where.params
  if (text?.drive || q.offset) {
    // Few matches, read through the search index, or a jump past many rows: only row ids and
    // sort values are sorted or skipped, and the page's rows read in full after (SQLite
    // computes every column of every row it sorts or skips, an asset's open-findings counts
    // included).
    const st = pageStatement({
      ...q,
      columns: `${q.from}.rowid AS _rid`,
      sql,
      params,
      after,
      limit: q.limit + 1,
    })
    return readPage(db, q, db.prepare(st.sql).all(...st.params) as PageKey[])
  }
  const st = pageStatement({ ...q, sql, params, after, limit: q.limit + 1 })
  const rows = db.prepare(st.sql).all(...st.params) as (R & Record<string, Key>)[]
  return toPage(q, rows)
}

/** A row's id and sort values (`_k0`, `_k1`, ...), in page order. */
export type PageKey = { _rid: number } & Record<string, unknown>

/** The page of the rows `keys` name, in their order, read in full by row id. */
export function readPage<R, T>(db: Db, q: KeysetQuery<R, T>, keys: readonly PageKey[]): Page<T> {
  if (keys.length === 0) return { items: [] }
  const full = db
    .prepare(
      `SELECT ${q.columns}, ${q.from}.rowid AS _rid FROM ${q.from}
       WHERE ${q.from}.rowid IN (${keys.map(() => '?').join(', ')})`,
    )
    .all(...keys.map((k) => k._rid)) as (R & { _rid: number })[]
  const byRid = new Map(full.map((r) => [r._rid, r]))
  const rows = keys.flatMap((k) => {
    const r = byRid.get(k._rid)
    if (!r) return []
    const sortValues: Record<string, unknown> = {}
    q.sort.keys.forEach((_, i) => (sortValues[`_k${i}`] = k[`_k${i}`]))
    return [{ ...r, ...sortValues }]
  })
  return toPage(q, rows)
}

/** A page from up to `limit + 1` rows in order (the extra one says another page follows). */
export function toPage<R, T>(
  q: Pick<KeysetQuery<R, T>, 'sort' | 'limit' | 'map'>,
  rows: (R & Record<string, unknown>)[],
): Page<T> {
  const more = rows.length > q.limit
  if (more) rows.length = q.limit
  const last = rows[rows.length - 1]
  return {
    items: rows.map(q.map),
    ...(more && last ? { nextCursor: encodeCursor(q.sort.id, keysOf(q.sort, last)) } : {}),
  }
}
