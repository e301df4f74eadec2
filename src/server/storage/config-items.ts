import { createHash } from 'node:crypto'
import type { AcceptedRisk, Policy, SyncSettings } from '../../shared/sync-api'
import { nowIso } from './ids'
import type { Storage } from './open'
import type { DeviceRow } from './schema'

/**
 * Config pushed to devices: settings, policies and accepted risks, each stored as one row per item
 * at a scope (the organisation, a team, one device). A device's config is the organisation's
 * items, overridden by its team's, then by its own; its ETag is the digest of the result, so a
 * device fetches it again only when something it would see changed.
 */
export const CONFIG_SCOPES = ['org', 'team', 'device'] as const
export type ConfigScope = (typeof CONFIG_SCOPES)[number]
export const CONFIG_KINDS = ['setting', 'policy', 'accepted-risk'] as const
export type ConfigKind = (typeof CONFIG_KINDS)[number]

export const DEFAULT_SETTINGS: SyncSettings = {
  uploadPaths: 'home',
  syncIntervalS: 900,
  heartbeatIntervalS: 300,
  maxBatchItems: 2000,
  maxBatchBytes: 4 * 1024 * 1024,
  snapshotIntervalH: 24,
}

export type DeviceConfig = Readonly<{
  etag: string
  settings: SyncSettings
  policies: Policy[]
  acceptedRisks: AcceptedRisk[]
}>

export async function putConfigItem(
  storage: Storage,
  item: Readonly<{
    scope: ConfigScope
    scopeId: string
    kind: ConfigKind
    key: string
    value: unknown
  }>,
): Promise<void> {
  const at = nowIso()
  await storage.db
    .insertInto('config_items')
    .values({
      scope: item.scope,
      scope_id: item.scopeId,
      kind: item.kind,
      item_key: item.key,
      value: JSON.stringify(item.value),
      updated_at: at,
    })
    .onConflict((oc) =>
      oc
        .columns(['scope', 'scope_id', 'kind', 'item_key'])
        .doUpdateSet({ value: JSON.stringify(item.value), updated_at: at }),
    )
    .execute()
}

export async function deleteConfigItem(
  storage: Storage,
  item: Readonly<{ scope: ConfigScope; scopeId: string; kind: ConfigKind; key: string }>,
): Promise<boolean> {
  const r = await storage.db
    .deleteFrom('config_items')
    .where('scope', '=', item.scope)
    .where('scope_id', '=', item.scopeId)
    .where('kind', '=', item.kind)
    .where('item_key', '=', item.key)
    .executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

const RANK: Readonly<Record<string, number>> = { org: 0, team: 1, device: 2 }

export async function deviceConfig(
  storage: Storage,
  device: Pick<DeviceRow, 'id' | 'team_id'>,
  orgId: string,
): Promise<DeviceConfig> {
  const rows = await storage.db
    .selectFrom('config_items')
    .select(['scope', 'kind', 'item_key', 'value'])
    .where((eb) =>
      eb.or([
        eb.and([eb('scope', '=', 'org'), eb('scope_id', '=', orgId)]),
        eb.and([eb('scope', '=', 'team'), eb('scope_id', '=', device.team_id)]),
        eb.and([eb('scope', '=', 'device'), eb('scope_id', '=', device.id)]),
      ]),
    )
    .execute()
  rows.sort(
    (a, b) => (RANK[a.scope] ?? 0) - (RANK[b.scope] ?? 0) || a.item_key.localeCompare(b.item_key),
  )
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS }
  const policies = new Map<string, Policy>()
  const risks = new Map<string, AcceptedRisk>()
  for (const r of rows) {
    const value = JSON.parse(r.value) as unknown
    if (r.kind === 'setting' && r.item_key in DEFAULT_SETTINGS) settings[r.item_key] = value
    else if (r.kind === 'policy') policies.set(r.item_key, value as Policy)
    else if (r.kind === 'accepted-risk') risks.set(r.item_key, value as AcceptedRisk)
  }
  const body = {
    settings: settings as SyncSettings,
    policies: [...policies.values()],
    acceptedRisks: [...risks.values()],
  }
  const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32)}"`
  return { etag, ...body }
}
