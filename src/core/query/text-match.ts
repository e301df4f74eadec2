import type { Db } from '../storage/db'
import { SEARCH_TOKENIZER } from '../storage/migrations/0055-query-indexes'

/**
 * Deciding in JavaScript, row by row, what the search index would answer for one row: whether
 * every word of a search begins a token of the row's indexed text. It lets a page walk its sort
 * index and test each row, instead of asking FTS5 for every match first (see walk.ts).
 *
 * Exact by construction, whatever the text: the tokenizer (unicode61) treats every ASCII
 * character other than a letter or digit as a separator, so the text splits there into runs
 * that no token crosses. A run of ASCII letters and digits is one token, lowercased. Any other
 * run (accents, other scripts, marks) is tokenized by SQLite itself, through a temporary FTS5
 * table with the index's tokenizer, and remembered per connection. Search words are folded the
 * same way.
 */

const SEPARATORS = /[\u0000-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u007f]+/
const ASCII_RUN = /^[A-Za-z0-9]+$/
/** Runs longer than this go to the tokenizer too (its token length limits stay its own). */
const LONG_RUN = 256
/** Runs remembered per connection before the memory is cleared. */
const MAX_REMEMBERED = 20_000

const remembered = new WeakMap<Db, Map<string, readonly string[]>>()

function memory(db: Db): Map<string, readonly string[]> {
  let m = remembered.get(db)
  if (!m) {
    m = new Map()
    remembered.set(db, m)
  }
  return m
}

const simple = (run: string): boolean => run.length <= LONG_RUN && ASCII_RUN.test(run)

/** Tokenizes runs with SQLite's tokenizer (in a temporary table; works on a read-only connection). */
function tokenize(db: Db, runs: readonly string[]): Map<string, string[]> {
  db.exec(
    `CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_tokens USING fts5(t, tokenize = '${SEARCH_TOKENIZER}', detail = none);
     CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_token_terms USING fts5vocab(temp, query_tokens, 'instance');`,
  )
  const out = new Map<string, string[]>(runs.map((r) => [r, []]))
  db.transaction(() => {
    const ins = db.prepare(`INSERT INTO temp.query_tokens (rowid, t) VALUES (?, ?)`)
    runs.forEach((r, i) => ins.run(i + 1, r))
    for (const t of db.prepare(`SELECT doc, term FROM temp.query_token_terms`).all() as {
      doc: number
      term: string
    }[])
      out.get(runs[t.doc - 1]!)!.push(t.term)
    db.prepare(`DELETE FROM temp.query_tokens`).run()
  })()
  return out
}

/** Makes sure every run of `texts` that needs the tokenizer has been through it. */
function learn(db: Db, texts: readonly (string | null)[]): void {
  const mem = memory(db)
  const needed = new Set<string>()
  for (const text of texts) {
    if (text === null) continue
    for (const run of text.split(SEPARATORS)) if (run && !simple(run)) needed.add(run)
  }
  let missing = [...needed].filter((r) => !mem.has(r))
  if (missing.length === 0) return
  if (mem.size + missing.length > MAX_REMEMBERED) {
    mem.clear()
    missing = [...needed]
  }
  for (const [run, tokens] of tokenize(db, missing)) mem.set(run, tokens)
}

/**
 * Search words folded as the index folds them: ASCII letters and digits lowercased, any other
 * word tokenized by SQLite. Undefined when a word does not make exactly one token (FTS5 then
 * reads it as a phrase; such searches keep to the index).
 */
export function foldWords(db: Db, words: readonly string[]): string[] | undefined {
  learn(db, words)
  const mem = memory(db)
  const out: string[] = []
  for (const w of words) {
    if (simple(w)) out.push(w.toLowerCase())
    else {
      const t = mem.get(w)
      if (t?.length !== 1) return undefined
      out.push(t[0]!)
    }
  }
  return out
}

export type RowMatcher = Readonly<{
  /** Tokenizes what the texts need (call before `matches` on them, outside any statement). */
  learn(texts: readonly (string | null)[]): void
  /** Whether every folded word begins a token of `text` (the same answer as the index's). */
  matches(text: string): boolean
}>

export function rowMatcher(db: Db, prefixes: readonly string[]): RowMatcher {
  const mem = memory(db)
  return {
    learn: (texts) => learn(db, texts),
    matches(text) {
      const tokens: string[] = []
      for (const run of text.split(SEPARATORS)) {
        if (!run) continue
        if (simple(run)) tokens.push(run.toLowerCase())
        else {
          const t = mem.get(run)
          if (t === undefined) throw new Error('text-match: run not tokenized (call learn first)')
          tokens.push(...t)
        }
      }
      return prefixes.every((p) => tokens.some((t) => t.startsWith(p)))
    },
  }
}
