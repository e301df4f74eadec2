import type { Storage } from './open'
import { credentialHash, newCredential, newId, nowIso, TOKEN_PREFIX } from './ids'

/** Roles of the fleet API; the dashboard's signed-in users get the same two. */
export const ROLES = ['admin', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export type ApiTokenInfo = Readonly<{ id: string; name: string; role: Role; createdAt: string }>

/** Creates an API token for the fleet API (curl, scripts); shown once, stored hashed. */
export async function createApiToken(
  storage: Storage,
  opts: Readonly<{ name: string; role: Role }>,
): Promise<{ token: string; info: ApiTokenInfo }> {
  const token = newCredential(TOKEN_PREFIX.api)
  const row = {
    id: newId('tok'),
    name: opts.name,
    token_hash: credentialHash(token),
    role: opts.role,
    created_at: nowIso(),
    revoked_at: null,
    last_used_at: null,
  }
  await storage.db.insertInto('api_tokens').values(row).execute()
  return { token, info: { id: row.id, name: row.name, role: opts.role, createdAt: row.created_at } }
}

export async function authenticateApiToken(
  storage: Storage,
  token: string,
): Promise<ApiTokenInfo | undefined> {
  const row = await storage.db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role', 'created_at'])
    .where('token_hash', '=', credentialHash(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  if (!row || !(ROLES as readonly string[]).includes(row.role)) return undefined
  return { id: row.id, name: row.name, role: row.role as Role, createdAt: row.created_at }
}

export async function revokeApiToken(storage: Storage, id: string): Promise<boolean> {
  const r = await storage.db
    .updateTable('api_tokens')
    .set({ revoked_at: nowIso() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}
