import { createHash, randomUUID } from 'node:crypto'
import type { Storage } from '../../../src/server/storage/open'
import type { AssetItem, FindingItem, InventoryBatch } from '../../../src/shared/sync-api'

export function hashOf(data: unknown): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex')
}

export function assetUpsert(
  key: string,
  kind = 'model',
  extra: Record<string, unknown> = {},
): AssetItem {
  const data = {
    id: key,
    kind,
    path: `/home/u/${key}`,
    name: key,
    details: {},
    links: [],
    ...extra,
  }
  return { op: 'upsert', key, kind, hash: hashOf(data), data }
}

export function findingUpsert(
  key: string,
  assetKey: string,
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info' = 'high',
  ruleId = 'pickle.dangerous-callable',
): FindingItem {
  const data = {
    id: key,
    ruleId,
    severity,
    title: 't',
    message: `m ${key}`,
    path: '/p',
    assetId: assetKey,
  }
  return { op: 'upsert', key, assetKey, ruleId, severity, hash: hashOf(data), data }
}

export function delta(
  seq: number,
  assets: AssetItem[],
  findings: FindingItem[] = [],
  batchId = randomUUID(),
): InventoryBatch {
  return { batchId, seq, mode: 'delta', assets, findings }
}

export function snapshotPart(
  seq: number,
  id: string,
  part: number,
  parts: number,
  assets: AssetItem[],
  findings: FindingItem[] = [],
  batchId = randomUUID(),
): InventoryBatch {
  return { batchId, seq, mode: 'snapshot', snapshot: { id, part, parts }, assets, findings }
}

export const FACTS = {
  installationId: 'inst-0001-aaaa',
  hardwareId: 'hw-1',
  hostname: 'alice-laptop',
  platform: 'linux',
  arch: 'x64',
  osRelease: '6.1',
  user: 'alice',
  appVersion: '0.1.0',
}

/** Keys of a device's present assets on the server, sorted. */
export async function presentKeys(storage: Storage, deviceId: string): Promise<string[]> {
  const rows = await storage.db
    .selectFrom('device_assets')
    .select('asset_key')
    .where('device_id', '=', deviceId)
    .where('status', '=', 'present')
    .orderBy('asset_key')
    .execute()
  return rows.map((r) => r.asset_key)
}
