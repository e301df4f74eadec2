import type { Policy } from '../../shared/sync-api'
import type { ConfigScope } from './config-items'
import { deleteConfigItem, putConfigItem } from './config-items'
import type { Storage } from './open'

/**
 * Fleet policies, stored as config items of kind `policy` (one row per policy, keyed by its id, at
 * the scope it applies to): a device's config carries every policy of its organisation, its team
 * and itself, and its ETag changes with any of them, so devices fetch them on their next sync.
 */
export type StoredPolicy = Readonly<{
  policy: Policy
  scope: ConfigScope
  scopeId: string
  updatedAt: string
}>

export async function listPolicies(storage: Storage): Promise<StoredPolicy[]> {
  const rows = await storage.db
    .selectFrom('config_items')
    .select(['scope', 'scope_id', 'item_key', 'value', 'updated_at'])
    .where('kind', '=', 'policy')
    .orderBy('item_key')
    .execute()
  return rows.map((r) => ({
    policy: JSON.parse(r.value) as Policy,
    scope: r.scope as ConfigScope,
    scopeId: r.scope_id,
    updatedAt: r.updated_at,
  }))
}

export async function policyById(storage: Storage, id: string): Promise<StoredPolicy | undefined> {
  const r = await storage.db
    .selectFrom('config_items')
    .select(['scope', 'scope_id', 'value', 'updated_at'])
    .where('kind', '=', 'policy')
    .where('item_key', '=', id)
    .executeTakeFirst()
  return (
    r && {
      policy: JSON.parse(r.value) as Policy,
      scope: r.scope as ConfigScope,
      scopeId: r.scope_id,
      updatedAt: r.updated_at,
    }
  )
}

export async function putPolicy(
  storage: Storage,
  p: Readonly<{ policy: Policy; scope: ConfigScope; scopeId: string }>,
): Promise<void> {
  await putConfigItem(storage, {
    scope: p.scope,
    scopeId: p.scopeId,
    kind: 'policy',
    key: p.policy.id,
    value: p.policy,
  })
}

export async function deletePolicy(storage: Storage, p: StoredPolicy): Promise<boolean> {
  return deleteConfigItem(storage, {
    scope: p.scope,
    scopeId: p.scopeId,
    kind: 'policy',
    key: p.policy.id,
  })
}
