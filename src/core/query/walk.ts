import type { Db } from '../storage/db'
import type { Page } from '../../shared/query'
import type { Key, KeysetQuery, PageKey } from './paging'
import { keysOf, pageStatement, readPage } from './paging'
import type { SearchTable } from './text-plan'
import { rowMatcher } from './text-match'

/**
 * A walk reads at most this many times a page's rows before it gives up: a word in at least one
 * row in WALK_FACTOR fills the page within it; a rarer one is cheaper to read from the index.
 */
export const WALK_FACTOR = 16

type Candidate = PageKey & { _text: string | null }

/**
 * A page of free-text matches read in sort order: the sort index is walked (in chunks that
 * double) with the other filters, each row's indexed text is tested (text-match.ts), and the
 * walk stops once the page is full, or at the end. It gives up (undefined: the caller asks the
 * search index instead) after (limit + 1) × WALK_FACTOR rows, or as soon as it has found under a
 * quarter of the matches `share` (the estimated share of matching rows in the table) predicts:
 * the matches then lie further on in this sort order (a rule's words under the severity sort,
 * say), and reading them from the index is cheaper than walking there. The page's rows are then
 * read in full. All in one read transaction, so the page is one snapshot of the inventory.
 */
export function walkPage<R, T>(
  db: Db,
  q: KeysetQuery<R, T>,
  after: Key[] | undefined,
  s: SearchTable,
  prefixes: readonly string[],
  share: number,
): Page<T> | undefined {
  const matcher = rowMatcher(db, prefixes)
  const budget = (q.limit + 1) * WALK_FACTOR
  const columns = `${s.table}.rowid AS _rid, (SELECT text FROM ${s.state} WHERE rid = ${s.table}.rowid) AS _text`
  return db.transaction((): Page<T> | undefined => {
    const picked: Candidate[] = []
    let from = after
    let walked = 0
    let chunk = q.limit + 1
    for (;;) {
      const n = Math.min(chunk, budget - walked)
      if (n <= 0) return undefined
      const st = pageStatement({
        columns,
        from: q.from,
        sql: q.where.sql,
        params: q.where.params,
        sort: q.sort,
        after: from,
        limit: n,
      })
      const rows = db.prepare(st.sql).all(...st.params) as Candidate[]
      walked += rows.length
      matcher.learn(rows.map((r) => r._text))
      for (const r of rows) {
        if (r._text === null || !matcher.matches(r._text)) continue
        picked.push(r)
        if (picked.length > q.limit) return readPage(db, q, picked)
      }
      if (rows.length < n) return readPage(db, q, picked)
      if (picked.length * 4 < share * walked) return undefined
      from = keysOf(q.sort, rows[rows.length - 1]!)
      chunk *= 2
    }
  })()
}
