import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Db } from '../../../src/core/storage/db'
import { openDb } from '../../../src/core/storage/db'
import { beginScan } from '../../../src/core/storage/inventory-store'
import type { NewAsset, NewFinding, ScanStats } from '../../../src/core/types'

export const HOST = { hostname: 'h', platform: 'linux', arch: 'x64', osRelease: '6', user: 'u' }
export const STATS: ScanStats = {
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
}

/** A fresh inventory in a real SQLite file under the system temp folder. */
export function tempDb(): { db: Db; file: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-query-'))
  const file = join(dir, 'inv.db')
  const db = openDb(file)
  return {
    db,
    file,
    cleanup() {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export type ScanInput = Readonly<{
  assets: readonly NewAsset[]
  /** Findings about the asset at the same index of `assets` (or none). */
  findings?: readonly (readonly Omit<NewFinding, 'assetId'>[])[]
  at?: Date
}>

/** Runs one scan through the real store and returns its id and the asset ids in input order. */
export function storeScan(db: Db, input: ScanInput): { scanId: string; ids: string[] } {
  const w = beginScan(db, HOST, ['/home/u'], input.at ?? new Date())
  const ids = input.assets.map((a) => w.addAsset(a))
  input.findings?.forEach((list, i) => {
    for (const f of list) w.addFinding({ ...f, assetId: ids[i] })
  })
  w.complete(STATS)
  return { scanId: w.scanId, ids }
}
