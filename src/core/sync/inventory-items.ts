import { homedir } from 'node:os'
import type { Db } from '../storage/db'
import { NoScanError, openInventoryReader } from '../storage/inventory-reader'
import type { InventoryReader } from '../inventory'
import type { PayloadOptions, AssetItem, FindingItem } from './payload'
import { assetItem, findingItem } from './payload'

export type SyncItem =
  | Readonly<{ entity: 'asset'; key: string; hash: string; wire: AssetItem }>
  | Readonly<{ entity: 'finding'; key: string; hash: string; wire: FindingItem }>

export type CurrentInventory = Readonly<{
  /** Present assets and open findings as items, in a stable order. */
  items(): Iterable<SyncItem>
  /** Key fingerprints computed before this device adopted its organisation's key. */
  heldBack: number
  scan: InventoryReader['scan']
  options: PayloadOptions
}>

export class NoInventoryError extends Error {}

/**
 * The inventory as the server should have it. Secret assets (and their findings) from a scan
 * that ran before the device adopted the organisation's fingerprint key are held back: their
 * fingerprints were computed under the old key and would not match other devices'. The next
 * scan recomputes them (see fingerprint-key.ts) and they are sent then.
 */
export function currentInventory(
  db: Db,
  settings: Readonly<{ uploadPaths: PayloadOptions['uploadPaths']; fingerprintKeySince?: string }>,
): CurrentInventory {
  let inv: InventoryReader
  try {
    inv = openInventoryReader(db)
  } catch (e) {
    if (e instanceof NoScanError) throw new NoInventoryError(e.message)
    throw e
  }
  const options: PayloadOptions = {
    uploadPaths: settings.uploadPaths,
    home: inv.scan.roots[0] ?? homedir(),
  }
  const stale =
    settings.fingerprintKeySince !== undefined && inv.scan.startedAt < settings.fingerprintKeySince
  let heldBack = 0
  const held = new Set<string>()
  if (stale) {
    for (const a of inv.assets()) if (a.kind === 'secret') held.add(a.id)
    heldBack = held.size
  }
  return {
    heldBack,
    scan: inv.scan,
    options,
    *items() {
      for (const a of inv.assets()) {
        if (held.has(a.id)) continue
        const wire = assetItem(a, options)
        yield { entity: 'asset', key: wire.key, hash: wire.hash, wire }
      }
      for (const f of inv.findings()) {
        if (f.assetId !== undefined && held.has(f.assetId)) continue
        const wire = findingItem(f, options)
        yield { entity: 'finding', key: wire.key, hash: wire.hash, wire }
      }
    },
  }
}
