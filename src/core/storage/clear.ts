import type { Db } from './db'

/**
 * Tables holding what scans found and the caches derived from files. Settings, accepted risks and
 * the installation secret (key fingerprints stay comparable) are kept.
 */
const INVENTORY_TABLES = [
  'findings',
  'assets',
  'skipped',
  'scans',
  'file_hashes',
  'file_memos',
] as const

/**
 * Empties the inventory in one transaction (the "danger zone" of the app's Settings): the next
 * scan starts from nothing and rereads every file. The caller makes sure no scan of its own runs.
 */
export function clearInventory(db: Db): Readonly<{ assets: number; findings: number }> {
  return db
    .transaction(() => {
      const assets = (db.prepare(`SELECT count(*) AS n FROM assets`).get() as { n: number }).n
      const findings = (db.prepare(`SELECT count(*) AS n FROM findings`).get() as { n: number }).n
      const present = new Set(
        (
          db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
            name: string
          }[]
        ).map((r) => r.name),
      )
      for (const t of INVENTORY_TABLES) if (present.has(t)) db.exec(`DELETE FROM ${t}`)
      return { assets, findings }
    })
    .immediate()
}
