import type { Storage } from './open'
import { ensureTeam } from './orgs'
import type { Team } from './orgs'
import { credentialHash, credentialPrefix, newCredential, newId, nowIso, TOKEN_PREFIX } from './ids'

export type EnrollSecretInfo = Readonly<{
  id: string
  team: string
  teamId: string
  prefix: string
  createdAt: string
  revokedAt: string | null
}>

/** Creates a team-scoped enroll secret; the secret is returned once and stored only hashed. */
export async function createEnrollSecret(
  storage: Storage,
  teamName?: string,
): Promise<{ secret: string; info: EnrollSecretInfo }> {
  const team = await ensureTeam(storage, teamName)
  const secret = newCredential(TOKEN_PREFIX.enrollSecret)
  const row = {
    id: newId('es'),
    team_id: team.id,
    secret_hash: credentialHash(secret),
    prefix: credentialPrefix(secret),
    created_at: nowIso(),
    revoked_at: null,
  }
  await storage.db.insertInto('enroll_secrets').values(row).execute()
  return {
    secret,
    info: {
      id: row.id,
      team: team.name,
      teamId: team.id,
      prefix: row.prefix,
      createdAt: row.created_at,
      revokedAt: null,
    },
  }
}

export async function listEnrollSecrets(storage: Storage): Promise<EnrollSecretInfo[]> {
  const rows = await storage.db
    .selectFrom('enroll_secrets')
    .innerJoin('teams', 'teams.id', 'enroll_secrets.team_id')
    .select([
      'enroll_secrets.id',
      'enroll_secrets.prefix',
      'enroll_secrets.created_at',
      'enroll_secrets.revoked_at',
      'teams.name as team',
      'teams.id as team_id',
    ])
    .orderBy('enroll_secrets.created_at')
    .orderBy('enroll_secrets.id')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    team: r.team,
    teamId: r.team_id,
    prefix: r.prefix,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  }))
}

/** Revokes a secret: devices already enrolled with it keep their tokens. */
export async function revokeEnrollSecret(storage: Storage, id: string): Promise<boolean> {
  const r = await storage.db
    .updateTable('enroll_secrets')
    .set({ revoked_at: nowIso() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

/** The team a valid (not revoked) enroll secret belongs to. */
export async function teamForEnrollSecret(
  storage: Storage,
  secret: string,
): Promise<Team | undefined> {
  const row = await storage.db
    .selectFrom('enroll_secrets')
    .innerJoin('teams', 'teams.id', 'enroll_secrets.team_id')
    .select(['teams.id', 'teams.org_id', 'teams.name'])
    .where('enroll_secrets.secret_hash', '=', credentialHash(secret))
    .where('enroll_secrets.revoked_at', 'is', null)
    .executeTakeFirst()
  return row && { id: row.id, orgId: row.org_id, name: row.name }
}
