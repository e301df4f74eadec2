import type { Asset, Finding, HostInfo, ScanMeta, SkippedEntry } from './types'

export type { ScanMeta } from './types'

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
}>

/** An in-memory reader (tests, small scans). */
export function arrayInventory(
  data: Readonly<{
    host: HostInfo
    scan: ScanMeta
    assets: readonly Asset[]
    findings: readonly Finding[]
    skipped: readonly SkippedEntry[]
  }>,
): InventoryReader {
  return {
    schemaVersion: INVENTORY_SCHEMA_VERSION,
    host: data.host,
    scan: data.scan,
    assets: () => data.assets,
    findings: () => data.findings,
    skipped: () => data.skipped,
  }
}
