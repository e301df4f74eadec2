import { randomBytes } from 'node:crypto'
import type { Asset, Finding, HostInfo, ScanScope } from '../types'
import { compactChanges } from './change-log'
import type { Db } from './db'
import type { InventoryWriter } from './inventory-writer'
import { DIRECT_ORIGIN } from './inventory-writer'
import { commitScan } from './merge'
import { insertScanRow, recoverInterruptedScans, releaseScan, setScanStatus } from './scan-rows'
import { attachStage, clearStage, createStageWriter } from './stage'

export { recoverInterruptedScans }

export function installationSecret(db: Db): Buffer {
  const row = db.prepare(`SELECT value FROM settings WHERE key = 'installation-secret'`).get() as
    { value: Buffer } | undefined
  if (row) return Buffer.from(row.value)
  const secret = randomBytes(32)
  db.prepare(`INSERT OR IGNORE INTO settings (key, value) VALUES ('installation-secret', ?)`).run(
    secret,
  )
  return installationSecret(db)
}

export type BeginScanOptions = Readonly<{
  /** What the scan covers (default: everything). */
  scope?: ScanScope
  /**
   * For a `paths` scope: the paths as the engine resolved them. Every crawled file's unit at or
   * under them is covered (a deleted file's rows go).
   */
  coverPaths?: readonly string[]
  now?: Date
}>

/**
 * Starts a scan: a `running` row, an empty stage, and the writer the engine streams rows into.
 * Nothing reaches the inventory before `complete`, which applies the scan in one transaction.
 */
export function beginScan(
  db: Db,
  host: HostInfo,
  roots: readonly string[],
  opts: BeginScanOptions | Date = {},
): InventoryWriter {
  const o: BeginScanOptions = opts instanceof Date ? { now: opts } : opts
  const scope: ScanScope = o.scope ?? { kind: 'full' }
  recoverInterruptedScans(db)
  attachStage(db)
  const { scanId, seq } = insertScanRow(db, host, roots, scope, o.now ?? new Date())
  const stage = createStageWriter(db, scanId)
  let finished = false
  const end = (): void => {
    finished = true
    releaseScan(scanId)
  }
  return {
    scanId,
    seq,
    // Late emissions (a probe still running when the scan ended) are dropped, not written.
    addAsset: (a, origin = DIRECT_ORIGIN) => (finished ? '' : stage.addAsset(a, origin)),
    addFinding: (f, origin = DIRECT_ORIGIN) => (finished ? '' : stage.addFinding(f, origin)),
    addSkipped(s) {
      if (!finished) stage.addSkipped(s)
    },
    notePath(origin, path, use) {
      if (!finished) stage.notePath(origin, path, use)
    },
    cover(origin) {
      if (!finished) stage.cover(origin)
    },
    counts: stage.counts,
    complete(stats) {
      if (finished) throw new Error(`scan ${scanId} has already ended`)
      stage.flush()
      let recorded = stats
      try {
        const { delta } = commitScan(db, {
          scanId,
          seq,
          stage,
          scope:
            scope.kind === 'full'
              ? { full: true }
              : {
                  full: false,
                  paths: scope.kind === 'paths' ? (o.coverPaths ?? scope.paths) : [],
                  // A locator scope covers its locators even when they emit nothing now.
                  units: scope.kind === 'locators' ? scope.ids.map((id) => `locator:${id}`) : [],
                },
          finish: (counts) => {
            if (counts) recorded = { ...stats, ...counts }
            setScanStatus(db, scanId, 'complete', { stats: JSON.stringify(recorded) })
          },
        })
        end()
        clearStage(db)
        if (scope.kind === 'full') {
          // A full scan is the natural moment to bound the change log (see compactChanges).
          try {
            compactChanges(db)
          } catch {
            // Compaction is housekeeping: the next full scan tries again.
          }
        }
        db.pragma('wal_checkpoint(PASSIVE)')
        return { delta, stats: recorded }
      } catch (e) {
        end()
        markFailed(db, scanId, e)
        throw e
      }
    },
    abort(status, error) {
      if (finished) return
      end()
      stage.discard()
      try {
        clearStage(db)
      } finally {
        setScanStatus(db, scanId, status, { error })
      }
    },
  }
}

/**
 * After a failed commit (disk full, I/O error) the scan row must not stay `running`: the stage
 * is emptied (freeing its temporary space) and the status written; should even that fail, the
 * next scan's recovery marks the row interrupted.
 */
function markFailed(db: Db, scanId: string, e: unknown): void {
  try {
    clearStage(db)
  } catch {
    // The status below matters more.
  }
  try {
    setScanStatus(db, scanId, 'failed', { error: (e as Error).message ?? String(e) })
  } catch {
    // Left to recoverInterruptedScans.
  }
}

export type { Asset, Finding }
