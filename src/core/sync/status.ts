import type { Db } from '../storage/db'
import { outboxCount, readState } from './state'
import type { TokenStore } from './token-store'

/** Where this device stands with its server: the app's sync settings and `aiscout sync`. */
export type SyncStatus = Readonly<{
  server?: string
  deviceId?: string
  team?: string
  /** A device token is held and the server gave this inventory a device id. */
  enrolled: boolean
  /** The server revoked this device: nothing is sent until it enrolls again. */
  revoked: boolean
  lastSyncAt?: string
  lastError?: string
  /** The next sync starts with a full snapshot (first sync, server asked, re-enrolled). */
  snapshotNeeded: boolean
  /** Batches queued and not yet acknowledged by the server, and the items they carry. */
  pending: Readonly<{ batches: number; items: number }>
}>

/**
 * Reads, never writes, and never contacts the server. The token is only checked for presence:
 * it is not part of the answer (the app's renderer shows this object).
 */
export function syncStatus(db: Db, tokens: TokenStore): SyncStatus {
  const s = readState(db)
  return {
    server: s.serverUrl,
    deviceId: s.deviceId,
    team: s.team,
    enrolled: tokens.read() !== undefined && s.deviceId !== undefined,
    revoked: s.revoked,
    lastSyncAt: s.lastSyncAt,
    lastError: s.lastError,
    snapshotNeeded: s.snapshotNeeded,
    pending: outboxCount(db),
  }
}
