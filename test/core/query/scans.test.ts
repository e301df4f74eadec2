import { afterEach, describe, expect, it } from 'vitest'
import { QueryError, scanDiff, scanHistory } from '../../../src/core/query'
import { installationId } from '../../../src/core/storage/installation-id'
import { openDb } from '../../../src/core/storage/db'
import { beginScan } from '../../../src/core/storage/inventory-store'
import type { NewAsset } from '../../../src/core/types'
import { HOST, storeScan, tempDb } from './helpers'

const day = (d: number) => new Date(Date.UTC(2026, 0, d))
const model = (name: string, extra: Partial<NewAsset> = {}): NewAsset => ({
  kind: 'model',
  path: `/m/${name}`,
  name,
  ...extra,
})
const finding = (path: string) => ({
  ruleId: 'pickle.dangerous-callable',
  message: `bad ${path}`,
  path,
})

describe('scan history and differences', () => {
  const cleanups: (() => void)[] = []
  const open = () => {
    const t = tempDb()
    cleanups.push(t.cleanup)
    return t
  }
  afterEach(() => cleanups.splice(0).forEach((c) => c()))

  /** Three scans: a,b → b,c (b gets a finding) → c,d. */
  const threeScans = (db: ReturnType<typeof open>['db']) => {
    const s1 = storeScan(db, { assets: [model('a'), model('b')], at: day(1) })
    const s2 = storeScan(db, {
      assets: [model('b'), model('c')],
      findings: [[finding('/m/b')], []],
      at: day(2),
    })
    const s3 = storeScan(db, { assets: [model('c'), model('d')], at: day(3) })
    return [s1.scanId, s2.scanId, s3.scanId] as const
  }

  it('lists scans newest first, with every status, in pages', () => {
    const { db } = open()
    const [s1, s2, s3] = threeScans(db)
    beginScan(db, HOST, ['/'], day(4)).abort('failed', 'disk full')
    const first = scanHistory(db, { limit: 2 })
    expect(first.items.map((s) => s.status)).toEqual(['failed', 'complete'])
    expect(first.items[0]!.error).toBe('disk full')
    expect(first.items[1]!.id).toBe(s3)
    const rest = scanHistory(db, { limit: 2, cursor: first.nextCursor })
    expect(rest.items.map((s) => s.id)).toEqual([s2, s1])
    expect(rest.nextCursor).toBeUndefined()
    expect(rest.items[0]!.roots).toEqual(['/home/u'])
  })

  it('tells what was added and removed between two scans from first and last sightings', () => {
    const { db } = open()
    const [s1, s2, s3] = threeScans(db)
    // As in an inventory whose scans predate the change log (migration 0050).
    db.exec(`DELETE FROM changes`)
    const d12 = scanDiff(db, s1, s2)
    expect(d12.basis).toBe('first-last-seen')
    expect(d12.assets.added.items.map((a) => a.name)).toEqual(['c'])
    expect(d12.assets.removed.items.map((a) => a.name)).toEqual(['a'])
    expect(d12.findings.added.count).toBe(1)
    expect(d12.findings.removed.count).toBe(0)
    const d13 = scanDiff(db, s1, s3)
    // b was there at s1 and is gone by s3: removed, though it lasted through s2.
    expect(d13.assets.added.items.map((a) => a.name).sort()).toEqual(['c', 'd'])
    expect(d13.assets.removed.items.map((a) => a.name).sort()).toEqual(['a', 'b'])
    // The finding on b appeared and went within the span.
    expect(d13.findings.added.count).toBe(0)
    const d23 = scanDiff(db, s2, s3)
    expect(d23.findings.removed.items.map((f) => f.path)).toEqual(['/m/b'])
    expect(d23.assets.removed.items.map((a) => a.name)).toEqual(['b'])
    expect(() => scanDiff(db, s3, s1)).toThrow(QueryError)
    expect(() => scanDiff(db, s1, 'nope')).toThrow(QueryError)
  })

  it('reads the change log, netting each key over the span, with changed rows', () => {
    const { db } = open()
    const s1 = storeScan(db, { assets: [model('a'), model('b')], at: day(1) }).scanId
    const s2 = storeScan(db, {
      assets: [model('b', { version: '2' }), model('c')],
      findings: [[finding('/m/b')], []],
      at: day(2),
    }).scanId
    const s3 = storeScan(db, {
      assets: [model('c', { version: '3' }), model('d')],
      at: day(3),
    }).scanId
    const d12 = scanDiff(db, s1, s2)
    expect(d12.basis).toBe('change-log')
    expect(d12.assets.added.items.map((a) => a.name)).toEqual(['c'])
    expect(d12.assets.removed.items.map((a) => a.name)).toEqual(['a'])
    expect(d12.assets.changed.items.map((a) => a.name)).toEqual(['b'])
    expect(d12.findings.added.items.map((f) => f.path)).toEqual(['/m/b'])
    const d13 = scanDiff(db, s1, s3)
    expect(d13.assets.added.items.map((a) => a.name).sort()).toEqual(['c', 'd'])
    expect(d13.assets.removed.items.map((a) => a.name).sort()).toEqual(['a', 'b'])
    // The finding on b came and went within the span.
    expect(d13.findings.added.count + d13.findings.removed.count).toBe(0)
    const d23 = scanDiff(db, s2, s3)
    expect(d23.assets.changed.items.map((a) => a.name)).toEqual(['c'])
    expect(d23.assets.removed.items.map((a) => a.name)).toEqual(['b'])
    expect(d23.findings.removed.items.map((f) => f.path)).toEqual(['/m/b'])
    // Limits bound the lists, not the counts.
    const limited = scanDiff(db, s1, s3, { limit: 1 })
    expect(limited.assets.added).toMatchObject({ count: 2, items: [expect.anything()] })
  })
})

describe('installation id', () => {
  it('is a random UUID made once per inventory and kept across reopenings', () => {
    const t = tempDb()
    try {
      const id = installationId(t.db)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(installationId(t.db)).toBe(id)
      const again = openDb(t.file)
      expect(installationId(again)).toBe(id)
      again.close()
      const other = tempDb()
      expect(installationId(other.db)).not.toBe(id)
      other.cleanup()
    } finally {
      t.cleanup()
    }
  })
})
