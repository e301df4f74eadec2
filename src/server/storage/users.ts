import { dummyHash, hashPassword, verifyPassword } from '../auth/passwords'
import type { Role } from './api-tokens'
import { ROLES } from './api-tokens'
import { dashboardDb } from './dashboard-schema'
import { credentialHash, newCredential, newId, nowIso } from './ids'
import type { Storage } from './open'

/** Dashboard users (created by `aiscout server admin create`) and their server-side sessions. */

export type UserInfo = Readonly<{ id: string; name: string; role: Role; createdAt: string }>

export class UserError extends Error {}

export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/

/** A session lasts this long without use, and never longer than SESSION_MAX_S after sign-in. */
export const SESSION_IDLE_S = 12 * 3600
export const SESSION_MAX_S = 7 * 24 * 3600
const SESSION_PREFIX = 'aiss'

export async function createUser(
  storage: Storage,
  opts: Readonly<{ name: string; password: string; role: Role; replace?: boolean }>,
): Promise<UserInfo & { replaced: boolean }> {
  if (!USER_NAME.test(opts.name)) {
    throw new UserError('a user name is 1-64 letters, digits, ".", "_", "@" or "-"')
  }
  const db = dashboardDb(storage)
  const hash = await hashPassword(opts.password)
  const at = nowIso()
  const existing = await db
    .selectFrom('users')
    .select(['id', 'created_at'])
    .where('name', '=', opts.name)
    .executeTakeFirst()
  if (existing) {
    if (!opts.replace)
      throw new UserError(`user ${opts.name} exists (--replace sets a new password)`)
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ password_hash: hash, role: opts.role, updated_at: at, disabled_at: null })
        .where('id', '=', existing.id)
        .execute()
      // A new password or role ends every session signed in with the old one.
      await trx.deleteFrom('sessions').where('user_id', '=', existing.id).execute()
    })
    return {
      id: existing.id,
      name: opts.name,
      role: opts.role,
      createdAt: existing.created_at,
      replaced: true,
    }
  }
  const id = newId('usr')
  await db
    .insertInto('users')
    .values({
      id,
      name: opts.name,
      password_hash: hash,
      role: opts.role,
      created_at: at,
      updated_at: at,
      disabled_at: null,
    })
    .execute()
  return { id, name: opts.name, role: opts.role, createdAt: at, replaced: false }
}

export async function listUsers(storage: Storage): Promise<(UserInfo & { disabled: boolean })[]> {
  const rows = await dashboardDb(storage)
    .selectFrom('users')
    .select(['id', 'name', 'role', 'created_at', 'disabled_at'])
    .orderBy('name')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role as Role,
    createdAt: r.created_at,
    disabled: r.disabled_at !== null,
  }))
}

/** Checks a name and password; as slow for an unknown name as for a wrong password. */
export async function checkPassword(
  storage: Storage,
  name: string,
  password: string,
): Promise<UserInfo | undefined> {
  const row = await dashboardDb(storage)
    .selectFrom('users')
    .select(['id', 'name', 'role', 'created_at', 'password_hash', 'disabled_at'])
    .where('name', '=', name)
    .executeTakeFirst()
  const ok = await verifyPassword(password, row?.password_hash ?? (await dummyHash()))
  if (!row || !ok || row.disabled_at !== null) return undefined
  if (!(ROLES as readonly string[]).includes(row.role)) return undefined
  return { id: row.id, name: row.name, role: row.role as Role, createdAt: row.created_at }
}

/** A new session for a signed-in user; the id is returned once and stored as its digest only. */
export async function createSession(
  storage: Storage,
  userId: string,
  client: Readonly<{ ip: string; userAgent: string }>,
  now: Date = new Date(),
): Promise<string> {
  const id = newCredential(SESSION_PREFIX)
  const at = nowIso(now)
  await dashboardDb(storage)
    .insertInto('sessions')
    .values({
      id_hash: credentialHash(id),
      user_id: userId,
      created_at: at,
      last_seen_at: at,
      expires_at: nowIso(new Date(now.getTime() + SESSION_IDLE_S * 1000)),
      ip: client.ip.slice(0, 64),
      user_agent: client.userAgent.slice(0, 256),
    })
    .execute()
  return id
}

export type SessionUser = UserInfo & Readonly<{ sessionHash: string }>

/**
 * The user of a session id, or undefined when the id is unknown, expired (idle or absolute) or the
 * user was disabled. Use extends the idle expiry (written at most once a minute).
 */
export async function sessionUser(
  storage: Storage,
  id: string,
  now: Date = new Date(),
): Promise<SessionUser | undefined> {
  if (!id.startsWith(`${SESSION_PREFIX}_`) || id.length > 128) return undefined
  const db = dashboardDb(storage)
  const idHash = credentialHash(id)
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'users.id',
      'users.name',
      'users.role',
      'users.created_at',
      'users.disabled_at',
      'sessions.created_at as session_created',
      'sessions.last_seen_at',
      'sessions.expires_at',
    ])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst()
  if (!row) return undefined
  const t = now.getTime()
  const absolute = Date.parse(row.session_created) + SESSION_MAX_S * 1000
  if (t >= Date.parse(row.expires_at) || t >= absolute || row.disabled_at !== null) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute()
    return undefined
  }
  if (!(ROLES as readonly string[]).includes(row.role)) return undefined
  if (t - Date.parse(row.last_seen_at) > 60_000) {
    await db
      .updateTable('sessions')
      .set({
        last_seen_at: nowIso(now),
        expires_at: nowIso(new Date(Math.min(t + SESSION_IDLE_S * 1000, absolute))),
      })
      .where('id_hash', '=', idHash)
      .execute()
  }
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    createdAt: row.created_at,
    sessionHash: idHash,
  }
}

export async function deleteSession(storage: Storage, id: string): Promise<void> {
  await dashboardDb(storage)
    .deleteFrom('sessions')
    .where('id_hash', '=', credentialHash(id))
    .execute()
}
