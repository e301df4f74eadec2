/**
 * Row types of the dashboard's tables (migration 0100), kept beside the server's own schema: the
 * dashboard's storage modules read the database through `dashboardDb`, which sees both.
 */
import type { Kysely } from 'kysely'
import type { Storage } from './open'
import type { ServerDb } from './schema'

export type UsersTable = {
  id: string
  name: string
  password_hash: string
  role: string
  created_at: string
  updated_at: string
  disabled_at: string | null
}

export type SessionsTable = {
  id_hash: string
  user_id: string
  created_at: string
  last_seen_at: string
  expires_at: string
  ip: string
  user_agent: string
}

export type AuditLogTable = {
  id: string
  at: string
  actor: string
  actor_kind: string
  action: string
  target: string
  /** JSON: what changed (never a secret). */
  detail: string
  ip: string
}

export type AlertNotifiedTable = { device_id: string; finding_key: string; notified_at: string }

export type AlertDeliveriesTable = {
  id: string
  created_at: string
  notifier: string
  rule_id: string
  findings: number
  /** 'delivered' | 'failed' | 'pending'. */
  status: string
  attempts: number
  http_status: number | null
  error: string | null
  finished_at: string | null
}

export type AlertStateTable = { key: string; value: string }

export type DashboardDb = ServerDb & {
  users: UsersTable
  sessions: SessionsTable
  audit_log: AuditLogTable
  alert_notified: AlertNotifiedTable
  alert_deliveries: AlertDeliveriesTable
  alert_state: AlertStateTable
}

export function dashboardDb(storage: Storage): Kysely<DashboardDb> {
  return storage.db as unknown as Kysely<DashboardDb>
}
