import { homedir } from 'node:os'
import type { InventoryReader } from '../inventory'
import { readChanges, MAX_CHANGE_PAGE } from '../storage/change-log'
import type { AcceptedRisk } from '../storage/accepted-risks'
import { localAcceptances } from '../storage/accepted-risks'
import type { Db } from '../storage/db'
import { NoScanError, openInventoryReader } from '../storage/inventory-reader'
import type { Asset, Finding } from '../types'
import type { AssetItem, FindingItem, PayloadOptions } from './payload'
import { assetItem, findingItem } from './payload'

export type SyncItem =
  | Readonly<{ entity: 'asset'; key: string; hash: string; wire: AssetItem }>
  | Readonly<{ entity: 'finding'; key: string; hash: string; wire: FindingItem }>

export type CurrentInventory = Readonly<{
  /** Present assets and open findings as items, in a stable order. */
  items(): Iterable<SyncItem>
  /** Key fingerprints computed before this device adopted its organisation's key. */
  heldBack: number
  /** Secret assets are being held back (see below). */
  stale: boolean
  scan: InventoryReader['scan']
  options: PayloadOptions
  /** The user's own acceptances, by finding id: each finding item carries its own. */
  accepted: ReadonlyMap<string, AcceptedRisk>
}>

export class NoInventoryError extends Error {}

/** Map key of an item: entity and key. */
export const itemKey = (entity: string, key: string): string => `${entity}\u0000${key}`

/** Asset ids are `<kind>:<digest>` (src/core/util/ids.ts): a finding's asset kind from its id. */
const isSecretId = (id: string | undefined): boolean => id !== undefined && id.startsWith('secret:')

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
  if (stale) for (const a of inv.assets()) if (a.kind === 'secret') heldBack++
  const accepted = localAcceptances(db)
  return {
    heldBack,
    stale,
    scan: inv.scan,
    options,
    accepted,
    *items() {
      for (const a of inv.assets()) {
        if (stale && a.kind === 'secret') continue
        yield toItem(a, options)
      }
      for (const f of inv.findings()) {
        if (stale && isSecretId(f.assetId)) continue
        yield toFindingItem(f, options, accepted.get(f.id))
      }
    },
  }
}

function toItem(a: Asset, options: PayloadOptions): SyncItem {
  const wire = assetItem(a, options)
  return { entity: 'asset', key: wire.key, hash: wire.hash, wire }
}

function toFindingItem(f: Finding, options: PayloadOptions, accepted?: AcceptedRisk): SyncItem {
  const wire = findingItem(f, options, accepted)
  return { entity: 'finding', key: wire.key, hash: wire.hash, wire }
}

/**
 * The keys the change log (migration 0050) records after `from`, with their current state: an
 * item for a present asset or an open finding, null for one gone or resolved. Undefined when
 * more than `limit` keys changed (the caller then compares the whole inventory, which needs no
 * memory per key). Held-back secrets are left out, as in currentInventory.
 */
export function changedItems(
  db: Db,
  inv: CurrentInventory,
  from: number,
  limit: number,
): Map<string, SyncItem | null> | undefined {
  const out = new Map<string, SyncItem | null>()
  let after = from
  for (;;) {
    const page = readChanges(db, { after, limit: MAX_CHANGE_PAGE, state: true })
    for (const c of page.changes) {
      const k = itemKey(c.entity, c.key)
      if (c.entity === 'asset') {
        const a = c.state?.asset
        if (inv.stale && (a?.kind === 'secret' || isSecretId(c.key))) continue
        out.set(k, a && c.state?.status === 'present' ? toItem(a, inv.options) : null)
      } else {
        const f = c.state?.finding
        if (inv.stale && isSecretId(f?.assetId)) continue
        out.set(
          k,
          f && c.state?.status === 'open'
            ? toFindingItem(f, inv.options, inv.accepted.get(f.id))
            : null,
        )
      }
      if (out.size > limit) return undefined
    }
    if (!page.more) return out
    after = page.next
  }
}
