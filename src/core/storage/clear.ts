import type { Db } from './db'
import { createChangeRecorder } from './merge/log'

/**
 * Tables holding what scans found, how units of work produced it, and the caches derived from
 * files. Settings, accepted risks, the installation secret (key fingerprints stay comparable) and
 * the change log with its consumers are kept.
 */
const INVENTORY_TABLES = [
  'finding_origins',
  'asset_parts',
  'origin_paths',
  'origin_runs',
  'findings',
  'assets',
  'skipped',
  'scans',
  'file_hashes',
  'file_memos',
] as const

/**
 * Empties the inventory in one transaction (the "danger zone" of the app's Settings): the next
 * scan starts from nothing and rereads every file. Every asset leaves as `gone` and every open
 * finding as `resolved` in the change log, so its readers (sync, notifications) learn of it like
 * of any other change. The caller makes sure no scan of its own runs.
 */
export function clearInventory(
  db: Db,
  now = new Date(),
): Readonly<{ assets: number; findings: number }> {
  return db
    .transaction(() => {
      const present = new Set(
        (
          db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
            name: string
          }[]
        ).map((r) => r.name),
      )
      const assets = db.prepare(`SELECT id FROM assets WHERE status = 'present'`).all() as {
        id: string
      }[]
      const findings = db.prepare(`SELECT id FROM findings WHERE status = 'open'`).all() as {
        id: string
      }[]
      if (present.has('changes')) {
        const log = createChangeRecorder(db, `cleared-${now.toISOString()}`)
        for (const a of assets) log.asset(a.id, 'gone')
        for (const f of findings) log.finding(f.id, 'resolved')
      }
      for (const t of INVENTORY_TABLES) if (present.has(t)) db.exec(`DELETE FROM ${t}`)
      return { assets: assets.length, findings: findings.length }
    })
    .immediate()
}
