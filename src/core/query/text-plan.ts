import type { Db } from '../storage/db'
import type { Page } from '../../shared/query'
import type { Key, KeysetQuery, Where } from './paging'
import { countUpTo, FEW_MATCHES } from './paging'
import { foldWords, rowMatcher } from './text-match'
import { ftsMatch, searchWords } from './text'
import { WALK_FACTOR, walkPage } from './walk'

/** A table with a search index, and the state rows (with the indexed text) beside it. */
export type SearchTable = Readonly<{
  table: 'assets' | 'findings'
  fts: string
  state: string
}>

export const ASSET_SEARCH: SearchTable = {
  table: 'assets',
  fts: 'asset_search',
  state: 'query_asset_state',
}
export const FINDING_SEARCH: SearchTable = {
  table: 'findings',
  fts: 'finding_search',
  state: 'query_finding_state',
}

export type TextCondition = Readonly<{
  /**
   * The condition as SQL, decided when first needed (deciding may cost an index lookup).
   * `drive`: few rows match, and the page reads them through the search index and sorts them.
   */
  sql(): Readonly<{ sql: string; params: readonly unknown[]; drive: boolean }>
  /** A page made by testing rows while walking the sort index; undefined: use `sql`. */
  walk?<R, T>(q: KeysetQuery<R, T>, after: Key[] | undefined): Page<T> | undefined
}>

/**
 * The index answers a word of two or three characters from its prefix indexes, at the cost of
 * the matches it reads. A longer word it expands into every term the word begins, reading all of
 * their rows before the first one comes back: some 150 ms for a word in each of 200k rows,
 * whatever LIMIT follows. The word's first three characters, which the prefix index does hold,
 * bound that cost: a word whose first three begin terms in at most this many rows is cheap.
 */
const CHEAP = 5000
/** Rows whose text a search tests to estimate its share of the table. */
const SAMPLE = 256
/** A word beginning more of the index's terms than this is left for FTS5 to expand. */
const MAX_TERMS = 64

/**
 * Adds the free-text condition to `w`. Returns false when the text holds no word (the query
 * matches nothing). How a page finds the matches depends on how many there are:
 *
 * - few (≤ FEW_MATCHES): the search index drives, and the matches are sorted;
 * - a good share of the table (at least one row in WALK_FACTOR): the page walks its sort index
 *   and tests each row's indexed text (walk.ts), falling back to the next way when a bounded walk
 *   has not filled the page (the matches lie further on in the sort order);
 * - otherwise the sort index is walked against the index's matches, read once.
 *
 * Counting the matches of a cheap search asks the index; for one with an expensive word (see
 * CHEAP) a sample of rows tested in JavaScript estimates them, and the index is asked (with
 * such a word spelt as the index's own terms it begins) only when the share is small.
 */
export function textFilter(db: Db, w: Where, s: SearchTable, text: string | undefined): boolean {
  if (text === undefined || text.trim() === '') return true
  const words = searchWords(text)
  if (words.length === 0) return false
  const matches = `SELECT rowid FROM ${s.fts} WHERE ${s.fts} MATCH ?`
  const as = (match: string, drive: boolean) => ({
    sql: `${drive ? '' : '+'}${s.table}.rowid IN (${matches})`,
    params: [match],
    drive,
  })
  /** The condition for `match`, driving when it has few matches (counted when first needed). */
  const lazily = (match: () => string, many?: boolean): TextCondition['sql'] => {
    let decided: ReturnType<typeof as> | undefined
    return () => {
      if (decided) return decided
      const m = match()
      return (decided = as(m, !(many ?? countUpTo(db, matches, [m], FEW_MATCHES) > FEW_MATCHES)))
    }
  }
  const query = ftsMatch(words)
  const prefixes = foldWords(db, words)
  if (prefixes === undefined) {
    w.text = { sql: lazily(() => query) }
    return true
  }
  const walk =
    (share: number): TextCondition['walk'] =>
    (q, after) =>
      walkPage(db, q, after, s, prefixes, share)
  const expensive = prefixes.map((p) => {
    const chars = [...p]
    return (
      chars.length > 3 &&
      countUpTo(db, matches, [`"${chars.slice(0, 3).join('')}"*`], CHEAP) > CHEAP
    )
  })
  if (!expensive.includes(true)) {
    const n = countUpTo(db, matches, [query], CHEAP)
    if (n <= FEW_MATCHES) {
      w.text = { sql: lazily(() => query, false) }
      return true
    }
    // Past CHEAP the count stops: the share is at least what was counted.
    const part = Math.min(n, CHEAP) / Math.max(1, rowsOf(db, s.table))
    w.text = {
      sql: lazily(() => query, true),
      ...(n > CHEAP || part * WALK_FACTOR >= 1 ? { walk: walk(part) } : {}),
    }
    return true
  }
  const spelt = () =>
    prefixes
      .map((p, i) => (expensive[i] ? (exactTerms(db, s, p) ?? `"${words[i]}"*`) : `"${words[i]}"*`))
      .join(' AND ')
  const part = share(db, s, prefixes)
  w.text = { sql: lazily(spelt), ...(part * WALK_FACTOR >= 1 ? { walk: walk(part) } : {}) }
  return true
}

function rowsOf(db: Db, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
}

/** The share of rows matching, from SAMPLE rows spread evenly over the row ids. */
function share(db: Db, s: SearchTable, prefixes: readonly string[]): number {
  const max = (
    db.prepare(`SELECT coalesce(max(rid), 0) AS m FROM ${s.state}`).get() as { m: number }
  ).m
  if (max === 0) return 0
  const rids = new Set<number>()
  for (let i = 0; i < SAMPLE; i++) rids.add(1 + Math.floor((i * max) / SAMPLE))
  const texts = db
    .prepare(`SELECT text FROM ${s.state} WHERE rid IN (${[...rids].map(() => '?').join(', ')})`)
    .pluck()
    .all(...rids) as string[]
  if (texts.length === 0) return 0
  const m = rowMatcher(db, prefixes)
  m.learn(texts)
  return texts.filter((t) => m.matches(t)).length / texts.length
}

/**
 * A folded word as the OR of the index's terms it begins (`("llama" OR "llamas")`), which FTS5
 * reads as exact terms without expanding the prefix; `("")`-free: undefined when it begins more
 * than MAX_TERMS terms. A word that begins no term gives a query that matches nothing.
 */
function exactTerms(db: Db, s: SearchTable, prefix: string): string | undefined {
  const vocab = `${s.fts}_terms`
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.${vocab} USING fts5vocab(main, ${s.fts}, 'row')`)
  const terms: string[] = []
  for (const t of db
    .prepare(`SELECT term FROM temp.${vocab} WHERE term >= ?`)
    .pluck()
    .iterate(prefix) as IterableIterator<string>) {
    if (!t.startsWith(prefix)) break
    terms.push(t)
    if (terms.length > MAX_TERMS) return undefined
  }
  // A term the index no longer holds rows for still matches nothing: harmless in the list.
  if (terms.length === 0) return `"${prefix}"`
  return `(${terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(' OR ')})`
}
