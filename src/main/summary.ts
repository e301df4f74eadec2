import type { Db } from '../core/store'
import type { InventorySummary } from '../shared/ipc'

/** Counts of the latest completed scan, straight from the store (cheap aggregate queries). */
export function readSummary(db: Db, dbPath: string): InventorySummary {
  const scan = db
    .prepare(
      `SELECT id, finished_at FROM scans WHERE status = 'complete' ORDER BY started_at DESC, rowid DESC LIMIT 1`,
    )
    .get() as { id: string; finished_at: string } | undefined
  if (!scan)
    return { hasScan: false, dbPath, assets: {}, findings: {}, totalAssets: 0, totalFindings: 0 }
  const assets: Record<string, number> = {}
  let totalAssets = 0
  for (const r of db
    .prepare(`SELECT kind, count(*) AS n FROM assets WHERE status = 'present' GROUP BY kind`)
    .all() as { kind: string; n: number }[]) {
    assets[r.kind] = r.n
    totalAssets += r.n
  }
  const findings: Record<string, number> = {}
  let totalFindings = 0
  for (const r of db
    .prepare(`SELECT severity, count(*) AS n FROM findings WHERE status = 'open' GROUP BY severity`)
    .all() as { severity: string; n: number }[]) {
    findings[r.severity] = r.n
    totalFindings += r.n
  }
  return {
    hasScan: true,
    scanId: scan.id,
    finishedAt: scan.finished_at,
    dbPath,
    assets,
    findings,
    totalAssets,
    totalFindings,
  }
}
