import type { Db } from '../storage/db'
import { installationSecret } from '../storage/inventory-store'
import { writeState } from './state'

/**
 * Makes the organisation's fingerprint key this inventory's key, so the same AI key on two
 * laptops has the same fingerprint on the server.
 *
 * Values are never stored, so fingerprints cannot be recomputed from the inventory. Instead:
 * the key replaces the per-installation secret (what the scan fingerprints with), remembered
 * per-file results are dropped (file_memos: they hold fingerprints under the old key), so the
 * next scan reads every key file again and fingerprints under the new key; until that scan has
 * run, secret assets are held back from sync (inventory-items.ts). The old secret assets then go
 * gone and the new ones appear, which the next sync sends as removals and upserts.
 * Returns true when the key changed.
 */
export function adoptFingerprintKey(db: Db, keyBase64: string, now: Date = new Date()): boolean {
  const key = Buffer.from(keyBase64, 'base64')
  if (key.length !== 32) throw new Error('the server sent a fingerprint key that is not 32 bytes')
  return db
    .transaction(() => {
      if (installationSecret(db).equals(key)) return false
      db.prepare(`UPDATE settings SET value = ? WHERE key = 'installation-secret'`).run(key)
      db.prepare(`DELETE FROM file_memos`).run()
      writeState(db, { fingerprintKeySince: now.toISOString() })
      return true
    })
    .immediate()
}
