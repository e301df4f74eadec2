import { afterEach, describe, expect, it } from 'vitest'
import {
  countAssets,
  countFindings,
  queryAssets,
  queryFindings,
  refreshDerived,
} from '../../../src/core/query'
import { ftsQuery } from '../../../src/core/query/text'
import type { Db } from '../../../src/core/storage/db'
import type { NewAsset, NewFinding, Severity } from '../../../src/core/types'
import type { AssetQuery, FindingQuery, Page } from '../../../src/shared/query'
import { ASSET_SORT_KEYS, FINDING_SORT_KEYS } from '../../../src/shared/query'
import { storeScan, tempDb } from './helpers'

/**
 * Free text with many matches: a page walks its sort index and tests each row's indexed text,
 * or reads the search index's matches, or sorts a few of them (text-plan.ts). Whichever way a
 * page takes, it must hold exactly the rows the search index matches, in sort order, paged
 * without a gap or a repeat: checked against the index itself and the same sort without text.
 */

/** SQL prepared through `db` (to see which way a page went). */
function spy(db: Db): { db: Db; sql: string[] } {
  const sql: string[] = []
  const wrapped = new Proxy(db, {
    get(target, key) {
      if (key === 'prepare')
        return (s: string) => {
          sql.push(s)
          return target.prepare(s)
        }
      const v = Reflect.get(target, key) as unknown
      return typeof v === 'function' ? (v as () => unknown).bind(target) : v
    },
  })
  return { db: wrapped, sql }
}
const WALKED = /AS _text/

function pages<T extends { id: string }>(fetch: (cursor?: string) => Page<T>): string[] {
  const ids: string[] = []
  let cursor: string | undefined
  for (let n = 0; ; n++) {
    const p = fetch(cursor)
    ids.push(...p.items.map((x) => x.id))
    cursor = p.nextCursor
    if (!cursor) return ids
    if (n > 5000) throw new Error('paging does not end')
  }
}

/** The ids the search index matches, in the order the same query without text gives. */
function expectedAssets(db: Db, q: AssetQuery): string[] {
  refreshDerived(db)
  const hits = new Set(
    db
      .prepare(
        `SELECT id FROM assets WHERE rowid IN (SELECT rowid FROM asset_search WHERE asset_search MATCH ?)`,
      )
      .pluck()
      .all(ftsQuery(q.text!)) as string[],
  )
  const { text: _, ...rest } = q
  return pages((cursor) => queryAssets(db, { ...rest, limit: 1000, cursor })).filter((id) =>
    hits.has(id),
  )
}

function expectedFindings(db: Db, q: FindingQuery): string[] {
  refreshDerived(db)
  const hits = new Set(
    db
      .prepare(
        `SELECT id FROM findings WHERE rowid IN (SELECT rowid FROM finding_search WHERE finding_search MATCH ?)`,
      )
      .pluck()
      .all(ftsQuery(q.text!)) as string[],
  )
  const { text: _, ...rest } = q
  return pages((cursor) => queryFindings(db, { ...rest, limit: 1000, cursor })).filter((id) =>
    hits.has(id),
  )
}

const NAMES = ['Alpha', 'alpha', 'Beta', 'José', 'JOSE', 'İstanbul', 'Иван', 'gamma', 'Delta']

/**
 * `n` assets, a fifth of them gone: every path holds `projects`, a third `thirty`, a quarter are
 * named to sort last by name (`zz late`), a few hold `rare`; names tie a lot.
 */
function seedAssets(db: Db, n = 1300): void {
  const assets: NewAsset[] = []
  for (let i = 0; i < n; i++) {
    const late = i % 4 === 1
    assets.push({
      kind: (['model', 'package', 'notebook', 'dataset'] as const)[i % 4]!,
      path: `/home/u/projects/p${i % 17}/${i % 3 ? 'common' : 'thirty'}-${i}.bin`,
      name: late
        ? `zz late ${i % 5}`
        : i % 11 === 0
          ? undefined
          : `${NAMES[i % NAMES.length]} ${i % 7}`,
      sizeBytes: i % 9 === 0 ? undefined : (i % 50) * 10,
      ...(i % 40 === 0 ? { sha256: `${'ab'.repeat(31)}${String(i % 97).padStart(2, '0')}` } : {}),
      source: i % 2 ? 'ollama' : 'crawl',
      ...(i % 100 === 5 ? { version: 'rare' } : {}),
    })
  }
  storeScan(db, { assets, at: new Date('2026-01-01T00:00:00Z') })
  // A second scan leaves a fifth of them gone.
  storeScan(db, {
    assets: assets.filter((_, i) => i % 5 !== 0),
    at: new Date('2026-01-02T00:00:00Z'),
  })
}

describe('free text with many matches (real SQLite file)', () => {
  const cleanups: (() => void)[] = []
  const open = () => {
    const t = tempDb()
    cleanups.push(t.cleanup)
    return t.db
  }
  afterEach(() => cleanups.splice(0).forEach((c) => c()))

  it('pages a word found in every row in every sort and direction, walking the sort index', () => {
    const db = open()
    seedAssets(db)
    for (const key of ASSET_SORT_KEYS) {
      for (const direction of ['asc', 'desc'] as const) {
        for (const statuses of direction === 'asc'
          ? [undefined, ['present', 'gone'] as const]
          : [undefined]) {
          const q: AssetQuery = { text: 'Projects', sort: { key, direction }, statuses }
          const s = spy(db)
          const got = pages((cursor) => queryAssets(s.db, { ...q, limit: 29, cursor }))
          const want = expectedAssets(db, q)
          expect(got, `${key} ${direction}`).toEqual(want)
          expect(want.length).toBe(statuses ? 1300 : 1040)
          expect(
            s.sql.some((x) => WALKED.test(x)),
            'walked',
          ).toBe(true)
        }
      }
    }
    expect(countAssets(db, { text: 'projects' })).toBe(1040)
  })

  it('gives the index’s answer whatever the share of matches and their place in the sort', () => {
    const db = open()
    seedAssets(db, 2600)
    const cases: AssetQuery[] = [
      { text: 'thirty' }, // a third of the rows, spread over the name order
      { text: 'late' }, // a quarter, all at the end of the name order: the walk gives up
      { text: 'late', sort: { key: 'name', direction: 'desc' } }, // ...here at the start
      { text: 'common p1' }, // two words
      { text: 'rare' }, // few: sorted
      { text: 'jose' }, // José and JOSE
      { text: 'ИВАН' }, // folded by the tokenizer
      { text: 'istanbul p3' },
      { text: 'projects', kinds: ['model'], sort: { key: 'size' } },
      { text: 'abab' }, // SHA-256 prefix
      { text: 'nothing-like-this' },
    ]
    for (const q of cases) {
      const want = expectedAssets(db, q)
      for (const limit of [3, 100]) {
        expect(
          pages((cursor) => queryAssets(db, { ...q, limit, cursor })),
          `${JSON.stringify(q)} by ${limit}`,
        ).toEqual(want)
      }
      expect(countAssets(db, q), JSON.stringify(q)).toBe(want.length)
    }
    expect(expectedAssets(db, { text: 'late' })).toHaveLength(520)
    expect(expectedAssets(db, { text: 'thirty' })).toHaveLength(693)
    expect(expectedAssets(db, { text: 'jose' }).length).toBeGreaterThan(50)
    expect(expectedAssets(db, { text: 'ИВАН' }).length).toBeGreaterThan(50)
  })

  it('pages findings over 6,000 rows: a word in all of them, a rule’s words, a rarer word', () => {
    const db = open()
    const sev: Severity[] = ['critical', 'high', 'medium', 'low', 'info']
    const rules = ['pickle.dangerous-callable', 'package.vulnerable', 'secret.ai-api-key']
    const assets: NewAsset[] = []
    const findings: Omit<NewFinding, 'assetId'>[][] = []
    for (let i = 0; i < 600; i++) {
      assets.push({ kind: 'model', path: `/m/${i}.gguf`, name: `m${i}` })
      findings.push(
        Array.from({ length: 10 }, (_, j) => {
          const rule = rules[(i + j) % 3]!
          return {
            ruleId: rule,
            // A rule keeps its severity: its words are walked past under the severity sort.
            severity: sev[rules.indexOf(rule) + (j === 9 ? 2 : 0)],
            message: `finding ${i}-${j} ${j === 3 && i % 4 === 0 ? 'findable' : 'plain'}`,
            path: `/m/${i}.gguf`,
          }
        }),
      )
    }
    storeScan(db, { assets, findings })
    const cases: FindingQuery[] = [
      { text: 'finding' }, // every row: "fin" begins terms in all 6,000
      { text: 'vulnerable' }, // a rule's word, behind the critical ones under the default sort
      { text: 'findable' }, // 150 rows: few, although "fin" is everywhere
      { text: 'finding plain', sort: { key: 'path' } },
      { text: 'pickle', severities: ['critical'] },
    ]
    for (const q of cases) {
      const want = expectedFindings(db, q)
      expect(
        pages((cursor) => queryFindings(db, { ...q, limit: 97, cursor })),
        JSON.stringify(q),
      ).toEqual(want)
      expect(countFindings(db, q)).toBe(want.length)
    }
    expect(expectedFindings(db, { text: 'finding' })).toHaveLength(6000)
    expect(expectedFindings(db, { text: 'findable' })).toHaveLength(150)
    for (const key of FINDING_SORT_KEYS) {
      const q: FindingQuery = { text: 'finding', sort: { key } }
      const s = spy(db)
      const first = queryFindings(s.db, { ...q, limit: 50 })
      expect(first.items.map((f) => f.id)).toEqual(expectedFindings(db, q).slice(0, 50))
      expect(
        s.sql.some((x) => WALKED.test(x)),
        key,
      ).toBe(true)
    }
  })
})
