import { randomBytes } from 'node:crypto'
import type { Storage } from './open'
import { newId, nowIso } from './ids'

/** One organisation per server for now; teams (one enroll secret each or more) live under it. */
export const DEFAULT_ORG_ID = 'org_default'
export const DEFAULT_TEAM = 'default'

export type Org = Readonly<{ id: string; name: string; fingerprintKey: string }>
export type Team = Readonly<{ id: string; orgId: string; name: string }>

/**
 * The organisation, created on first use with a fresh fingerprint key. Safe when several
 * processes start at once (the insert ignores a conflict, then everyone reads the one row).
 */
export async function ensureOrg(storage: Storage): Promise<Org> {
  const { db } = storage
  await db
    .insertInto('orgs')
    .values({
      id: DEFAULT_ORG_ID,
      name: 'default',
      fingerprint_key: randomBytes(32).toString('base64'),
      created_at: nowIso(),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute()
  const row = await db
    .selectFrom('orgs')
    .select(['id', 'name', 'fingerprint_key'])
    .where('id', '=', DEFAULT_ORG_ID)
    .executeTakeFirstOrThrow()
  return { id: row.id, name: row.name, fingerprintKey: row.fingerprint_key }
}

const TEAM_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u

export class TeamNameError extends Error {}

/** The team with this name, created if it does not exist yet. */
export async function ensureTeam(storage: Storage, name: string = DEFAULT_TEAM): Promise<Team> {
  if (!TEAM_NAME.test(name)) {
    throw new TeamNameError(
      `team name must be 1-64 letters, digits, spaces, dots, dashes or underscores (got ${JSON.stringify(name)})`,
    )
  }
  const org = await ensureOrg(storage)
  const { db } = storage
  await db
    .insertInto('teams')
    .values({ id: newId('team'), org_id: org.id, name, created_at: nowIso() })
    .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
    .execute()
  const row = await db
    .selectFrom('teams')
    .select(['id', 'org_id', 'name'])
    .where('org_id', '=', org.id)
    .where('name', '=', name)
    .executeTakeFirstOrThrow()
  return { id: row.id, orgId: row.org_id, name: row.name }
}

export async function teamById(storage: Storage, id: string): Promise<Team | undefined> {
  const row = await storage.db
    .selectFrom('teams')
    .select(['id', 'org_id', 'name'])
    .where('id', '=', id)
    .executeTakeFirst()
  return row && { id: row.id, orgId: row.org_id, name: row.name }
}
