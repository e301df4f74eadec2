import { randomUUID } from 'node:crypto'
import type { HostInfo, ScanScope } from '../types'
import type { Db } from './db'

/**
 * Scans of this process that are still running, with their connection: a row of our own pid is
 * alive only while listed and its connection is open (a scan whose connection closed cannot
 * finish).
 */
const LIVE = new Map<string, Db>()
/** Scans of this process that failed while their status could not be written (a full disk). */
const FAILED = new Map<string, string>()

/** Remembers a failure whose status could not be written; the next scan records it. */
export function rememberFailure(scanId: string, error: string): void {
  FAILED.set(scanId, error)
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Marks scans whose process is gone as interrupted (their staged rows died with it). A scan
 * still running in another live process, or in this one, is left alone: a watcher's scoped
 * scans and a full scan may run at the same time.
 */
export function recoverInterruptedScans(db: Db): number {
  const rows = db.prepare(`SELECT id, pid FROM scans WHERE status = 'running'`).all() as {
    id: string
    pid: number | null
  }[]
  const dead = rows.filter((r) =>
    r.pid === null
      ? true
      : r.pid === process.pid
        ? LIVE.get(r.id)?.open !== true
        : !processAlive(r.pid),
  )
  const mark = db.prepare(
    `UPDATE scans SET status = ?, error = ? WHERE id = ? AND status = 'running'`,
  )
  let n = 0
  for (const r of dead) {
    const failed = r.pid === process.pid ? FAILED.get(r.id) : undefined
    n += mark.run(
      failed === undefined ? 'interrupted' : 'failed',
      failed ?? 'process ended before the scan completed',
      r.id,
    ).changes
    FAILED.delete(r.id)
  }
  return n
}

export type ScanRow = Readonly<{ scanId: string; seq: number }>

/** Inserts the `running` row of a new scan; its seq orders it among every scan of the inventory. */
export function insertScanRow(
  db: Db,
  host: HostInfo,
  roots: readonly string[],
  scope: ScanScope,
  now: Date,
): ScanRow {
  const scanId = `${now
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14)}-${randomUUID().slice(0, 8)}`
  const seq = db
    .transaction(() => {
      const next =
        ((db.prepare(`SELECT max(seq) AS m FROM scans`).get() as { m: number | null }).m ?? 0) + 1
      db.prepare(
        `INSERT INTO scans (id, started_at, status, roots, host, seq, scope, pid) VALUES (?, ?, 'running', ?, ?, ?, ?, ?)`,
      ).run(
        scanId,
        now.toISOString(),
        JSON.stringify(roots),
        JSON.stringify(host),
        next,
        JSON.stringify(scope),
        process.pid,
      )
      return next
    })
    .immediate()
  LIVE.set(scanId, db)
  return { scanId, seq }
}

/** The scan is over (however it ended): it no longer counts as alive in this process. */
export function releaseScan(scanId: string): void {
  LIVE.delete(scanId)
}

export function setScanStatus(
  db: Db,
  scanId: string,
  status: 'complete' | 'interrupted' | 'failed',
  fields: Readonly<{ stats?: string; error?: string }> = {},
): void {
  db.prepare(
    `UPDATE scans SET status = ?, finished_at = ?, stats = coalesce(?, stats), error = ? WHERE id = ?`,
  ).run(status, new Date().toISOString(), fields.stats ?? null, fields.error ?? null, scanId)
}
