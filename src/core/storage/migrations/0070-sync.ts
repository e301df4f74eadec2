import type { Migration } from './types'

/**
 * The sync client's state in the inventory (src/core/sync/):
 * - `sync_state`: enrollment (server URL, device id), sequence numbers, the pushed config, flags.
 *   The device token is not here: it lives in a 0600 file (or the OS keychain in the app).
 * - `sync_outbox`: batches built and not yet acknowledged, exactly as they are sent (gzip JSON),
 *   in sequence order. `sent` = the request may have reached the server: such a batch is only
 *   ever resent unchanged; batches never sent may still be coalesced with newer changes.
 *   `change_seq`: the change-log position (migration 0050) the batch's plan covered.
 * - `sync_acked`: what the server holds according to its acknowledgements (key and content hash
 *   of every asset and finding), the base the next delta is computed against.
 */
export const M0070_SYNC: Migration = {
  version: 70,
  name: 'sync',
  up: `
    CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE sync_outbox (
      seq INTEGER PRIMARY KEY,
      batch_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('delta','snapshot','commit')),
      body BLOB NOT NULL,
      items INTEGER NOT NULL,
      change_seq INTEGER NOT NULL DEFAULT 0,
      sent INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL
    );
    CREATE TABLE sync_acked (
      entity TEXT NOT NULL CHECK (entity IN ('asset','finding')),
      key TEXT NOT NULL,
      hash TEXT NOT NULL,
      PRIMARY KEY (entity, key)
    ) WITHOUT ROWID;
  `,
}
