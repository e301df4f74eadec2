import type { Kysely } from 'kysely'
import { sql } from 'kysely'

/**
 * Fewer index writes per ingested asset (bench "sync-load": on SQLite, index maintenance was most
 * of an inventory batch's cost). The digest and fingerprint indexes become partial (only models
 * have a digest, only keys a fingerprint; `= ?` lookups still use them), and the per-device status
 * index goes: per-device counts read the primary key (device_id, asset_key) instead.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('assets_sha256').execute()
  await db.schema.dropIndex('assets_fingerprint').execute()
  await db.schema.dropIndex('assets_device_status').execute()
  await db.schema
    .createIndex('assets_sha256')
    .on('device_assets')
    .columns(['sha256', 'status'])
    .where(sql.ref('sha256'), 'is not', null)
    .execute()
  await db.schema
    .createIndex('assets_fingerprint')
    .on('device_assets')
    .columns(['fingerprint', 'status'])
    .where(sql.ref('fingerprint'), 'is not', null)
    .execute()
}
