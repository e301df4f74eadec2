import type { AcceptedRisk } from './storage/accepted-risks'
import type { Asset, Finding, HostInfo, ScanMeta, SkippedEntry } from './types'

export type { ScanMeta } from './types'

export type { AcceptedRisk } from './storage/accepted-risks'

export const INVENTORY_SCHEMA_VERSION = 1

/**
 * Read side of an inventory, as reports consume it. Iterables (not arrays) so a 100k-asset
 * inventory streams from SQLite to disk with bounded memory.
 */
export type InventoryReader = Readonly<{
  schemaVersion: number
  host: HostInfo
  scan: ScanMeta
  assets(): Iterable<Asset>
  findings(): Iterable<Finding>
  skipped(): Iterable<SkippedEntry>
  /**
   * Findings whose risk a user accepted (in force now), by finding id. Reports show them as
   * accepted and leave them out of open counts. Absent: nothing is accepted.
   */
  accepted?: ReadonlyMap<string, AcceptedRisk>
}>

/** The acceptance covering finding `f`, if any. */
export function acceptanceOf(inv: InventoryReader, f: Finding): AcceptedRisk | undefined {
  return inv.accepted?.get(f.id)
}

/** An in-memory reader (tests, small scans). */
export function arrayInventory(
  data: Readonly<{
    host: HostInfo
    scan: ScanMeta
    assets: readonly Asset[]
    findings: readonly Finding[]
    skipped: readonly SkippedEntry[]
    accepted?: readonly AcceptedRisk[]
  }>,
): InventoryReader {
  return {
    schemaVersion: INVENTORY_SCHEMA_VERSION,
    host: data.host,
    scan: data.scan,
    assets: () => data.assets,
    findings: () => data.findings,
    skipped: () => data.skipped,
    ...(data.accepted ? { accepted: new Map(data.accepted.map((a) => [a.findingId, a])) } : {}),
  }
}
