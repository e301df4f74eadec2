import { dashboardDb } from './dashboard-schema'
import { newId, nowIso } from './ids'
import type { Storage } from './open'

/** Who did what on the server: sign-ins, revocations, secrets, accepted risks, policy changes. */
export type AuditEntry = Readonly<{
  id: string
  at: string
  actor: string
  actorKind: string
  action: string
  target: string
  detail: Readonly<Record<string, unknown>>
  ip: string
}>

export const AUDIT_ACTIONS = [
  'sign-in',
  'sign-in-failed',
  'sign-out',
  'device-revoke',
  'device-remove',
  'device-resync',
  'enroll-secret-create',
  'enroll-secret-revoke',
  'risk-accept',
  'risk-unaccept',
  'policy-put',
  'policy-delete',
  'settings-put',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

export async function audit(
  storage: Storage,
  e: Readonly<{
    actor: string
    actorKind: string
    action: AuditAction
    target: string
    detail?: Readonly<Record<string, unknown>>
    ip: string
  }>,
): Promise<void> {
  await dashboardDb(storage)
    .insertInto('audit_log')
    .values({
      id: newId('aud'),
      at: nowIso(),
      actor: e.actor.slice(0, 256),
      actor_kind: e.actorKind,
      action: e.action,
      target: e.target.slice(0, 512),
      detail: JSON.stringify(e.detail ?? {}),
      ip: e.ip.slice(0, 64),
    })
    .execute()
}

/** Newest first, keyset-paged on (at, id). */
export async function listAudit(
  storage: Storage,
  opts: Readonly<{ limit?: number; before?: { at: string; id: string }; action?: string }> = {},
): Promise<AuditEntry[]> {
  let q = dashboardDb(storage).selectFrom('audit_log').selectAll()
  if (opts.action) q = q.where('action', '=', opts.action)
  const before = opts.before
  if (before) {
    q = q.where((eb) =>
      eb.or([
        eb('at', '<', before.at),
        eb.and([eb('at', '=', before.at), eb('id', '<', before.id)]),
      ]),
    )
  }
  const rows = await q
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(opts.limit ?? 100, 1), 500))
    .execute()
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    actorKind: r.actor_kind,
    action: r.action,
    target: r.target,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    ip: r.ip,
  }))
}
