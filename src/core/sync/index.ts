/**
 * The sync client: sends this device's inventory to the central server (issue 14). Shells use it
 * through src/core/index.ts: the CLI (`aiscout sync`, `aiscout scan --sync`) and the desktop app.
 */
export { syncNow, normalizeServerUrl, CLI_RETRY } from './client'
export type { SyncEvent, SyncOptions, SyncOutcome, RetryPolicy } from './client'
export { previewSync } from './preview'
export type { PreviewBatch, SyncPreview } from './preview'
export { fileTokenStore } from './token-store'
export type { TokenStore } from './token-store'
export { adoptFingerprintKey } from './fingerprint-key'
export {
  readState as readSyncState,
  writeState as writeSyncState,
  resetForNewServer as resetSyncState,
  outboxCount,
  CLIENT_DEFAULTS as SYNC_CLIENT_DEFAULTS,
} from './state'
export { syncStatus } from './status'
export type { SyncStatus } from './status'
export type { SyncState } from './state'
export { NoInventoryError } from './inventory-items'
export { assetItem, findingItem, redactPaths } from './payload'
