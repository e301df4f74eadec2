import type { Db } from '../core/store'
import { overview } from '../core/store'
import type { InventorySummary } from '../shared/ipc'

/** Counts of the latest completed scan, from the query layer's overview. */
export function readSummary(db: Db, dbPath: string): InventorySummary {
  const o = overview(db, { topFindings: 0 })
  if (!o.lastScan)
    return { hasScan: false, dbPath, assets: {}, findings: {}, totalAssets: 0, totalFindings: 0 }
  return {
    hasScan: true,
    scanId: o.lastScan.id,
    ...(o.lastScan.finishedAt !== undefined ? { finishedAt: o.lastScan.finishedAt } : {}),
    dbPath,
    assets: o.assetsByKind,
    findings: o.openFindingsBySeverity,
    totalAssets: o.totalAssets,
    totalFindings: o.totalOpenFindings,
  }
}
