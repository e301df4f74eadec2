import type { InventoryReader, ScanMeta } from '../inventory'
import { INVENTORY_SCHEMA_VERSION } from '../inventory'
import type {
  Asset,
  AssetKind,
  Details,
  Finding,
  HostInfo,
  ScanStats,
  Severity,
  SkippedEntry,
  SkipReason,
  Verdict,
} from '../types'
import type { Db } from './db'

export type AssetRow = {
  id: string
  kind: AssetKind
  path: string
  name: string | null
  version: string | null
  format: string | null
  sha256: string | null
  size_bytes: number | null
  source: string | null
  verdict: Verdict | null
  details: string
  links: string
  status: 'present' | 'gone'
  gone_since: string | null
}

export type FindingRow = {
  id: string
  rule_id: string
  severity: Severity
  title: string
  message: string
  path: string
  line: number | null
  asset_id: string | null
  member: string | null
  offset: number | null
  callable: string | null
}

export class NoScanError extends Error {}

/**
 * Streams the latest inventory out of SQLite (rows are iterated, never collected), so exports
 * of large inventories stay within bounded memory.
 */
export function openInventoryReader(db: Db, opts: { includeGone?: boolean } = {}): InventoryReader {
  const scanRow = db
    .prepare(
      // The latest complete full scan describes the inventory (its roots, stats and skipped
      // paths); scoped scans since then only updated parts of it. Before any full scan, the
      // latest scoped one.
      `SELECT id, started_at, finished_at, status, roots, stats, host FROM scans
       WHERE status = 'complete'
       ORDER BY json_extract(scope, '$.kind') = 'full' DESC, seq DESC LIMIT 1`,
    )
    .get() as
    | {
        id: string
        started_at: string
        finished_at: string | null
        status: ScanMeta['status']
        roots: string
        stats: string
        host: string
      }
    | undefined
  if (!scanRow)
    throw new NoScanError(
      'the inventory database holds no completed scan yet; run `aiscout scan` first',
    )
  const scan: ScanMeta = {
    id: scanRow.id,
    startedAt: scanRow.started_at,
    finishedAt: scanRow.finished_at ?? undefined,
    status: scanRow.status,
    roots: JSON.parse(scanRow.roots) as string[],
    stats: JSON.parse(scanRow.stats) as ScanStats,
  }
  const host = JSON.parse(scanRow.host) as HostInfo
  const assetSql = opts.includeGone
    ? `SELECT * FROM assets ORDER BY kind, path, id`
    : `SELECT * FROM assets WHERE status = 'present' ORDER BY kind, path, id`
  const findingSql = opts.includeGone
    ? `SELECT * FROM findings ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, path, line, id`
    : `SELECT * FROM findings WHERE status = 'open' ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, path, line, id`
  return {
    schemaVersion: INVENTORY_SCHEMA_VERSION,
    host,
    scan,
    *assets() {
      for (const r of db.prepare(assetSql).iterate() as IterableIterator<AssetRow>)
        yield rowToAsset(r)
    },
    *findings() {
      for (const r of db.prepare(findingSql).iterate() as IterableIterator<FindingRow>)
        yield rowToFinding(r)
    },
    *skipped() {
      const rows = db
        .prepare(`SELECT path, reason, code, message FROM skipped WHERE scan_id = ? ORDER BY rowid`)
        .iterate(scan.id) as IterableIterator<{
        path: string
        reason: SkipReason
        code: string | null
        message: string
      }>
      for (const r of rows)
        yield {
          path: r.path,
          reason: r.reason,
          code: r.code ?? undefined,
          message: r.message,
        } satisfies SkippedEntry
    },
  }
}

export function rowToAsset(r: AssetRow): Asset {
  const a: Record<string, unknown> = { id: r.id, kind: r.kind, path: r.path }
  if (r.name !== null) a.name = r.name
  if (r.version !== null) a.version = r.version
  if (r.format !== null) a.format = r.format
  if (r.sha256 !== null) a.sha256 = r.sha256
  if (r.size_bytes !== null) a.sizeBytes = r.size_bytes
  if (r.source !== null) a.source = r.source
  if (r.verdict !== null) a.verdict = r.verdict
  a.details = JSON.parse(r.details) as Details
  a.links = JSON.parse(r.links) as unknown[]
  if (r.status === 'gone')
    a.details = { ...(a.details as Details), status: 'gone', goneSince: r.gone_since }
  return a as Asset
}

export function rowToFinding(r: FindingRow): Finding {
  const f: Record<string, unknown> = {
    id: r.id,
    ruleId: r.rule_id,
    severity: r.severity,
    title: r.title,
    message: r.message,
    path: r.path,
  }
  if (r.line !== null) f.line = r.line
  if (r.asset_id !== null) f.assetId = r.asset_id
  if (r.member !== null) f.member = r.member
  if (r.offset !== null) f.offset = r.offset
  if (r.callable !== null) f.callable = r.callable
  return f as Finding
}
