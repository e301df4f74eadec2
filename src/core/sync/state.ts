import type { ConfigResponse } from '../../shared/sync-api'
import { clearServerAcceptances } from '../storage/accepted-risks'
import type { Db } from '../storage/db'
import { installationId } from '../storage/installation-id'

/** Sync settings the client falls back to before the server sent its own. */
export const CLIENT_DEFAULTS = {
  uploadPaths: 'home',
  maxBatchItems: 2000,
  maxBatchBytes: 4 * 1024 * 1024,
} as const

/** What the client remembers between runs (table sync_state, migration 0070). */
export type SyncState = {
  serverUrl?: string
  deviceId?: string
  team?: string
  /** The sequence number the next new batch gets. */
  nextSeq: number
  /** The highest sequence number the server acknowledged. */
  ackedSeq: number
  /** The next batches must be a full snapshot (first sync, server asked, re-enrolled). */
  snapshotNeeded: boolean
  /** The server revoked this device: nothing is sent until an operator re-enrolls it. */
  revoked: boolean
  config?: ConfigResponse
  configEtag?: string
  /** The inventory's installation id (one per OS user and database), sent at enrollment. */
  installationId: string
  /** When the organisation's fingerprint key replaced this inventory's own (ISO time). */
  fingerprintKeySince?: string
  lastSyncAt?: string
  lastError?: string
  /** A batch size below the server's, after the server refused a batch as too large. */
  capItems?: number
  /** Change-log position covered by what is acknowledged or queued. */
  changeSeq?: number
  /** Change-log position covered by what the server acknowledged. */
  ackedChangeSeq?: number
  /** When the last full snapshot was queued. */
  lastSnapshotAt?: string
  /** How items were shaped when last queued (paths, held-back keys): a change re-diffs everything. */
  optionsKey?: string
  /** When this inventory enrolled with the server (the desktop app records it). */
  enrolledAt?: string
  /** The desktop app's last sync attempt (when, why, what came of it, in words). */
  lastAttempt?: Readonly<{
    at: string
    trigger: string
    result: string
    message: string
    sentItems?: number
    heldBack?: number
  }>
}

const NUMBER_KEYS = new Set(['nextSeq', 'ackedSeq', 'capItems', 'changeSeq', 'ackedChangeSeq'])
const BOOL_KEYS = new Set(['snapshotNeeded', 'revoked'])
const JSON_KEYS = new Set(['config', 'lastAttempt'])

export function readState(db: Db): SyncState {
  const rows = db.prepare(`SELECT key, value FROM sync_state`).all() as {
    key: string
    value: string
  }[]
  const s: Record<string, unknown> = {
    nextSeq: 1,
    ackedSeq: 0,
    snapshotNeeded: true,
    revoked: false,
  }
  for (const { key, value } of rows) {
    if (NUMBER_KEYS.has(key)) s[key] = Number(value)
    else if (BOOL_KEYS.has(key)) s[key] = value === '1'
    else if (JSON_KEYS.has(key)) s[key] = JSON.parse(value) as unknown
    else s[key] = value
  }
  // The inventory's own id (issue 12), kept in its settings.
  s.installationId = installationId(db)
  return s as SyncState
}

/** Writes the given fields (undefined removes one). Call inside the caller's transaction. */
export function writeState(db: Db, patch: Partial<SyncState>): void {
  const put = db.prepare(
    `INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  )
  const del = db.prepare(`DELETE FROM sync_state WHERE key = ?`)
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) del.run(k)
    else if (BOOL_KEYS.has(k)) put.run(k, v ? '1' : '0')
    else if (JSON_KEYS.has(k)) put.run(k, JSON.stringify(v))
    else put.run(k, String(v))
  }
}

export type OutboxRow = {
  seq: number
  batch_id: string
  kind: 'delta' | 'snapshot' | 'commit'
  body: Buffer
  items: number
  change_seq: number
  sent: number
}

export function outbox(db: Db): OutboxRow[] {
  return db
    .prepare(
      `SELECT seq, batch_id, kind, body, items, change_seq, sent FROM sync_outbox ORDER BY seq`,
    )
    .all() as OutboxRow[]
}

export function outboxCount(db: Db): { batches: number; items: number } {
  const r = db
    .prepare(`SELECT count(*) AS n, coalesce(sum(items), 0) AS items FROM sync_outbox`)
    .get() as {
    n: number
    items: number
  }
  return { batches: r.n, items: r.items }
}

/** Forgets everything about a server: a new enrollment (another server, or after revocation). */
export function resetForNewServer(db: Db): void {
  db.transaction(() => {
    db.prepare(`DELETE FROM sync_outbox`).run()
    db.prepare(`DELETE FROM sync_acked`).run()
    db.prepare(`DELETE FROM sync_state WHERE key NOT IN ('fingerprintKeySince', 'nextSeq')`).run()
    // Another server's security team did not accept anything on this one.
    clearServerAcceptances(db)
  })()
}
