import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { assetIdFor } from '../../../src/core/engine/asset-id'
import {
  ackChanges,
  ChangeLogError,
  changeConsumers,
  compactChanges,
  latestChangeSeq,
  readChanges,
  registerChangeConsumer,
  removeChangeConsumer,
} from '../../../src/core/storage/change-log'
import type { Db } from '../../../src/core/storage/db'
import { openDb } from '../../../src/core/storage/db'
import { beginScan } from '../../../src/core/storage/inventory-store'
import type { NewAsset, ScanStats } from '../../../src/core/types'

const host = { hostname: 'h', platform: 'linux', arch: 'x64', osRelease: '6', user: 'u' }
const stats = {
  filesSeen: 0,
  dirsSeen: 0,
  candidates: 0,
  bytesHashed: 0,
  filesHashed: 0,
  hashCacheHits: 0,
  modelsScanned: 0,
  assets: 0,
  findings: 0,
  skipped: 0,
  durationMs: 0,
} satisfies ScanStats

describe('change log (real SQLite file)', () => {
  const dirs: string[] = []
  const open = () => {
    const d = mkdtempSync(join(tmpdir(), 'aiscout-log-'))
    dirs.push(d)
    return openDb(join(d, 'inv.db'))
  }
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

  /** A full scan of `n` models (versions give changes) plus a finding on the first. */
  const scanModels = (db: Db, n: number, version = 'v1', finding = true) => {
    const w = beginScan(db, host, ['/h'])
    for (let i = 0; i < n; i++) {
      const a: NewAsset = { kind: 'model', path: `/h/m${i}.gguf`, version }
      w.addAsset(a)
    }
    if (finding)
      w.addFinding({ ruleId: 'model.invalid-structure', message: 'bad', path: '/h/m0.gguf' })
    return w.complete(stats)
  }
  /** Backdates every scan so far (retention is measured from a scan's end). */
  const age = (db: Db, days: number) =>
    db
      .prepare(`UPDATE scans SET finished_at = ?`)
      .run(new Date(Date.now() - days * 86_400_000).toISOString())

  it('pages through changes in order, with the current state of each asset and finding', () => {
    const db = open()
    expect(latestChangeSeq(db)).toBe(0)
    scanModels(db, 5)
    expect(latestChangeSeq(db)).toBe(6)
    const p1 = readChanges(db, { limit: 4 })
    expect(p1.changes.map((c) => c.seq)).toEqual([1, 2, 3, 4])
    expect(p1.more).toBe(true)
    const p2 = readChanges(db, { after: p1.next, limit: 4 })
    expect(p2.changes.map((c) => c.seq)).toEqual([5, 6])
    expect(p2.more).toBe(false)
    const first = p1.changes[0]!
    expect(first).toMatchObject({
      entity: 'asset',
      change: 'added',
      key: assetIdFor('model', '/h/m0.gguf'),
    })
    expect(first.at).toBeTruthy()
    expect(first.entity === 'asset' && first.state?.asset.path).toBe('/h/m0.gguf')
    const f = p2.changes[1]!
    expect(f.entity === 'finding' && f.state).toMatchObject({
      status: 'open',
      finding: { ruleId: 'model.invalid-structure' },
    })
    // The asset goes: the later change says so, and the state read with the earlier one is now.
    scanModels(db, 4)
    const later = readChanges(db, { after: 6 }).changes
    expect(later.map((c) => c.change)).toEqual(['gone'])
    expect(readChanges(db, { after: 4, limit: 1 }).changes[0]).toMatchObject({
      change: 'added',
      state: { status: 'gone' },
    })
    db.close()
  })

  it('consumers: registered from the start or from now, acknowledgements only move forward', () => {
    const db = open()
    scanModels(db, 3)
    expect(registerChangeConsumer(db, 'sync').ackedSeq).toBe(0)
    expect(registerChangeConsumer(db, 'app', { from: 'latest' }).ackedSeq).toBe(4)
    // Registering again keeps the position.
    ackChanges(db, 'sync', 2)
    expect(registerChangeConsumer(db, 'sync').ackedSeq).toBe(2)
    expect(ackChanges(db, 'sync', 1).ackedSeq).toBe(2)
    expect(() => ackChanges(db, 'sync', 99)).toThrow(ChangeLogError)
    expect(() => ackChanges(db, 'nobody', 1)).toThrow(/no change consumer/)
    expect(changeConsumers(db).map((c) => [c.name, c.ackedSeq])).toEqual([
      ['app', 4],
      ['sync', 2],
    ])
    expect(removeChangeConsumer(db, 'app')).toBe(true)
    expect(changeConsumers(db).map((c) => c.name)).toEqual(['sync'])
    db.close()
  })

  it("compaction keeps every key's latest change, the retention window and what a consumer has not acknowledged", () => {
    const db = open()
    scanModels(db, 3, 'v1') // seq 1-4
    scanModels(db, 3, 'v2', false) // 5-7 changed, 8 resolved
    scanModels(db, 3, 'v3', false) // 9-11 changed
    const all = readChanges(db, { state: false }).changes
    expect(all).toHaveLength(11)
    registerChangeConsumer(db, 'sync')
    ackChanges(db, 'sync', 6)
    // Within the retention window nothing goes.
    expect(compactChanges(db).removed).toBe(0)
    age(db, 40)
    // Old enough: superseded rows the consumer acknowledged (1-3: later rows for m0-m2; 4: the
    // finding resolved at 8; 5, 6) go; 7 is not acknowledged yet.
    expect(compactChanges(db).removed).toBe(6)
    expect(readChanges(db, { state: false }).changes.map((c) => c.seq)).toEqual([7, 8, 9, 10, 11])
    ackChanges(db, 'sync', 11)
    expect(compactChanges(db).removed).toBe(1)
    // Reading from the start still gives each key its latest change.
    const kept = readChanges(db, { state: false }).changes
    expect(kept.map((c) => `${c.entity}:${c.change}`)).toEqual([
      'finding:resolved',
      'asset:changed',
      'asset:changed',
      'asset:changed',
    ])
    expect(new Set(kept.map((c) => c.key)).size).toBe(4)
    // Sequence numbers are never given twice, even after rows went.
    scanModels(db, 3, 'v4', false)
    expect(readChanges(db, { after: 11, state: false }).changes.map((c) => c.seq)).toEqual([
      12, 13, 14,
    ])
    db.close()
  })

  it('a full scan compacts the log, at most once a day (no consumer: beyond the retention window, latest per key)', () => {
    const db = open()
    scanModels(db, 2, 'v1')
    scanModels(db, 2, 'v2', false)
    age(db, 31)
    // Compacted by the first scan today: not again until a day has passed.
    scanModels(db, 2, 'v2', false)
    expect(readChanges(db, { state: false }).changes).toHaveLength(6)
    db.prepare(`UPDATE settings SET value = ? WHERE key = 'changes-compacted-at'`).run(
      new Date(Date.now() - 86_400_001).toISOString(),
    )
    scanModels(db, 2, 'v3', false)
    // Old superseded rows are gone; the two latest changes and the resolution stay.
    expect(readChanges(db, { state: false }).changes.map((c) => c.change)).toEqual([
      'resolved',
      'changed',
      'changed',
    ])
    db.close()
  })
})
