import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import {
  countAssets,
  countFindings,
  overview,
  queryAssets,
  refreshDerived,
} from '../../../src/core/query'
import { compactChanges, registerChangeConsumer } from '../../../src/core/storage/change-log'
import type { Db } from '../../../src/core/storage/db'
import { beginScan } from '../../../src/core/storage/inventory-store'
import type { Origin } from '../../../src/core/storage/inventory-writer'
import type { AssetKind, NewAsset, NewFinding, ScanScope, Severity } from '../../../src/core/types'
import { HOST, STATS, tempDb } from './helpers'

/**
 * The derived state (search index, links, summary counts) follows the change log: after any
 * sequence of full and scoped scans, compactions and refreshes in between, an incremental
 * refresh leaves exactly what a rebuild from the inventory makes, and the overview and plain
 * counts equal counts made directly over the inventory. Real store, real SQLite file.
 */
const RUNS = Number(process.env.AISCOUT_PROPERTY_RUNS ?? 25)
const FILES = 7
const SHAS = ['a'.repeat(64), 'b'.repeat(64)]
const KINDS: AssetKind[] = ['model', 'model', 'secret', 'notebook', 'dataset']
const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info']

const file = (i: number): string => `/h/f${i}`
const unit = (i: number): Origin => ({ key: `file:${file(i)}`, rank: 100_000 })

/** What the analysis of file `i` emits in its state `v` (state 5: the file is gone). */
function emission(i: number, v: number): { asset: NewAsset; findings: NewFinding[] } | undefined {
  if (v % 6 === 5) return undefined
  const kind = KINDS[(i + (v >> 2)) % KINDS.length]!
  const weights = kind === 'model' || kind === 'dataset'
  return {
    asset: {
      kind,
      path: file(i),
      name: `f${i} ${['alpha', 'beta', 'gamma'][v % 3]}`,
      ...(weights && v % 2 ? { sha256: SHAS[(i + v) % 2] } : {}),
      ...(v % 3 === 2 ? {} : { sizeBytes: 100 * (1 + (v % 4)) }),
      ...(kind === 'secret'
        ? { details: { provider: 'OpenAI', fingerprint: `fp${v % 2}${i}`, redacted: 'sk-…' } }
        : {}),
      links: v % 2 ? [{ to: `other-${v % 3}`, relation: 'uses-model' }] : [],
    },
    findings:
      v % 3 === 1
        ? []
        : [
            {
              ruleId: 'pickle.dangerous-callable',
              severity: SEVERITIES[(i + v) % SEVERITIES.length]!,
              message: `call ${v % 2 ? 'system' : 'eval'} in f${i}`,
              path: file(i),
            },
          ],
  }
}

function scan(db: Db, scope: ScanScope, files: readonly (readonly [number, number])[]): void {
  const w = beginScan(db, HOST, ['/h'], { scope })
  for (const [i, v] of files) {
    w.cover(unit(i))
    const e = emission(i, v)
    if (!e) continue
    const id = w.addAsset(e.asset, unit(i))
    for (const f of e.findings) w.addFinding({ ...f, assetId: id }, unit(i))
  }
  w.complete(STATS)
}

type Op =
  | { op: 'full'; states: number[] }
  | { op: 'scoped'; file: number; state: number }
  | { op: 'refresh' }
  | { op: 'compact' }

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant('full' as const),
      states: fc.array(fc.nat(11), { minLength: FILES, maxLength: FILES }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('scoped' as const),
      file: fc.nat(FILES - 1),
      state: fc.nat(11),
    }),
    weight: 4,
  },
  { arbitrary: fc.constant({ op: 'refresh' as const }), weight: 2 },
  { arbitrary: fc.constant({ op: 'compact' as const }), weight: 1 },
)

/** Everything the derived state holds, comparably. */
function derived(db: Db) {
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.t_assets USING fts5vocab(main, asset_search, 'instance');
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.t_findings USING fts5vocab(main, finding_search, 'instance');`)
  const all = (sql: string) => db.prepare(sql).all()
  return {
    assets: all(`SELECT * FROM query_asset_state ORDER BY rid`),
    findings: all(`SELECT * FROM query_finding_state ORDER BY rid`),
    links: all(`SELECT from_rowid, to_id, relation FROM asset_links ORDER BY 1, 2, 3`),
    assetTerms: all(`SELECT term, doc FROM temp.t_assets ORDER BY 1, 2`),
    findingTerms: all(`SELECT term, doc FROM temp.t_findings ORDER BY 1, 2`),
    position: JSON.parse(
      String(
        (
          db.prepare(`SELECT value FROM settings WHERE key = 'query-derived'`).get() as {
            value: string
          }
        ).value,
      ),
    ) as unknown,
  }
}

/** The overview's and counts' figures, counted directly over the inventory. */
function expectCountsAgree(db: Db): void {
  const o = overview(db)
  const byGroup = (sql: string) =>
    Object.fromEntries((db.prepare(sql).all() as { k: string; n: number }[]).map((r) => [r.k, r.n]))
  expect(o.assetsByKind).toEqual(
    byGroup(`SELECT kind AS k, count(*) AS n FROM assets WHERE status = 'present' GROUP BY kind`),
  )
  expect(o.openFindingsBySeverity).toEqual(
    byGroup(
      `SELECT severity AS k, count(*) AS n FROM findings WHERE status = 'open' GROUP BY severity`,
    ),
  )
  expect(o.modelStorageBytes).toBe(
    (
      db
        .prepare(
          `SELECT coalesce(sum(s), 0) AS b FROM (SELECT max(size_bytes) AS s FROM assets
           WHERE kind = 'model' AND status = 'present' GROUP BY coalesce(sha256, id))`,
        )
        .get() as { b: number }
    ).b,
  )
  const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n
  expect(countAssets(db, { statuses: ['present', 'gone'] })).toBe(
    n(`SELECT count(*) AS n FROM assets`),
  )
  expect(countAssets(db, { kinds: ['model', 'secret'] })).toBe(
    n(`SELECT count(*) AS n FROM assets WHERE status = 'present' AND kind IN ('model', 'secret')`),
  )
  expect(countFindings(db, { statuses: ['resolved'] })).toBe(
    n(`SELECT count(*) AS n FROM findings WHERE status = 'resolved'`),
  )
  expect(countFindings(db, { severities: ['high', 'info'] })).toBe(
    n(`SELECT count(*) AS n FROM findings WHERE status = 'open' AND severity IN ('high', 'info')`),
  )
}

describe('derived state follows the change log (property, real store)', () => {
  const cleanups: (() => void)[] = []
  afterAll(() => cleanups.splice(0).forEach((c) => c()))

  it('an incremental refresh equals a rebuild after any sequence of scans and compactions', () => {
    let refreshes = 0
    fc.assert(
      fc.property(
        fc.array(fc.nat(11), { minLength: FILES, maxLength: FILES }),
        fc.array(op, { minLength: 1, maxLength: 14 }),
        fc.boolean(),
        (initial, ops, consumer) => {
          const t = tempDb()
          try {
            const db = t.db
            // A consumer that acknowledged nothing holds compaction back; none lets it run.
            if (consumer) registerChangeConsumer(db, 'sync')
            scan(
              db,
              { kind: 'full' },
              initial.map((v, i) => [i, v] as const),
            )
            expect(refreshDerived(db).how).toEqual({ assets: 'built', findings: 'built' })
            for (const o of ops) {
              if (o.op === 'full')
                scan(
                  db,
                  { kind: 'full' },
                  o.states.map((v, i) => [i, v] as const),
                )
              else if (o.op === 'scoped')
                scan(db, { kind: 'paths', paths: [file(o.file)] }, [[o.file, o.state]])
              else if (o.op === 'compact')
                compactChanges(db, { keepDays: 0, now: new Date(Date.now() + 86_400_000) })
              else {
                const r = refreshDerived(db)
                if (r.refreshed) {
                  refreshes++
                  expect(r.how).toEqual({ assets: 'changes', findings: 'changes' })
                }
                expectCountsAgree(db)
              }
            }
            const r = refreshDerived(db)
            if (r.refreshed) expect(r.how).toEqual({ assets: 'changes', findings: 'changes' })
            expectCountsAgree(db)
            const incremental = derived(db)
            db.exec(`DELETE FROM query_asset_state; DELETE FROM query_finding_state;
              DELETE FROM settings WHERE key = 'query-derived';`)
            expect(refreshDerived(db).how).toEqual({ assets: 'built', findings: 'built' })
            expect(derived(db)).toEqual(incremental)
            // Search answers from the state (a word of every asset's name).
            expect(
              queryAssets(db, { text: 'f0', statuses: ['present', 'gone'] }).items.length,
            ).toBe(
              (
                db.prepare(`SELECT count(*) AS n FROM assets WHERE path = '/h/f0'`).get() as {
                  n: number
                }
              ).n,
            )
          } finally {
            t.cleanup()
          }
        },
      ),
      { numRuns: RUNS, seed: 20260114, endOnFailure: true },
    )
    expect(refreshes).toBeGreaterThan(RUNS / 2)
  })
})
