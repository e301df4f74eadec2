import type { Asset, AssetChangeKind, Finding, FindingChangeKind, ScanDelta } from '../types'
import type { Db } from './db'
import type { AssetRow, FindingRow } from './inventory-reader'
import { rowToAsset, rowToFinding } from './inventory-reader'
import { maxChangeSeq } from './merge/log'

/**
 * The change log: every change a scan applied to an asset or a finding, in the order applied,
 * numbered by a sequence that only grows (AUTOINCREMENT: a number is never given twice, even
 * after compaction). Readers page through it by sequence number: the desktop app for "new since
 * you last looked", notifications (one per `opened` finding), the sync client for what to send.
 * Named consumers record the position they have acknowledged; compaction never removes a row a
 * consumer has not acknowledged.
 */

/** A change with the asset's or finding's state now (which a later change may have superseded). */
export type Change =
  | Readonly<{
      seq: number
      scanId: string
      /** When the scan that made the change finished. */
      at: string | undefined
      entity: 'asset'
      key: string
      change: AssetChangeKind
      state?: Readonly<{ status: 'present' | 'gone'; asset: Asset }>
    }>
  | Readonly<{
      seq: number
      scanId: string
      at: string | undefined
      entity: 'finding'
      key: string
      change: FindingChangeKind
      state?: Readonly<{ status: 'open' | 'resolved'; finding: Finding }>
    }>

export type ChangePage = Readonly<{
  changes: readonly Change[]
  /** Pass as `after` for the next page. */
  next: number
  /** Whether more changes follow this page. */
  more: boolean
}>

export const MAX_CHANGE_PAGE = 5000

/** The highest sequence number given so far (0 before the first change). */
export function latestChangeSeq(db: Db): number {
  return maxChangeSeq(db)
}

/**
 * Changes numbered after `after` (default 0: from the start of what is kept), oldest first, at
 * most `limit` (default 1000, at most MAX_CHANGE_PAGE). With `state` (default true) each change
 * carries the asset's or finding's current row.
 */
export function readChanges(
  db: Db,
  opts: Readonly<{ after?: number; limit?: number; state?: boolean }> = {},
): ChangePage {
  const after = opts.after ?? 0
  const limit = Math.max(1, Math.min(opts.limit ?? 1000, MAX_CHANGE_PAGE))
  const rows = db
    .prepare(
      `SELECT c.seq, c.scan_id, c.entity, c.key, c.change, s.finished_at AS at
       FROM changes c LEFT JOIN scans s ON s.id = c.scan_id
       WHERE c.seq > ? ORDER BY c.seq LIMIT ?`,
    )
    .all(after, limit + 1) as {
    seq: number
    scan_id: string
    entity: 'asset' | 'finding'
    key: string
    change: string
    at: string | null
  }[]
  const more = rows.length > limit
  if (more) rows.pop()
  const withState = opts.state !== false
  const asset = db.prepare(`SELECT * FROM assets WHERE id = ?`)
  const finding = db.prepare(`SELECT * FROM findings WHERE id = ?`)
  const changes = rows.map((r): Change => {
    const base = { seq: r.seq, scanId: r.scan_id, at: r.at ?? undefined, key: r.key }
    if (r.entity === 'asset') {
      const row = withState ? (asset.get(r.key) as AssetRow | undefined) : undefined
      return {
        ...base,
        entity: 'asset',
        change: r.change as AssetChangeKind,
        ...(row ? { state: { status: row.status, asset: rowToAsset(row) } } : {}),
      }
    }
    const row = withState
      ? (finding.get(r.key) as (FindingRow & { status: 'open' | 'resolved' }) | undefined)
      : undefined
    return {
      ...base,
      entity: 'finding',
      change: r.change as FindingChangeKind,
      ...(row ? { state: { status: row.status, finding: rowToFinding(row) } } : {}),
    }
  })
  return { changes, next: rows.length ? rows[rows.length - 1]!.seq : after, more }
}

export type ChangeConsumer = Readonly<{
  name: string
  /** Every change up to this sequence number has been handled by the consumer. */
  ackedSeq: number
  createdAt: string
  updatedAt: string
}>

type ConsumerRow = { name: string; acked_seq: number; created_at: string; updated_at: string }
const toConsumer = (r: ConsumerRow): ChangeConsumer => ({
  name: r.name,
  ackedSeq: r.acked_seq,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export class ChangeLogError extends Error {}

/**
 * Registers a consumer (idempotent: an existing one keeps its position). A new one starts at
 * `from`: 'start' (default; it will read everything kept, which includes every key's latest
 * change) or 'latest' (only what happens from now on).
 */
export function registerChangeConsumer(
  db: Db,
  name: string,
  opts: Readonly<{ from?: 'start' | 'latest' }> = {},
): ChangeConsumer {
  if (!name) throw new ChangeLogError('a change consumer needs a name')
  const now = new Date().toISOString()
  const at = opts.from === 'latest' ? maxChangeSeq(db) : 0
  db.prepare(
    `INSERT OR IGNORE INTO change_consumers (name, acked_seq, created_at, updated_at) VALUES (?, ?, ?, ?)`,
  ).run(name, at, now, now)
  return getChangeConsumer(db, name)!
}

export function getChangeConsumer(db: Db, name: string): ChangeConsumer | undefined {
  const r = db.prepare(`SELECT * FROM change_consumers WHERE name = ?`).get(name) as
    ConsumerRow | undefined
  return r ? toConsumer(r) : undefined
}

export function changeConsumers(db: Db): ChangeConsumer[] {
  return (db.prepare(`SELECT * FROM change_consumers ORDER BY name`).all() as ConsumerRow[]).map(
    toConsumer,
  )
}

/**
 * Acknowledges every change up to `seq`. The position never moves back (an older ack is a no-op)
 * and cannot pass the latest sequence number given.
 */
export function ackChanges(db: Db, name: string, seq: number): ChangeConsumer {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new ChangeLogError(`bad sequence number ${seq}`)
  const latest = maxChangeSeq(db)
  if (seq > latest)
    throw new ChangeLogError(`cannot acknowledge ${seq}: the latest change is ${latest}`)
  const r = db
    .prepare(
      `UPDATE change_consumers SET acked_seq = max(acked_seq, ?), updated_at = ? WHERE name = ?`,
    )
    .run(seq, new Date().toISOString(), name)
  if (r.changes === 0) throw new ChangeLogError(`no change consumer named ${name}`)
  return getChangeConsumer(db, name)!
}

export function removeChangeConsumer(db: Db, name: string): boolean {
  return db.prepare(`DELETE FROM change_consumers WHERE name = ?`).run(name).changes > 0
}

export type CompactionPolicy = Readonly<{
  /** Every change made within this many days is kept (default 30). */
  keepDays?: number
  now?: Date
}>

/** Default retention of the full history, in days. */
export const CHANGE_LOG_KEEP_DAYS = 30

/**
 * Bounds the log. A change is removed only when all of these hold: a later change of the same
 * key exists (so every key's latest change stays, and reading from 0 still gives the state of
 * every asset and finding ever seen), its scan finished more than `keepDays` ago, and every
 * registered consumer has acknowledged it. So the log holds at most one row per key beyond the
 * retention window and whatever a consumer has yet to read.
 */
export function compactChanges(db: Db, policy: CompactionPolicy = {}): { removed: number } {
  const keepDays = policy.keepDays ?? CHANGE_LOG_KEEP_DAYS
  const cutoff = new Date((policy.now ?? new Date()).getTime() - keepDays * 86_400_000)
  return db.transaction(() => {
    // Nothing old enough: skip the pass over every key (the common case after a first scan).
    const old = db
      .prepare(`SELECT 1 FROM scans WHERE finished_at IS NOT NULL AND finished_at < ? LIMIT 1`)
      .get(cutoff.toISOString())
    if (!old) return { removed: 0 }
    const floor = (
      db.prepare(`SELECT min(acked_seq) AS m FROM change_consumers`).get() as { m: number | null }
    ).m
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS latest_change (seq INTEGER PRIMARY KEY);
      DELETE FROM temp.latest_change;
      INSERT INTO temp.latest_change (seq) SELECT max(seq) FROM changes GROUP BY entity, key;`)
    const r = db
      .prepare(
        `DELETE FROM changes WHERE seq <= ?
           AND seq NOT IN (SELECT seq FROM temp.latest_change)
           AND scan_id IN (SELECT id FROM scans WHERE finished_at IS NOT NULL AND finished_at < ?)`,
      )
      .run(floor ?? Number.MAX_SAFE_INTEGER, cutoff.toISOString())
    db.exec(`DELETE FROM temp.latest_change`)
    return { removed: r.changes }
  })()
}

/** A scan's delta with the records it names (assets and findings as they are now). */
export type DeltaRecords = Readonly<{
  assets: Readonly<{ added: Asset[]; changed: Asset[]; gone: Asset[] }>
  findings: Readonly<{ opened: Finding[]; changed: Finding[]; resolved: Finding[] }>
}>

/** Reads the assets and findings a delta names (for showing what a scan changed). */
export function deltaRecords(db: Db, delta: ScanDelta): DeltaRecords {
  const asset = db.prepare(`SELECT * FROM assets WHERE id = ?`)
  const finding = db.prepare(`SELECT * FROM findings WHERE id = ?`)
  const assets = (ids: readonly string[]): Asset[] =>
    ids.flatMap((id) => {
      const r = asset.get(id) as AssetRow | undefined
      return r ? [rowToAsset(r)] : []
    })
  const findings = (ids: readonly string[]): Finding[] =>
    ids.flatMap((id) => {
      const r = finding.get(id) as FindingRow | undefined
      return r ? [rowToFinding(r)] : []
    })
  return {
    assets: {
      added: assets(delta.assets.added),
      changed: assets(delta.assets.changed),
      gone: assets(delta.assets.gone),
    },
    findings: {
      opened: findings(delta.findings.opened),
      changed: findings(delta.findings.changed),
      resolved: findings(delta.findings.resolved),
    },
  }
}
