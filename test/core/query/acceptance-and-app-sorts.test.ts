import { afterEach, describe, expect, it } from 'vitest'
import {
  assetDetail,
  countAssets,
  countFindings,
  findingDetail,
  findingGroups,
  overview,
  queryAssets,
  queryFindings,
  QueryError,
} from '../../../src/core/query'
import { acceptRisk } from '../../../src/core/storage/accepted-risks'
import type { Db } from '../../../src/core/storage/db'
import { beginScan } from '../../../src/core/storage/inventory-store'
import type { NewAsset, NewFinding, Severity } from '../../../src/core/types'
import type { AssetRow } from '../../../src/shared/query'
import { HOST, storeScan, tempDb } from './helpers'

const T0 = new Date('2026-03-01T10:00:00Z')
const SEVS: readonly Severity[] = ['critical', 'high', 'medium', 'low']

/**
 * 40 assets over four formats and three sources, some with several findings, ties in every
 * new sort key; models malicious or suspicious by index.
 */
function seed(db: Db): { ids: string[]; scanId: string } {
  const assets: NewAsset[] = []
  const findings: Omit<NewFinding, 'assetId'>[][] = []
  for (let i = 0; i < 40; i++) {
    assets.push({
      kind: i % 2 ? 'model' : 'package',
      path: `/home/u/a${i}.bin`,
      name: `Asset ${String(i % 10)}`,
      ...(i % 5 ? { format: ['gguf', 'pickle', 'safetensors', 'onnx'][i % 4]! } : {}),
      source: ['crawl', 'ollama', 'huggingface-cache'][i % 3]!,
      ...(i % 2
        ? { verdict: i % 7 === 0 ? 'malicious' : i % 9 === 0 ? 'suspicious' : ('safe' as const) }
        : {}),
    })
    findings.push(
      Array.from({ length: i % 4 }, (_, j) => ({
        ruleId: j % 2 ? 'pickle.dangerous-callable' : 'package.vulnerable',
        severity: SEVS[(i + j) % 4]!,
        message: `finding ${j} of asset ${i}`,
        path: `/home/u/a${i}.bin`,
      })),
    )
  }
  return storeScan(db, { assets, findings, at: T0 })
}

describe('query layer: accepted risk, the app’s sorts and filters, jumps, groups', () => {
  const cleanups: (() => void)[] = []
  const open = () => {
    const t = tempDb()
    cleanups.push(t.cleanup)
    return t.db
  }
  afterEach(() => cleanups.splice(0).forEach((c) => c()))

  it('an accepted risk leaves the open counts, filters and rows until it expires', () => {
    const db = open()
    seed(db)
    const before = overview(db)
    const crit = queryFindings(db, { severities: ['critical'], limit: 1000 }).items
    const target = crit[0]!
    const expiresAt = '2026-06-01T00:00:00.000Z'
    acceptRisk(
      db,
      { findingId: target.id, note: 'sandboxed fixture', expiresAt, acceptedBy: 'me' },
      T0,
    )
    const now = { now: new Date('2026-04-01T00:00:00Z') }

    const accepted = queryFindings(db, { accepted: true }, now).items
    expect(accepted.map((f) => f.id)).toEqual([target.id])
    expect(accepted[0]!.acceptance).toMatchObject({
      findingId: target.id,
      note: 'sandboxed fixture',
      acceptedBy: 'me',
      expiresAt,
      expired: false,
    })
    const stillOpen = queryFindings(db, { accepted: false, limit: 1000 }, now).items
    expect(stillOpen.map((f) => f.id)).not.toContain(target.id)
    expect(stillOpen).toHaveLength(countFindings(db, {}) - 1)
    expect(countFindings(db, { accepted: false }, now)).toBe(stillOpen.length)
    expect(countFindings(db, { accepted: true, severities: ['critical'] }, now)).toBe(1)
    expect(countFindings(db, { accepted: false, severities: ['critical'] }, now)).toBe(
      crit.length - 1,
    )

    const o = overview(db, now)
    expect(o.openFindingsBySeverity.critical).toBe(before.openFindingsBySeverity.critical! - 1)
    expect(o.totalOpenFindings).toBe(before.totalOpenFindings - 1)
    expect(o.acceptedFindings).toBe(1)
    expect(o.topFindings.map((f) => f.id)).not.toContain(target.id)

    // The asset's row counts only what is still open, also in its detail.
    const row = (r: AssetRow | undefined) => r!
    const a = row(assetDetail(db, target.assetId!, now)?.asset)
    const all = queryFindings(db, { assetId: target.assetId! }).items
    expect(a.openFindings).toBe(all.length - 1)
    // Judged at the real clock (after the expiry) the accepted finding counts again.
    expect(row(assetDetail(db, target.assetId!)?.asset).openFindings).toBe(all.length)
    expect(row(queryAssets(db, { limit: 1000 }, now).items.find((x) => x.id === a.id))).toEqual(a)
    const inDetail = assetDetail(db, target.assetId!, now)!.findings.find((f) => f.id === target.id)
    expect(inDetail?.acceptance?.expired).toBe(false)

    // After the expiry the finding is open again, and says its acceptance lapsed.
    const later = { now: new Date('2026-07-01T00:00:00Z') }
    expect(queryFindings(db, { accepted: true }, later).items).toEqual([])
    expect(overview(db, later).openFindingsBySeverity).toEqual(before.openFindingsBySeverity)
    expect(findingDetail(db, target.id, later)?.finding.acceptance).toMatchObject({
      expired: true,
    })
  })

  it('counts an asset’s open findings without accepted ones, and filters by the worst of them', () => {
    const db = open()
    seed(db)
    const atLeastHigh = queryAssets(db, { minSeverity: 'high', limit: 1000 }).items
    expect(atLeastHigh.length).toBeGreaterThan(0)
    expect(atLeastHigh.every((a) => a.maxSeverity === 'critical' || a.maxSeverity === 'high')).toBe(
      true,
    )
    const all = queryAssets(db, { limit: 1000 }).items
    expect(atLeastHigh.map((a) => a.id)).toEqual(
      all.filter((a) => a.maxSeverity === 'critical' || a.maxSeverity === 'high').map((a) => a.id),
    )
    expect(countAssets(db, { minSeverity: 'high' })).toBe(atLeastHigh.length)
    // Accept every critical and high finding of one asset: it leaves the filter.
    const victim = atLeastHigh[0]!
    for (const f of queryFindings(db, { assetId: victim.id, severities: ['critical', 'high'] })
      .items)
      acceptRisk(db, { findingId: f.id, note: 'ok', acceptedBy: 'me' })
    const after = queryAssets(db, { minSeverity: 'high', limit: 1000 }).items
    expect(after.map((a) => a.id)).not.toContain(victim.id)
    expect(after).toHaveLength(atLeastHigh.length - 1)
    const v = queryAssets(db, { limit: 1000 }).items.find((a) => a.id === victim.id)!
    expect(v.openFindings).toBe(
      queryFindings(db, { assetId: victim.id, accepted: false }).items.length,
    )
    expect(() => queryAssets(db, { minSeverity: 'urgent' as Severity })).toThrow(QueryError)
  })

  it('sorts by format, source and verdict (ties by name) and by open findings', () => {
    const db = open()
    seed(db)
    const rows = (key: 'format' | 'source' | 'verdict' | 'findings', direction?: 'asc' | 'desc') =>
      queryAssets(db, { sort: { key, ...(direction ? { direction } : {}) }, limit: 1000 }).items
    const pairs = (xs: readonly AssetRow[], k: (a: AssetRow) => string | number) =>
      xs.map((a) => [k(a), (a.name ?? a.path).toLowerCase(), a.id] as const)
    const ascending = (xs: readonly (readonly [string | number, string, string])[]) =>
      xs.every((x, i) => i === 0 || compare(xs[i - 1]!, x) <= 0)
    const compare = (
      a: readonly [string | number, string, string],
      b: readonly [string | number, string, string],
    ) => {
      for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! < b[i]! ? -1 : 1
      return 0
    }
    expect(ascending(pairs(rows('format'), (a) => a.format ?? ''))).toBe(true)
    expect(ascending(pairs(rows('source'), (a) => a.source ?? ''))).toBe(true)
    const rank = (a: AssetRow) =>
      ['safe', 'invalid', 'suspicious', 'malicious'].indexOf(a.verdict ?? '')
    const byVerdict = rows('verdict') // worst first by default
    expect(ascending(pairs([...byVerdict].reverse(), rank))).toBe(true)
    expect(byVerdict[0]!.verdict).toBe('malicious')
    const byFindings = rows('findings')
    expect(ascending(pairs([...byFindings].reverse(), (a) => a.openFindings))).toBe(true)
    expect(byFindings[0]!.openFindings).toBe(3)
    // An accepted finding moves its asset down the findings sort.
    const top = byFindings[0]!
    const f = queryFindings(db, { assetId: top.id }).items[0]!
    acceptRisk(db, { findingId: f.id, note: 'ok', acceptedBy: 'me' })
    const again = rows('findings')
    expect(again.find((a) => a.id === top.id)!.openFindings).toBe(2)
    expect(ascending(pairs([...again].reverse(), (a) => a.openFindings))).toBe(true)
  })

  it('jumps to a row number, then pages on by cursor from there', () => {
    const db = open()
    seed(db)
    for (const key of ['name', 'size', 'verdict', 'findings'] as const) {
      const whole = queryAssets(db, { sort: { key }, limit: 1000 }).items.map((a) => a.id)
      const jump = queryAssets(db, { sort: { key }, offset: 13, limit: 5 })
      expect(jump.items.map((a) => a.id)).toEqual(whole.slice(13, 18))
      const next = queryAssets(db, { sort: { key }, cursor: jump.nextCursor!, offset: 2, limit: 5 })
      expect(
        next.items.map((a) => a.id),
        'a cursor wins over an offset',
      ).toEqual(whole.slice(18, 23))
      const text = queryAssets(db, { sort: { key }, text: 'asset', offset: 30, limit: 100 })
      expect(text.items.map((a) => a.id)).toEqual(whole.slice(30))
      expect(text.nextCursor).toBeUndefined()
    }
    const f = queryFindings(db, { limit: 1000 }).items.map((x) => x.id)
    expect(queryFindings(db, { offset: 4, limit: 3 }).items.map((x) => x.id)).toEqual(f.slice(4, 7))
    expect(() => queryAssets(db, { offset: -1 })).toThrow(QueryError)
    expect(() => queryAssets(db, { offset: 1.5 })).toThrow(QueryError)
  })

  it('groups findings by severity and rule, worst first, as the filter and acceptance say', () => {
    const db = open()
    seed(db)
    const g = findingGroups(db)
    const all = queryFindings(db, { limit: 1000 }).items
    expect(g.total).toBe(all.length)
    for (const x of g.groups)
      expect(x.count).toBe(
        all.filter((f) => f.severity === x.severity && f.ruleId === x.ruleId).length,
      )
    const ranks = g.groups.map((x) => SEVS.length - SEVS.indexOf(x.severity))
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a))
    expect(g.groups.find((x) => x.ruleId === 'pickle.dangerous-callable')!.title).not.toBe(
      'finding 1 of asset 2',
    )
    acceptRisk(db, { findingId: all[0]!.id, note: 'ok', acceptedBy: 'me' })
    expect(findingGroups(db, { accepted: false }).total).toBe(all.length - 1)
    expect(findingGroups(db, { accepted: true }).groups).toEqual([
      { severity: all[0]!.severity, ruleId: all[0]!.ruleId, title: expect.any(String), count: 1 },
    ])
    const text = findingGroups(db, { text: 'asset 13' })
    expect(text.total).toBe(queryFindings(db, { text: 'asset 13', limit: 1000 }).items.length)
    expect(findingGroups(db, { text: '!' })).toEqual({ groups: [], total: 0 })
  })

  it('rows say when they were first and last seen; the overview names a failed scan and risky models', () => {
    const db = open()
    const { scanId } = seed(db)
    const a = queryAssets(db, { limit: 1 }).items[0]!
    expect(a).toMatchObject({ firstSeenAt: T0.toISOString(), lastSeenAt: T0.toISOString() })
    expect(queryFindings(db, { limit: 1 }).items[0]!.firstSeenAt).toBe(T0.toISOString())
    const o = overview(db)
    expect(o.lastScan?.id).toBe(scanId)
    expect(o.lastAttempt).toBeUndefined()
    const models = queryAssets(db, { kinds: ['model'], limit: 1000 }).items
    expect(o.riskyModels).toEqual({
      malicious: models.filter((m) => m.verdict === 'malicious').length,
      suspicious: models.filter((m) => m.verdict === 'suspicious').length,
    })
    expect(o.riskyModels.malicious).toBeGreaterThan(0)
    const w = beginScan(db, HOST, ['/home/u'], new Date('2026-03-02T10:00:00Z'))
    w.abort('failed', 'disk went away')
    const after = overview(db)
    expect(after.lastScan?.id).toBe(scanId)
    expect(after.lastAttempt).toMatchObject({ status: 'failed', error: 'disk went away' })
  })
})
