import { afterEach, describe, expect, it } from 'vitest'
import {
  assetDetail,
  countAssets,
  overview,
  queryAssets,
  queryFindings,
  scanHistory,
} from '../../../src/core/query'
import type { Db } from '../../../src/core/storage/db'
import type { AssetQuery, FindingQuery } from '../../../src/shared/query'
import { storeScan, tempDb } from './helpers'

/**
 * EXPLAIN QUERY PLAN of what the query layer runs: pages walk a sort index (no temporary sort of
 * every matching row), text goes through the FTS5 table, details use the by-asset and by-link
 * indexes. A plan, not a timing: the figures are in bench (npm run bench -- --only query).
 */
type Call = { sql: string; args: unknown[] }

function spy(db: Db): { db: Db; calls: Call[] } {
  const calls: Call[] = []
  const wrapped = new Proxy(db, {
    get(target, key) {
      if (key === 'prepare') {
        return (sql: string) => {
          const stmt = target.prepare(sql)
          return new Proxy(stmt, {
            get(s, m) {
              const v = Reflect.get(s, m) as unknown
              if (m === 'all' || m === 'get' || m === 'iterate') {
                return (...args: unknown[]) => {
                  calls.push({ sql, args })
                  return (v as (...a: unknown[]) => unknown).apply(s, args)
                }
              }
              return typeof v === 'function' ? (v as () => unknown).bind(s) : v
            },
          })
        }
      }
      const v = Reflect.get(target, key) as unknown
      return typeof v === 'function' ? (v as () => unknown).bind(target) : v
    },
  })
  return { db: wrapped, calls }
}

function planOf(db: Db, call: Call): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${call.sql}`).all(...call.args) as { detail: string }[])
    .map((r) => r.detail)
    .join(' | ')
}

/** The plan of the page query (the statement with ORDER BY and LIMIT) a call ran. */
function pagePlan(db: Db, run: (db: Db) => void): string {
  const s = spy(db)
  run(s.db)
  const page = s.calls.filter((c) => /ORDER BY/.test(c.sql) && /LIMIT \?\s*$/.test(c.sql)).pop()
  if (!page) throw new Error('no page query ran')
  return planOf(db, page)
}

describe('query plans use the 0055 indexes', () => {
  const cleanups: (() => void)[] = []
  afterEach(() => cleanups.splice(0).forEach((c) => c()))
  const seeded = (): Db => {
    const t = tempDb()
    cleanups.push(t.cleanup)
    storeScan(t.db, {
      assets: Array.from({ length: 30 }, (_, i) => ({
        kind: i % 2 ? ('model' as const) : ('package' as const),
        path: `/p/${i}`,
        name: `n${i}`,
      })),
      findings: Array.from({ length: 30 }, (_, i) => [
        { ruleId: 'pickle.dangerous-callable', message: `m${i}`, path: `/p/${i}` },
      ]),
    })
    return t.db
  }

  const assetCases: [AssetQuery, RegExp][] = [
    [{}, /assets_by_name/],
    [{ sort: { key: 'kind' } }, /assets_by_kind/],
    [{ kinds: ['model'] }, /assets_by_kind \(kind=\?/],
    [{ sort: { key: 'path', direction: 'desc' } }, /assets_by_path/],
    [{ sort: { key: 'size' } }, /assets_by_size/],
    [{ sort: { key: 'firstSeen' }, statuses: ['gone'] }, /assets_by_first_seen/],
    [{ sort: { key: 'format' } }, /assets_by_format/],
    [{ sort: { key: 'source', direction: 'desc' } }, /assets_by_source/],
    [{ sort: { key: 'verdict' } }, /assets_by_verdict/],
  ]
  for (const [q, index] of assetCases) {
    it(`assets ${JSON.stringify(q)} walk ${index.source}`, () => {
      const db = seeded()
      const plan = pagePlan(db, (d) => queryAssets(d, q))
      expect(plan).toMatch(index)
      expect(plan).not.toMatch(/TEMP B-TREE/)
      // The next page starts at the cursor, in the same index.
      const cursor = queryAssets(db, { ...q, limit: 2 }).nextCursor!
      const next = pagePlan(db, (d) => queryAssets(d, { ...q, limit: 2, cursor }))
      expect(next).toMatch(index)
      expect(next).not.toMatch(/TEMP B-TREE/)
    })
  }

  const findingCases: [FindingQuery, RegExp][] = [
    [{}, /findings_by_rank/],
    [{ severities: ['high'] }, /findings_by_rank \(<expr>=\?\)/],
    [{ sort: { key: 'firstSeen' } }, /findings_by_first_seen/],
    [{ sort: { key: 'path' } }, /findings_by_path/],
    [{ sort: { key: 'rule' }, ruleIds: ['pickle.dangerous-callable'] }, /findings_by_rule/],
  ]
  for (const [q, index] of findingCases) {
    it(`findings ${JSON.stringify(q)} walk ${index.source}`, () => {
      const db = seeded()
      const plan = pagePlan(db, (d) => queryFindings(d, q))
      expect(plan).toMatch(index)
      expect(plan).not.toMatch(/TEMP B-TREE/)
    })
  }

  it('the severity filter reads the assets from the open findings by rank', () => {
    const db = seeded()
    const s = spy(db)
    countAssets(s.db, { minSeverity: 'high' })
    const plans = s.calls.map((c) => planOf(db, c)).join('\n')
    expect(plans).toMatch(/findings_open_by_rank \(<expr>>\?\)/)
    expect(plans).not.toMatch(/findings_by_status/)
  })

  it('free text goes through the FTS5 tables', () => {
    const db = seeded()
    expect(pagePlan(db, (d) => queryAssets(d, { text: 'n1' }))).toMatch(
      /asset_search VIRTUAL TABLE/,
    )
    expect(pagePlan(db, (d) => queryFindings(d, { text: 'm1' }))).toMatch(
      /finding_search VIRTUAL TABLE/,
    )
  })

  it('details and counts use the by-asset, by-link and status indexes', () => {
    const db = seeded()
    const id = queryAssets(db).items[0]!.id
    const s = spy(db)
    assetDetail(s.db, id)
    overview(s.db)
    const plans = s.calls.map((c) => planOf(db, c)).join('\n')
    expect(plans).toMatch(/findings_by_asset/)
    expect(plans).toMatch(/asset_links_by_to/)
    expect(plans).not.toMatch(/SCAN assets(?! USING)/)
  })

  it('the overview reads kept counts and the latest scan by index, counting nothing', () => {
    const db = seeded()
    overview(db) // the first query after the scan brings the derived state up to date
    const s = spy(db)
    overview(s.db, { topFindings: 0 })
    const plans = s.calls.map((c) => planOf(db, c)).join('\n')
    expect(plans).toMatch(/scans_by_status/)
    expect(plans).not.toMatch(/SCAN (assets|findings|scans)\b/)
    expect(plans).not.toMatch(/INDEX (assets|findings)_by_status/)
    expect(plans).not.toMatch(/TEMP B-TREE/)
  })

  it('scan history walks the scans by start', () => {
    const db = seeded()
    const s = spy(db)
    scanHistory(s.db, { limit: 5 })
    expect(s.calls.map((c) => planOf(db, c)).join('\n')).toMatch(/scans_by_started/)
  })
})
