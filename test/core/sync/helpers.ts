import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { scan } from '../../../src/core/engine/scan'
import { openDb } from '../../../src/core/storage/db'
import type { Db } from '../../../src/core/storage/db'
import { currentInventory } from '../../../src/core/sync/inventory-items'
import { readState } from '../../../src/core/sync/state'
import { fileTokenStore } from '../../../src/core/sync/token-store'
import { openStorage } from '../../../src/server/storage/open'
import type { Storage, StorageOptions } from '../../../src/server/storage/open'

export type Laptop = { db: Db; dbPath: string; tokenFile: string; home: string }

/** An inventory database of its own (one "laptop"). */
export function laptop(home: string): Laptop {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-laptop-'))
  const dbPath = join(dir, 'inventory.db')
  return { db: openDb(dbPath), dbPath, tokenFile: `${dbPath}.sync-token`, home }
}

export async function scanLaptop(l: Laptop): Promise<void> {
  const r = await scan(l.db, { home: l.home, env: {}, hash: true })
  if (r.status !== 'complete') throw new Error(`scan ${r.status}`)
}

export const tokensOf = (l: Laptop) => fileTokenStore(l.tokenFile)

/** What the client would have the server hold: entity:key → content hash. */
export function clientView(db: Db): Map<string, string> {
  const s = readState(db)
  const inv = currentInventory(db, {
    uploadPaths: s.config?.settings.uploadPaths ?? 'home',
    fingerprintKeySince: s.fingerprintKeySince,
  })
  const m = new Map<string, string>()
  for (const it of inv.items()) m.set(`${it.entity}:${it.key}`, it.hash)
  return m
}

/** What the server holds for a device: present assets and open findings, entity:key → hash. */
export async function serverView(storage: Storage, deviceId: string): Promise<Map<string, string>> {
  const m = new Map<string, string>()
  const assets = await storage.db
    .selectFrom('device_assets')
    .select(['asset_key', 'content_hash'])
    .where('device_id', '=', deviceId)
    .where('status', '=', 'present')
    .execute()
  for (const a of assets) m.set(`asset:${a.asset_key}`, a.content_hash)
  const findings = await storage.db
    .selectFrom('device_findings')
    .select(['finding_key', 'content_hash'])
    .where('device_id', '=', deviceId)
    .where('status', '=', 'open')
    .execute()
  for (const f of findings) m.set(`finding:${f.finding_key}`, f.content_hash)
  return m
}

/**
 * Checks, from outside both processes, that the server's storage holds exactly what the
 * inventory database at `dbPath` would have it hold, and that nothing waits in its outbox.
 * Returns the client's view and its device id.
 */
export async function expectServerHolds(
  target: StorageOptions,
  dbPath: string,
): Promise<{ view: Map<string, string>; deviceId: string }> {
  const inv = openDb(dbPath)
  let view: Map<string, string>
  let deviceId: string
  let pending: number
  try {
    view = clientView(inv)
    deviceId = readState(inv).deviceId!
    pending = (inv.prepare(`SELECT count(*) AS n FROM sync_outbox`).get() as { n: number }).n
  } finally {
    inv.close()
  }
  const storage = await openStorage(target)
  try {
    expect(await serverView(storage, deviceId)).toEqual(view)
  } finally {
    await storage.close()
  }
  expect(pending).toBe(0)
  return { view, deviceId }
}
