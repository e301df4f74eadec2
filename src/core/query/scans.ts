import type { Db } from '../storage/db'
import type { ScanStats } from '../types'
import type {
  AssetRef,
  DiffList,
  FindingRow,
  Overview,
  Page,
  QueryOptions,
  ScanDiff,
  ScanRecord,
} from '../../shared/query'
import type { ScanStatus } from '../../shared/types'
import { IN_FORCE, isoNow } from './acceptance'
import { QueryError } from './cursor'
import { currentSummary } from './derived'
import { queryFindings } from './findings'
import { keysetPage, limitOf, where } from './paging'
import type { FindingDbRow } from './rows'
import { FINDING_COLUMNS, FINDINGS_FROM, REF_COLUMNS, toAssetRef, toFindingRow } from './rows'
import { entries } from './summary'
import { ASSET_VERDICT_RANK } from '../storage/migrations/0095-app-query-indexes'

type ScanDbRow = {
  id: string
  started_at: string
  finished_at: string | null
  status: ScanStatus
  roots: string
  stats: string
  error: string | null
}

const SCAN_COLUMNS = `id, started_at, finished_at, status, roots, stats, error`

function toScanRecord(r: ScanDbRow): ScanRecord {
  const parse = <T>(s: string, d: T): T => {
    try {
      return JSON.parse(s) as T
    } catch {
      return d
    }
  }
  return {
    id: r.id,
    startedAt: r.started_at,
    ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
    status: r.status,
    roots: parse<string[]>(r.roots, []),
    stats: parse<ScanStats>(r.stats, {} as ScanStats),
    ...(r.error !== null ? { error: r.error } : {}),
  }
}

/** Scans, newest first (every status: running, complete, interrupted, failed). */
export function scanHistory(
  db: Db,
  q: Readonly<{ limit?: number; cursor?: string }> = {},
): Page<ScanRecord> {
  return keysetPage<ScanDbRow, ScanRecord>(db, {
    columns: SCAN_COLUMNS,
    from: 'scans',
    where: where(),
    sort: { id: 'scan:started:desc', keys: ['started_at', 'id'], direction: 'desc' },
    limit: limitOf(q.limit),
    cursor: q.cursor,
    map: toScanRecord,
  })
}

/**
 * Counts for a dashboard: assets by kind, open findings by severity, the worst findings
 * (`topFindings` of them, default 10; 0 for none). The counts are kept with the query layer's
 * derived state (summary.ts), so this reads a few numbers rather than counting the inventory.
 */
export function overview(
  db: Db,
  opts: Readonly<{ topFindings?: number }> & QueryOptions = {},
): Overview {
  const last = db
    .prepare(
      `SELECT ${SCAN_COLUMNS} FROM scans WHERE status = 'complete' ORDER BY started_at DESC, rowid DESC LIMIT 1`,
    )
    .get() as ScanDbRow | undefined
  // A cancelled or failed scan since then: the app says so beside the inventory it kept.
  // One statement per status: each reads scans_by_status in order, where a list would sort.
  const latestWith = db.prepare(
    `SELECT ${SCAN_COLUMNS}, rowid AS rid FROM scans WHERE status = ? AND started_at > ?
     ORDER BY started_at DESC, rowid DESC LIMIT 1`,
  )
  const attempt = (['interrupted', 'failed'] as const)
    .map(
      (status) =>
        latestWith.get(status, last?.started_at ?? '') as (ScanDbRow & { rid: number }) | undefined,
    )
    .reduce<(ScanDbRow & { rid: number }) | undefined>(
      (a, b) =>
        !b
          ? a
          : !a || b.started_at > a.started_at || (b.started_at === a.started_at && b.rid > a.rid)
            ? b
            : a,
      undefined,
    )
  const iso = isoNow(opts)
  const summary = currentSummary(db)
  const assetsByKind: Record<string, number> = {}
  let totalAssets = 0
  for (const [status, kind, n] of entries(summary.assets)) {
    if (status !== 'present') continue
    assetsByKind[kind] = n
    totalAssets += n
  }
  // Open findings less those under an acceptance in force (a short list, counted here).
  const accepted = new Map<string, number>()
  for (const severity of db
    .prepare(
      `SELECT f.severity FROM (${IN_FORCE}) ar
       CROSS JOIN findings f ON f.id = ar.finding_id WHERE +f.status = 'open'`,
    )
    .pluck()
    .all(iso) as string[])
    accepted.set(severity, (accepted.get(severity) ?? 0) + 1)
  const openFindingsBySeverity: Record<string, number> = {}
  let totalOpenFindings = 0
  let acceptedFindings = 0
  for (const [status, severity, n] of entries(summary.findings)) {
    if (status !== 'open') continue
    const a = accepted.get(severity) ?? 0
    openFindingsBySeverity[severity] = n - a
    totalOpenFindings += n - a
    acceptedFindings += a
  }
  const risky = db
    .prepare(
      `SELECT ${ASSET_VERDICT_RANK} AS rank, count(*) AS n FROM assets
       WHERE ${ASSET_VERDICT_RANK} >= 2 AND +kind = 'model' AND +status = 'present' GROUP BY rank`,
    )
    .all() as { rank: number; n: number }[]
  const topN = opts.topFindings ?? 10
  const top =
    topN > 0
      ? queryFindings(db, { severities: ['critical', 'high'], accepted: false, limit: topN }, opts)
          .items
      : []
  return {
    ...(last ? { lastScan: toScanRecord(last) } : {}),
    ...(attempt ? { lastAttempt: toScanRecord(attempt) } : {}),
    assetsByKind,
    totalAssets,
    openFindingsBySeverity,
    totalOpenFindings,
    acceptedFindings,
    riskyModels: {
      malicious: risky.find((r) => r.rank === 3)?.n ?? 0,
      suspicious: risky.find((r) => r.rank === 2)?.n ?? 0,
    },
    // Copies of the same weights (same SHA-256) take their space once.
    modelStorageBytes: summary.modelBytes,
    topFindings: top,
  }
}

function scanPosition(db: Db, id: string): { started_at: string; rid: number } {
  const r = db
    .prepare(`SELECT started_at, rowid AS rid, status FROM scans WHERE id = ?`)
    .get(id) as { started_at: string; rid: number; status: ScanStatus } | undefined
  if (!r) throw new QueryError(`no scan ${id}`)
  if (r.status !== 'complete') throw new QueryError(`scan ${id} did not complete (${r.status})`)
  return r
}

/**
 * What changed between two completed scans: after `from`, up to and including `to` (`from`
 * must be the older). Each list holds its count and at most `limit` (default 200) rows.
 */
export function scanDiff(
  db: Db,
  from: string,
  to: string,
  opts: Readonly<{ limit?: number }> = {},
): ScanDiff {
  const a = scanPosition(db, from)
  const b = scanPosition(db, to)
  if (a.started_at > b.started_at || (a.started_at === b.started_at && a.rid > b.rid)) {
    throw new QueryError(`scan ${from} is newer than ${to}`)
  }
  const limit = limitOf(opts.limit ?? 200)
  // Scans after `from`, up to and including `to`; and those from `from` up to before `to`.
  const after = `SELECT id FROM scans WHERE (started_at, rowid) > (?, ?) AND (started_at, rowid) <= (?, ?)`
  const before = `SELECT id FROM scans WHERE (started_at, rowid) >= (?, ?) AND (started_at, rowid) < (?, ?)`
  const span = [a.started_at, a.rid, b.started_at, b.rid]
  // The change log covers the span when it holds a row from `from` or earlier: it did not
  // exist yet for scans made before migration 0050, and compaction removes its oldest rows.
  const hasLog =
    db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'changes'`).get() !==
      undefined &&
    db
      .prepare(
        `SELECT 1 FROM changes c JOIN scans s ON s.id = c.scan_id
         WHERE (s.started_at, s.rowid) <= (?, ?) LIMIT 1`,
      )
      .get(a.started_at, a.rid) !== undefined
  const assetRefs = (ids: readonly string[]): DiffList<AssetRef> => {
    const get = db.prepare(`SELECT ${REF_COLUMNS} FROM assets WHERE id = ?`)
    const items: AssetRef[] = []
    for (const id of ids.slice(0, limit)) {
      const r = get.get(id) as Parameters<typeof toAssetRef>[0] | undefined
      if (r) items.push(toAssetRef(r))
    }
    return { count: ids.length, items }
  }
  const findingRows = (ids: readonly string[]): DiffList<FindingRow> => {
    const get = db.prepare(`SELECT ${FINDING_COLUMNS} FROM ${FINDINGS_FROM} WHERE findings.id = ?`)
    const items: FindingRow[] = []
    for (const id of ids.slice(0, limit)) {
      const r = get.get(id) as FindingDbRow | undefined
      if (r) items.push(toFindingRow(r))
    }
    return { count: ids.length, items }
  }
  if (hasLog) {
    // Net effect per key over the span: its first and its last change there.
    const net = (entity: 'asset' | 'finding') =>
      db
        .prepare(
          `SELECT DISTINCT key,
             first_value(change) OVER w AS first, last_value(change) OVER w AS last
           FROM changes WHERE entity = ? AND scan_id IN (${after})
           WINDOW w AS (PARTITION BY key ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
           ORDER BY key`,
        )
        .all(entity, ...span) as { key: string; first: string; last: string }[]
    const split = (rows: ReturnType<typeof net>, appear: string, vanish: string) => {
      const added: string[] = []
      const removed: string[] = []
      const changed: string[] = []
      for (const r of rows) {
        if (r.first === appear && r.last === vanish) continue // came and went within the span
        if (r.first === appear) added.push(r.key)
        else if (r.last === vanish) removed.push(r.key)
        else changed.push(r.key)
      }
      return { added, removed, changed }
    }
    const as = split(net('asset'), 'added', 'gone')
    const fs = split(net('finding'), 'opened', 'resolved')
    return {
      from,
      to,
      basis: 'change-log',
      assets: {
        added: assetRefs(as.added),
        removed: assetRefs(as.removed),
        changed: assetRefs(as.changed),
      },
      findings: {
        added: findingRows(fs.added),
        removed: findingRows(fs.removed),
        changed: findingRows(fs.changed),
      },
    }
  }
  const ids = (sql: string, params: readonly unknown[]) =>
    db
      .prepare(sql)
      .pluck()
      .all(...params) as string[]
  const addedAssets = ids(
    `SELECT id FROM assets WHERE first_seen_scan IN (${after})
     AND NOT (status = 'gone' AND last_seen_scan IN (${before})) ORDER BY id`,
    [...span, ...span],
  )
  const removedAssets = ids(
    `SELECT id FROM assets WHERE status = 'gone' AND last_seen_scan IN (${before})
     AND first_seen_scan NOT IN (${after}) ORDER BY id`,
    [...span, ...span],
  )
  const addedFindings = ids(
    `SELECT id FROM findings WHERE first_seen_scan IN (${after})
     AND NOT (status = 'resolved' AND last_seen_scan IN (${before})) ORDER BY id`,
    [...span, ...span],
  )
  const removedFindings = ids(
    `SELECT id FROM findings WHERE status = 'resolved' AND last_seen_scan IN (${before})
     AND first_seen_scan NOT IN (${after}) ORDER BY id`,
    [...span, ...span],
  )
  return {
    from,
    to,
    basis: 'first-last-seen',
    assets: {
      added: assetRefs(addedAssets),
      removed: assetRefs(removedAssets),
      changed: { count: 0, items: [] },
    },
    findings: {
      added: findingRows(addedFindings),
      removed: findingRows(removedFindings),
      changed: { count: 0, items: [] },
    },
  }
}
