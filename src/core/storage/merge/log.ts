import type { AssetChangeKind, FindingChangeKind, ScanDelta } from '../../types'
import type { Db } from '../db'

/** Appends change-log rows for one commit; at most one row per key and commit. */
export type ChangeRecorder = Readonly<{
  asset(id: string, change: AssetChangeKind): void
  finding(id: string, change: FindingChangeKind): void
}>

export function createChangeRecorder(db: Db, scanId: string): ChangeRecorder {
  const ins = db.prepare(`INSERT INTO changes (scan_id, entity, key, change) VALUES (?, ?, ?, ?)`)
  const logged = { asset: new Set<string>(), finding: new Set<string>() }
  return {
    asset(id, change) {
      if (logged.asset.has(id)) return
      logged.asset.add(id)
      ins.run(scanId, 'asset', id, change)
    },
    finding(id, change) {
      if (logged.finding.has(id)) return
      logged.finding.add(id)
      ins.run(scanId, 'finding', id, change)
    },
  }
}

/**
 * Records an edit of a finding made outside a scan (the user accepting or reopening its risk) as
 * a `changed` row, so change-log readers pick the finding up once: the sync client sends it again
 * with its acceptance; notifications and "new since" ignore `changed`. The row is filed under the
 * latest scan (compaction ages rows by their scan), or `edit` before any scan.
 */
export function recordFindingEdit(db: Db, findingId: string): void {
  db.prepare(
    `INSERT INTO changes (scan_id, entity, key, change)
     VALUES (coalesce((SELECT id FROM scans ORDER BY started_at DESC, rowid DESC LIMIT 1), 'edit'), 'finding', ?, 'changed')`,
  ).run(findingId)
}

/** The highest sequence number the log ever gave (0 when none): AUTOINCREMENT's own counter. */
export function maxChangeSeq(db: Db): number {
  const row = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'changes'`).get() as
    { seq: number } | undefined
  return row?.seq ?? 0
}

/**
 * The delta of one commit, read back from its change-log rows: those numbered after `after`
 * (the log's counter when the commit began; commits hold the write lock, so their rows are
 * contiguous).
 */
export function readDelta(db: Db, after: number): ScanDelta {
  const assets = { added: [] as string[], changed: [] as string[], gone: [] as string[] }
  const findings = { opened: [] as string[], changed: [] as string[], resolved: [] as string[] }
  let first: number | undefined
  let last: number | undefined
  const rows = db
    .prepare(`SELECT seq, entity, key, change FROM changes WHERE seq > ? ORDER BY seq`)
    .iterate(after) as IterableIterator<{
    seq: number
    entity: 'asset' | 'finding'
    key: string
    change: string
  }>
  for (const r of rows) {
    first ??= r.seq
    last = r.seq
    if (r.entity === 'asset') assets[r.change as AssetChangeKind].push(r.key)
    else findings[r.change as FindingChangeKind].push(r.key)
  }
  return {
    assets,
    findings,
    ...(first !== undefined && last !== undefined ? { seq: { first, last } } : {}),
  }
}
