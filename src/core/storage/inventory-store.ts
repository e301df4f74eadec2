import { randomBytes } from 'node:crypto'
import type { Asset, Finding, HostInfo, ScanScope } from '../types'
import { compactChanges } from './change-log'
import type { Db } from './db'
import type { InventoryWriter } from './inventory-writer'
import { DIRECT_ORIGIN } from './inventory-writer'
import { commitScan } from './merge'
import {
  insertScanRow,
  recoverInterruptedScans,
  releaseScan,
  rememberFailure,
  setScanStatus,
} from './scan-rows'
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
  settleAfterFailure(db)
  attachStage(db)
  const { scanId, seq } = insertScanRow(db, host, roots, scope, o.now ?? new Date())
  const stage = createStageWriter(db)
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
    complete(stats, derive) {
      if (finished) throw new Error(`scan ${scanId} has already ended`)
      stage.flush()
      let recorded = stats
      try {
        const staging = stage.failure()
        if (staging) throw staging
        // The cache rows this scan committed are folded into the database file before the big
        // write: should the disk fill up during the merge, the log then holds only the merge's
        // own frames, and truncating it after the failure gives all of its space back.
        db.pragma('wal_checkpoint(PASSIVE)')
        const { delta } = commitScan(db, {
          scanId,
          seq,
          stage,
          derive,
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
        if (scope.kind === 'full') compactDaily(db)
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
 * A scan that failed (a full disk) may have left a long write-ahead log: the next scan folds and
 * truncates it before writing anything, once there is room for that.
 */
function settleAfterFailure(db: Db): void {
  const last = db.prepare(`SELECT status FROM scans ORDER BY seq DESC LIMIT 1`).get() as
    { status: string } | undefined
  if (last?.status !== 'failed' && last?.status !== 'interrupted') return
  try {
    db.pragma('wal_checkpoint(TRUNCATE)')
  } catch {
    // Still no room, or a reader holds the log: the scan proceeds and reports what it meets.
  }
}

/** How often a full scan compacts the change log (one pass over the log's keys). */
const COMPACT_EVERY_MS = 86_400_000

/** Bounds the change log after a full scan, at most once a day (see compactChanges). */
function compactDaily(db: Db): void {
  try {
    const row = db
      .prepare(`SELECT value FROM settings WHERE key = 'changes-compacted-at'`)
      .get() as { value: Buffer | string } | undefined
    const last = row ? Date.parse(String(row.value)) : 0
    if (Date.now() - last < COMPACT_EVERY_MS) return
    compactChanges(db)
    db.prepare(
      `INSERT INTO settings (key, value) VALUES ('changes-compacted-at', ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ).run(new Date().toISOString())
  } catch {
    // Housekeeping: the next full scan tries again.
  }
}

/**
 * After a failed commit (disk full, I/O error) the scan row must not stay `running`: the stage
 * is emptied (freeing its temporary space) and the status written; should even that fail, the
 * next scan's recovery marks the row interrupted.
 */
function markFailed(db: Db, scanId: string, e: unknown): void {
  try {
    // The stage's temporary file goes with it (its space is what a full disk lacks).
    db.exec(`DETACH DATABASE stage`)
  } catch {
    // The status below matters more.
  }
  const error = (e as Error).message ?? String(e)
  try {
    setScanStatus(db, scanId, 'failed', { error })
  } catch {
    // No room even for the status: the next scan of this process writes it.
    rememberFailure(scanId, error)
  }
}

export type { Asset, Finding }
