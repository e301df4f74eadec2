import { randomUUID } from 'node:crypto'
import type { Db } from './db'

const KEY = 'installation-id'

/**
 * This installation's id: a random UUID made the first time an inventory asks for it and kept
 * in its `settings` table, so it lasts as long as the inventory does (a new database is a new
 * installation). It names this machine's inventory to the sync server, which pairs it with the
 * asset and finding ids (stable across rescans on one machine, see README "Identity"). Created
 * with INSERT OR IGNORE: two processes asking at once get the same id.
 */
export function installationId(db: Db): string {
  const read = (): string | undefined => {
    const row = db.prepare(`SELECT value FROM settings WHERE key = ?`).get(KEY) as
      { value: Buffer | string } | undefined
    return row === undefined ? undefined : String(row.value)
  }
  const existing = read()
  if (existing !== undefined) return existing
  db.prepare(`INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)`).run(KEY, randomUUID())
  return read()!
}
