import type { DeviceFacts } from '../../shared/sync-api'
import type { Storage } from './open'
import type { Team } from './orgs'
import type { DeviceRow } from './schema'
import { dashboardDb } from './dashboard-schema'
import { credentialHash, newCredential, newId, nowIso, TOKEN_PREFIX } from './ids'

/** How long a rotated-out token keeps working when the new one is never used. */
export const PREVIOUS_TOKEN_GRACE_S = 24 * 3600

export type EnrollOutcome =
  | Readonly<{ kind: 'enrolled'; device: DeviceRow; token: string; reenrolled: boolean }>
  | Readonly<{ kind: 'revoked'; deviceId: string }>

/**
 * Exchanges facts about an install for a device record and a fresh token.
 *
 * - The same install (installation id) on the same hardware re-enrolling (lost its token, or was
 *   told to): the record is kept, a new token replaces the old, and a snapshot is required.
 * - The same install id on other hardware: a copied disk or VM image. A new device, flagged as a
 *   clone of the first.
 * - A new install on hardware another install of the same OS user already uses: a reinstall
 *   (inventory lost) or a clone; a new device, flagged for an admin. Another OS user on the same
 *   machine is a normal second install.
 * - A revoked device stays refused until an admin removes it (removeDevice): enrolling is refused
 *   for its installation id whatever hardware id is claimed (the hardware id is the client's word:
 *   `AISCOUT_HARDWARE_ID` sets it), and for its hardware id with its OS user whatever installation
 *   id is claimed (a reinstall on the same machine). Another OS user on that machine may enroll.
 */
export async function enrollDevice(
  storage: Storage,
  team: Team,
  facts: DeviceFacts,
  now: Date = new Date(),
): Promise<EnrollOutcome> {
  const at = nowIso(now)
  const token = newCredential(TOKEN_PREFIX.device)
  const tokenHash = credentialHash(token)
  return storage.db.transaction().execute(async (trx) => {
    const sameInstall = await trx
      .selectFrom('devices')
      .selectAll()
      .where('installation_id', '=', facts.installationId)
      .orderBy('enrolled_at')
      .execute()
    const revokedInstall = sameInstall.find((d) => d.revoked_at !== null)
    if (revokedInstall) return { kind: 'revoked', deviceId: revokedInstall.id }
    const revokedHere = await trx
      .selectFrom('devices')
      .select(['id'])
      .where('hardware_id', '=', facts.hardwareId)
      .where('os_user', '=', clean(facts.user))
      .where('revoked_at', 'is not', null)
      .executeTakeFirst()
    if (revokedHere) return { kind: 'revoked', deviceId: revokedHere.id }
    const onThisHardware = sameInstall.filter((d) => d.hardware_id === facts.hardwareId)
    const existing = onThisHardware.find((d) => d.team_id === team.id) ?? onThisHardware[0]
    if (existing) {
      await trx
        .updateTable('devices')
        .set({
          team_id: team.id,
          token_hash: tokenHash,
          prev_token_hash: null,
          prev_token_expires_at: null,
          token_issued_at: at,
          last_seen_at: at,
          ...factColumns(facts),
          // The install may have lost its outbox with its token: start over with a snapshot.
          last_seq: 0,
          has_snapshot: 0,
          snap_id: null,
          snap_parts: 0,
          snap_received: 0,
        })
        .where('id', '=', existing.id)
        .execute()
      const device = await trx
        .selectFrom('devices')
        .selectAll()
        .where('id', '=', existing.id)
        .executeTakeFirstOrThrow()
      return { kind: 'enrolled', device, token, reenrolled: true }
    }
    let cloneOf: string | null = null
    let cloneReason: string | null = null
    if (sameInstall.length > 0) {
      cloneOf = sameInstall[0]!.id
      cloneReason = 'same installation id on different hardware (copied disk or VM image)'
    } else {
      const sameUserHere = await trx
        .selectFrom('devices')
        .select(['id'])
        .where('hardware_id', '=', facts.hardwareId)
        .where('os_user', '=', facts.user)
        .where('revoked_at', 'is', null)
        .orderBy('enrolled_at')
        .executeTakeFirst()
      if (sameUserHere) {
        cloneOf = sameUserHere.id
        cloneReason = 'same hardware id and OS user as another install (reinstall or clone)'
      }
    }
    const device: DeviceRow = {
      id: newId('dev'),
      team_id: team.id,
      installation_id: facts.installationId,
      hardware_id: facts.hardwareId,
      ...factColumns(facts),
      token_hash: tokenHash,
      prev_token_hash: null,
      prev_token_expires_at: null,
      token_issued_at: at,
      enrolled_at: at,
      last_seen_at: at,
      revoked_at: null,
      clone_of: cloneOf,
      clone_reason: cloneReason,
      last_seq: 0,
      has_snapshot: 0,
      snap_id: null,
      snap_parts: 0,
      snap_received: 0,
      resync_requested: 0,
      last_snapshot_at: null,
      last_heartbeat: null,
      pending_changes: 0,
    }
    await trx.insertInto('devices').values(device).execute()
    return { kind: 'enrolled', device, token, reenrolled: false }
  })
}

function factColumns(f: DeviceFacts) {
  return {
    hostname: clean(f.hostname),
    platform: clean(f.platform),
    arch: clean(f.arch),
    os_release: clean(f.osRelease),
    os_user: clean(f.user),
    app_version: clean(f.appVersion),
  }
}

/** PostgreSQL text cannot hold NUL; nothing legitimate in these facts contains one. */
export function clean(s: string): string {
  return s.includes('\u0000') ? s.replace(/\u0000/g, '') : s
}

export type AuthOutcome =
  /** `viaPrevious`: the caller used the token a rotation replaced (it has not used the new one). */
  | Readonly<{ kind: 'ok'; device: DeviceRow; viaPrevious: boolean }>
  | Readonly<{ kind: 'unknown' }>
  | Readonly<{ kind: 'revoked'; device: DeviceRow }>

/**
 * The device a bearer token belongs to. The previous token (before a rotation) is accepted until
 * it expires; the first use of the new one retires it at once. A caller still using the previous
 * token never received the new one (a lost `/token` answer): `viaPrevious` tells the routes to keep
 * asking it to rotate, so it gets a token it holds before the grace ends.
 */
export async function authenticateDevice(
  storage: Storage,
  token: string,
  now: Date = new Date(),
): Promise<AuthOutcome> {
  const hash = credentialHash(token)
  const { db } = storage
  let viaPrevious = false
  let device = await db
    .selectFrom('devices')
    .selectAll()
    .where('token_hash', '=', hash)
    .executeTakeFirst()
  if (device) {
    if (device.prev_token_hash !== null && device.revoked_at === null) {
      await db
        .updateTable('devices')
        .set({ prev_token_hash: null, prev_token_expires_at: null })
        .where('id', '=', device.id)
        .execute()
      device = { ...device, prev_token_hash: null, prev_token_expires_at: null }
    }
  } else {
    device = await db
      .selectFrom('devices')
      .selectAll()
      .where('prev_token_hash', '=', hash)
      .where('prev_token_expires_at', '>', nowIso(now))
      .executeTakeFirst()
    viaPrevious = device !== undefined
  }
  if (!device) return { kind: 'unknown' }
  if (device.revoked_at !== null) return { kind: 'revoked', device }
  return { kind: 'ok', device, viaPrevious }
}

/** Records that the device was heard from (at most once a minute, to spare the database). */
export async function touchDevice(storage: Storage, device: DeviceRow, now: Date): Promise<void> {
  if (now.getTime() - Date.parse(device.last_seen_at) < 60_000) return
  await storage.db
    .updateTable('devices')
    .set({ last_seen_at: nowIso(now) })
    .where('id', '=', device.id)
    .execute()
}

/**
 * Issues a new token; the token the caller used stays valid until the new one is used or the
 * grace ends. A caller authenticated with the previous token (it lost the last `/token` answer)
 * keeps that token as the previous one, with a fresh grace: the unused current token is dropped
 * instead, since making it the previous one would lock out the token the caller actually holds.
 */
export async function rotateDeviceToken(
  storage: Storage,
  device: DeviceRow,
  now: Date = new Date(),
  viaPrevious = false,
): Promise<string> {
  const token = newCredential(TOKEN_PREFIX.device)
  const callerHash =
    viaPrevious && device.prev_token_hash ? device.prev_token_hash : device.token_hash
  await storage.db
    .updateTable('devices')
    .set({
      token_hash: credentialHash(token),
      prev_token_hash: callerHash,
      prev_token_expires_at: nowIso(new Date(now.getTime() + PREVIOUS_TOKEN_GRACE_S * 1000)),
      token_issued_at: nowIso(now),
    })
    .where('id', '=', device.id)
    .execute()
  return token
}

export async function revokeDevice(
  storage: Storage,
  id: string,
  now = new Date(),
): Promise<boolean> {
  const r = await storage.db
    .updateTable('devices')
    .set({ revoked_at: nowIso(now), prev_token_hash: null, prev_token_expires_at: null })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

/**
 * Deletes a revoked device with its inventory, batch records and device-scoped config, which
 * lifts the enrollment refusal for its installation id and its hardware id + OS user. Only a
 * revoked device can be removed (revoke first, so a live device is never silently dropped).
 */
export async function removeDevice(
  storage: Storage,
  id: string,
): Promise<'removed' | 'not-found' | 'not-revoked'> {
  // The dashboard's tables (alert_notified) exist on every database: migrations run them all.
  return dashboardDb(storage)
    .transaction()
    .execute(async (trx) => {
      const d = await trx
        .selectFrom('devices')
        .select(['revoked_at'])
        .where('id', '=', id)
        .executeTakeFirst()
      if (!d) return 'not-found'
      if (d.revoked_at === null) return 'not-revoked'
      await trx.deleteFrom('device_rule_counts').where('device_id', '=', id).execute()
      await trx.deleteFrom('device_findings').where('device_id', '=', id).execute()
      await trx.deleteFrom('device_assets').where('device_id', '=', id).execute()
      await trx.deleteFrom('batches').where('device_id', '=', id).execute()
      await trx.deleteFrom('alert_notified').where('device_id', '=', id).execute()
      await trx
        .deleteFrom('config_items')
        .where('scope', '=', 'device')
        .where('scope_id', '=', id)
        .execute()
      await trx.updateTable('devices').set({ clone_of: null }).where('clone_of', '=', id).execute()
      await trx.deleteFrom('devices').where('id', '=', id).execute()
      return 'removed'
    })
}

/** Asks the device for a full snapshot on its next contact. */
export async function requestResync(storage: Storage, id: string): Promise<boolean> {
  const r = await storage.db
    .updateTable('devices')
    .set({ resync_requested: 1 })
    .where('id', '=', id)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

export async function recordHeartbeat(
  storage: Storage,
  device: DeviceRow,
  beat: Readonly<{
    appVersion: string
    pendingChanges: number
    hardwareId?: string
    lastScan?: unknown
  }>,
  now: Date = new Date(),
): Promise<void> {
  const update: Record<string, unknown> = {
    app_version: clean(beat.appVersion),
    pending_changes: beat.pendingChanges,
    last_heartbeat: JSON.stringify({ at: nowIso(now), lastScan: beat.lastScan ?? null }),
    last_seen_at: nowIso(now),
  }
  // The same token used from other hardware: the install was copied with its credentials.
  if (
    beat.hardwareId !== undefined &&
    beat.hardwareId !== device.hardware_id &&
    !device.clone_reason
  ) {
    update.clone_reason = `token used from other hardware (${clean(beat.hardwareId).slice(0, 64)})`
  }
  await storage.db.updateTable('devices').set(update).where('id', '=', device.id).execute()
}

export async function deviceById(storage: Storage, id: string): Promise<DeviceRow | undefined> {
  return storage.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst()
}
