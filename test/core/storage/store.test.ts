import Database from 'better-sqlite3'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { assetIdFor } from '../../../src/core/engine/asset-id'
import { openDb } from '../../../src/core/storage/db'
import { createHashCache } from '../../../src/core/storage/hash-cache'
import { beginScan, installationSecret } from '../../../src/core/storage/inventory-store'
import { NoScanError, openInventoryReader } from '../../../src/core/storage/inventory-reader'
import { LATEST_VERSION, NewerDatabaseError } from '../../../src/core/storage/migrations'
import type { ScanStats } from '../../../src/core/types'

const host = { hostname: 'h', platform: 'linux', arch: 'x64', osRelease: '6', user: 'u' }
const stats: ScanStats = {
  filesSeen: 1,
  dirsSeen: 1,
  candidates: 1,
  bytesHashed: 0,
  filesHashed: 0,
  hashCacheHits: 0,
  modelsScanned: 0,
  assets: 0,
  findings: 0,
  skipped: 0,
  durationMs: 1,
}

describe('inventory store (real SQLite file)', () => {
  const dirs: string[] = []
  const tmpDb = () => {
    const d = mkdtempSync(join(tmpdir(), 'aiscout-db-'))
    dirs.push(d)
    return join(d, 'inv.db')
  }
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

  it('creates the schema by numbered migrations in WAL mode and records user_version', () => {
    const file = tmpDb()
    const db = openDb(file)
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('page_size', { simple: true })).toBe(8192)
    // A scan's private stage uses bigger pages (it is never read by anything else).
    beginScan(db, { hostname: 'h', platform: 'linux', arch: 'x64', osRelease: '', user: '' }, [
      '/',
    ]).abort('interrupted', 'test')
    expect(db.pragma('stage.page_size', { simple: true })).toBe(16384)
    db.close()
    // Reopening is idempotent.
    const again = openDb(file)
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_VERSION)
    again.close()
  })

  it('refuses a database written by a newer version with a clear error', () => {
    const file = tmpDb()
    const raw = new Database(file)
    raw.pragma(`user_version = ${LATEST_VERSION + 10}`)
    raw.close()
    expect(() => openDb(file)).toThrow(NewerDatabaseError)
    expect(() => openDb(file)).toThrow(/newer than this AI Scout supports/)
  })

  it('refuses a file that is not a database', () => {
    const file = tmpDb()
    writeFileSync(file, 'not sqlite at all, just text that is long enough'.repeat(40))
    expect(() => openDb(file)).toThrow(/not usable|cannot open/)
  })

  it('updates an asset on rescan instead of duplicating it, and marks vanished assets gone', () => {
    const db = openDb(tmpDb())
    const s1 = beginScan(db, host, ['/h'])
    const a = s1.addAsset({ kind: 'model', path: '/h/a.gguf', sha256: 'aa', format: 'gguf' })
    s1.addAsset({ kind: 'model', path: '/h/b.gguf', sha256: 'bb' })
    s1.addFinding({ ruleId: 'model.invalid-structure', message: 'bad', path: '/h/b.gguf' })
    s1.complete(stats)
    const s2 = beginScan(db, host, ['/h'])
    const a2 = s2.addAsset({
      kind: 'model',
      path: '/h/a.gguf',
      sha256: 'aa',
      format: 'gguf',
      name: 'renamed',
    })
    s2.complete(stats)
    expect(a2).toBe(a)
    const present = [...openInventoryReader(db).assets()]
    expect(present.map((x) => x.path)).toEqual(['/h/a.gguf'])
    expect(present[0]!.name).toBe('renamed')
    const all = [...openInventoryReader(db, { includeGone: true }).assets()]
    expect(all).toHaveLength(2)
    expect(all.find((x) => x.path === '/h/b.gguf')!.details.status).toBe('gone')
    // The finding of the vanished file is resolved, not shown as open.
    expect([...openInventoryReader(db).findings()]).toHaveLength(0)
    db.close()
  })

  it('keeps the previous inventory intact when a scan is killed part-way', () => {
    const file = tmpDb()
    const db = openDb(file)
    const s1 = beginScan(db, host, ['/h'])
    s1.addAsset({ kind: 'secret', path: '/h/.env', identity: 'fp@/h/.env:1' })
    s1.complete(stats)
    const s2 = beginScan(db, host, ['/h'])
    for (let i = 0; i < 5000; i++) s2.addAsset({ kind: 'model', path: `/h/m${i}.bin` })
    // Simulate a killed process: the connection goes away without complete() or abort().
    db.close()
    const db2 = openDb(file)
    const inv = openInventoryReader(db2)
    expect(inv.scan.id).toBe(s1.scanId)
    expect([...inv.assets()].map((a) => a.path)).toEqual(['/h/.env'])
    // The next scan marks the dead one interrupted and drops its staged rows.
    const s3 = beginScan(db2, host, ['/h'])
    const row = db2.prepare(`SELECT status FROM scans WHERE id = ?`).get(s2.scanId) as {
      status: string
    }
    expect(row.status).toBe('interrupted')
    expect(
      (db2.prepare(`SELECT count(*) AS n FROM stage.staged_assets`).get() as { n: number }).n,
    ).toBe(0)
    s3.abort('interrupted')
    db2.close()
  })

  it('merges a repeated emission of one asset: later values fill gaps, details merge, links accumulate', () => {
    const db = openDb(tmpDb())
    const s = beginScan(db, host, ['/h'])
    const a = s.addAsset({
      kind: 'model',
      path: '/h/m.gguf',
      format: 'gguf',
      details: { a: 1 },
      links: [{ to: 'x', relation: 'r1' }],
    })
    const b = s.addAsset({
      kind: 'model',
      path: '/h/m.gguf',
      name: 'named',
      details: { b: 2 },
      links: [{ to: 'y', relation: 'r2' }],
    })
    for (let i = 0; i < 2500; i++) s.addAsset({ kind: 'model', path: `/h/other${i}` })
    s.addAsset({ kind: 'model', path: '/h/m.gguf', version: 'v1', details: { c: 3 } })
    s.addFinding({ ruleId: 'model.invalid-structure', message: 'm', path: '/h/m.gguf' })
    s.addFinding({ ruleId: 'model.invalid-structure', message: 'm', path: '/h/m.gguf' })
    s.complete(stats)
    expect(b).toBe(a)
    const got = [...openInventoryReader(db).assets()].find((x) => x.id === a)!
    expect(got).toMatchObject({
      format: 'gguf',
      name: 'named',
      version: 'v1',
      details: { a: 1, b: 2, c: 3 },
    })
    expect(got.links).toEqual([
      { to: 'x', relation: 'r1' },
      { to: 'y', relation: 'r2' },
    ])
    expect([...openInventoryReader(db).findings()]).toHaveLength(1)
    db.close()
  })

  it('links assets with the same SHA-256 across stores', () => {
    const db = openDb(tmpDb())
    const s = beginScan(db, host, ['/h'])
    const x = s.addAsset({ kind: 'model', path: '/h/.ollama/blob', sha256: 'ff', source: 'ollama' })
    const y = s.addAsset({
      kind: 'model',
      path: '/h/Downloads/copy.gguf',
      sha256: 'ff',
      source: 'crawl',
    })
    s.complete(stats)
    const assets = [...openInventoryReader(db).assets()]
    expect(assets.find((a) => a.id === x)!.links).toEqual([{ to: y, relation: 'same-weights' }])
    expect(assets.find((a) => a.id === y)!.links).toEqual([{ to: x, relation: 'same-weights' }])
    db.close()
  })

  it('links copies staged thousands of rows apart, never an asset to itself', () => {
    const db = openDb(tmpDb())
    const s = beginScan(db, host, ['/h'])
    const x = s.addAsset({ kind: 'model', path: '/h/a.gguf', sha256: 'ee' })
    s.addAsset({ kind: 'model', path: '/h/a.gguf', sha256: 'ee' }) // the same asset again
    for (let i = 0; i < 3000; i++) s.addAsset({ kind: 'model', path: `/h/n${i}`, sha256: `${i}` })
    const y = s.addAsset({ kind: 'dataset', path: '/h/b.bin', sha256: 'ee' })
    const z = s.addAsset({ kind: 'tool', path: '/h/c', sha256: 'ee' }) // not weights: not linked
    s.complete(stats)
    const assets = new Map([...openInventoryReader(db).assets()].map((a) => [a.id, a]))
    expect(assets.size).toBe(3003)
    expect(assets.get(x)!.links).toEqual([{ to: y, relation: 'same-weights' }])
    expect(assets.get(y)!.links).toEqual([{ to: x, relation: 'same-weights' }])
    expect(assets.get(z)!.links).toEqual([])
    expect(assets.get(assetIdFor('model', '/h/n7'))!.links).toEqual([])
    db.close()
  })

  it('has no completed scan to read before the first scan', () => {
    const db = openDb(tmpDb())
    expect(() => openInventoryReader(db)).toThrow(NoScanError)
    db.close()
  })

  it('caches hashes by (device, inode, size, mtime) and misses when any of them changes', () => {
    const db = openDb(tmpDb())
    const cache = createHashCache(db)
    const id = { dev: 1, ino: 2n, size: 10, mtimeMs: 1234.5 }
    cache.put(id, '/x', 'abc')
    expect(cache.get(id)).toBe('abc')
    expect(cache.get({ ...id, size: 11 })).toBeUndefined()
    expect(cache.get({ ...id, mtimeMs: 1234.6 })).toBeUndefined()
    expect(cache.get({ ...id, ino: 3 })).toBeUndefined()
    db.close()
  })

  it('keeps one installation secret per database', () => {
    const db = openDb(tmpDb())
    const a = installationSecret(db)
    expect(a).toHaveLength(32)
    expect(installationSecret(db).equals(a)).toBe(true)
    db.close()
  })

  it('drops emissions that arrive after the scan was completed or aborted', () => {
    const db = openDb(tmpDb())
    const s = beginScan(db, host, ['/h'])
    s.addAsset({ kind: 'model', path: '/h/kept.gguf' })
    s.complete(stats)
    s.addAsset({ kind: 'model', path: '/h/late.gguf' })
    s.addFinding({ ruleId: 'model.invalid-structure', message: 'late', path: '/h/late.gguf' })
    s.addSkipped({ path: '/h/late', reason: 'error', message: 'late' })
    const t = beginScan(db, host, ['/h'])
    t.abort('failed', 'boom')
    t.addAsset({ kind: 'model', path: '/h/late2.gguf' })
    expect([...openInventoryReader(db).assets()].map((a) => a.path)).toEqual(['/h/kept.gguf'])
    expect([...openInventoryReader(db).findings()]).toEqual([])
    expect(db.prepare(`SELECT count(*) AS n FROM skipped`).get()).toEqual({ n: 0 })
    db.close()
  })
})
