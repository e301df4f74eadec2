import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { foldWords, rowMatcher } from '../../../src/core/query/text-match'
import { ftsQuery, searchWords } from '../../../src/core/query/text'
import type { Db } from '../../../src/core/storage/db'
import { SEARCH_TOKENIZER } from '../../../src/core/storage/migrations/0055-query-indexes'
import { tempDb } from './helpers'

/**
 * The row test a walking page uses must answer exactly what the search index answers, for any
 * text and any search: checked against a real FTS5 table with the index's tokenizer.
 */
const PIECES = [
  'llama',
  'Qwen2',
  'model_4b',
  'GGUF',
  'sk-proj',
  'José',
  'JOSE',
  'İstanbul',
  'straße',
  'Иван',
  '模型',
  'ﬁle',
  'ＡＢＣ',
  'e\u0301te\u0301',
  'ǅemal',
  'øster',
  'naïve',
  'x\u200by',
  '😀',
  '€',
  'a'.repeat(300),
  '0123abcdef',
]
const SEPS = [' ', '/', '.', '-', '_', ':', '\\', '"', '*', '\t', '', '%', '\u00a0', '\u3000']

const pieces = fc.array(fc.tuple(fc.constantFrom(...PIECES), fc.constantFrom(...SEPS)), {
  maxLength: 8,
})
/** A search cut from the row's own pieces: from a piece's start (a match) or from anywhere. */
const cut = (from: readonly string[]) =>
  fc
    .tuple(
      fc.constantFrom(...from),
      fc.nat(3),
      fc.nat(),
      fc.boolean(),
      fc.constantFrom(' ', '-', '"'),
    )
    .map(([p, a, b, upper, sep]) => {
      const cs = [...p]
      const start = a < 2 ? 0 : a % cs.length
      const w = cs.slice(start, start + 2 + (b % cs.length)).join('')
      return (upper ? w.toUpperCase() : w) + sep
    })
const row = pieces.chain((ps) =>
  fc
    .tuple(
      fc.array(cut(ps.length ? ps.map(([p]) => p) : PIECES), { minLength: 1, maxLength: 3 }),
      fc.string({ maxLength: 12 }),
      fc.nat(4),
    )
    .map(([cuts, any, pick]) => ({
      text: ps.map(([p, sep]) => p + sep).join(''),
      search: pick === 0 ? any : cuts.join(''),
    })),
)

describe('row text test (property, against FTS5)', () => {
  let t: ReturnType<typeof tempDb>
  let db: Db
  beforeAll(() => {
    t = tempDb()
    db = t.db
    db.exec(
      `CREATE VIRTUAL TABLE temp.oracle USING fts5(t, tokenize = '${SEARCH_TOKENIZER}', detail = none, prefix = '2 3')`,
    )
  })
  afterAll(() => t.cleanup())

  it('matches a text exactly when the index would', () => {
    let decided = 0
    let matched = 0
    fc.assert(
      fc.property(row, ({ text, search: q }) => {
        const row = text
        const words = searchWords(q)
        const prefixes = foldWords(db, words)
        if (words.length === 0 || prefixes === undefined) return
        decided++
        db.prepare(`DELETE FROM temp.oracle`).run()
        db.prepare(`INSERT INTO temp.oracle (rowid, t) VALUES (1, ?)`).run(row)
        const indexed =
          db.prepare(`SELECT 1 FROM temp.oracle WHERE oracle MATCH ?`).get(ftsQuery(q)) !==
          undefined
        if (indexed) matched++
        const m = rowMatcher(db, prefixes)
        m.learn([row])
        expect(m.matches(row), `${JSON.stringify(row)} ~ ${JSON.stringify(q)}`).toBe(indexed)
      }),
      { numRuns: 2000, seed: 20260113 },
    )
    // Both answers are well represented.
    expect(decided).toBeGreaterThan(1000)
    expect(matched).toBeGreaterThan(200)
    expect(decided - matched).toBeGreaterThan(200)
  })

  it('folds search words as the tokenizer does, and declines a word that is not one token', () => {
    expect(foldWords(db, ['Qwen2', 'José', 'İstanbul', 'ＡＢＣ'])).toEqual([
      'qwen2',
      'jose',
      'istanbul',
      'ａｂｃ',
    ])
    // U+200B is a separator to the tokenizer but not to the word pattern: two tokens.
    expect(foldWords(db, ['x\u200by'])).toBeUndefined()
  })
})
