import type { Db } from '../storage/db'
import type { AssetRow as AssetTableRow } from '../storage/inventory-reader'
import { SEVERITY_RANK } from '../storage/migrations/0055-query-indexes'
import type { AssetKind, AssetLink, Details, Severity } from '../types'
import type { AssetRef, AssetRow, AssetStatus, FindingRow, FindingStatus } from '../../shared/query'

/** Severity by the rank SEVERITY_RANK gives it. */
const BY_RANK: readonly (Severity | undefined)[] = ['info', 'low', 'medium', 'high', 'critical']

/** Columns of an asset row, with its open findings summed up (findings_by_asset index). */
export const ASSET_COLUMNS = `assets.id, assets.kind, assets.path, assets.name, assets.version,
  assets.format, assets.sha256, assets.size_bytes, assets.source, assets.verdict, assets.details,
  assets.links, assets.status, assets.first_seen_scan, assets.last_seen_scan, assets.gone_since,
  (SELECT count(*) FROM findings o WHERE o.asset_id = assets.id AND o.status = 'open') AS open_findings,
  (SELECT max(${SEVERITY_RANK.replaceAll('severity', 'o.severity')}) FROM findings o
     WHERE o.asset_id = assets.id AND o.status = 'open') AS max_rank`

/** An assets table row (the inventory reader's columns), with the query's own. */
export type AssetDbRow = AssetTableRow & {
  first_seen_scan: string
  last_seen_scan: string
  open_findings: number
  max_rank: number | null
}

function json<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

export function toAssetRow(r: AssetDbRow): AssetRow {
  const maxSeverity = r.max_rank === null ? undefined : BY_RANK[r.max_rank]
  return {
    id: r.id,
    kind: r.kind,
    path: r.path,
    ...(r.name !== null ? { name: r.name } : {}),
    ...(r.version !== null ? { version: r.version } : {}),
    ...(r.format !== null ? { format: r.format } : {}),
    ...(r.sha256 !== null ? { sha256: r.sha256 } : {}),
    ...(r.size_bytes !== null ? { sizeBytes: r.size_bytes } : {}),
    ...(r.source !== null ? { source: r.source } : {}),
    ...(r.verdict !== null ? { verdict: r.verdict } : {}),
    details: json<Details>(r.details, {}),
    links: json<AssetLink[]>(r.links, []),
    status: r.status,
    firstSeenScan: r.first_seen_scan,
    lastSeenScan: r.last_seen_scan,
    ...(r.gone_since !== null ? { goneSince: r.gone_since } : {}),
    openFindings: r.open_findings,
    ...(maxSeverity ? { maxSeverity } : {}),
  }
}

/** Columns of a finding row with a reference to its asset (`ref_*`, from a LEFT JOIN on `r`). */
export const FINDING_COLUMNS = `findings.id, findings.rule_id, findings.severity, findings.title,
  findings.message, findings.path, findings.line, findings.asset_id, findings.member,
  findings.offset, findings.callable, findings.status, findings.first_seen_scan,
  findings.last_seen_scan, r.kind AS ref_kind, r.name AS ref_name, r.path AS ref_path,
  r.status AS ref_status`

/** FROM clause for FINDING_COLUMNS. */
export const FINDINGS_FROM = `findings LEFT JOIN assets r ON r.id = findings.asset_id`

/**
 * FINDING_COLUMNS without the join, for pages: SQLite would join every matching row before
 * sorting them; `withAssetRefs` adds the references to the page's rows only.
 */
export const FINDING_PAGE_COLUMNS = FINDING_COLUMNS.replace(
  /r\.kind AS ref_kind.*$/s,
  'NULL AS ref_kind, NULL AS ref_name, NULL AS ref_path, NULL AS ref_status',
)

export type FindingDbRow = {
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
  status: FindingStatus
  first_seen_scan: string
  last_seen_scan: string
  ref_kind: AssetKind | null
  ref_name: string | null
  ref_path: string | null
  ref_status: AssetStatus | null
}

export function toFindingRow(r: FindingDbRow): FindingRow {
  return {
    id: r.id,
    ruleId: r.rule_id,
    severity: r.severity,
    title: r.title,
    message: r.message,
    path: r.path,
    ...(r.line !== null ? { line: r.line } : {}),
    ...(r.asset_id !== null ? { assetId: r.asset_id } : {}),
    ...(r.member !== null ? { member: r.member } : {}),
    ...(r.offset !== null ? { offset: r.offset } : {}),
    ...(r.callable !== null ? { callable: r.callable } : {}),
    status: r.status,
    firstSeenScan: r.first_seen_scan,
    lastSeenScan: r.last_seen_scan,
    ...(r.asset_id !== null && r.ref_kind !== null && r.ref_path !== null && r.ref_status !== null
      ? {
          asset: {
            id: r.asset_id,
            kind: r.ref_kind,
            path: r.ref_path,
            status: r.ref_status,
            ...(r.ref_name !== null ? { name: r.ref_name } : {}),
          },
        }
      : {}),
  }
}

export const REF_COLUMNS = `id, kind, name, path, status`

export function toAssetRef(r: {
  id: string
  kind: AssetKind
  name: string | null
  path: string
  status: AssetStatus
}): AssetRef {
  return {
    id: r.id,
    kind: r.kind,
    path: r.path,
    status: r.status,
    ...(r.name !== null ? { name: r.name } : {}),
  }
}

/** The finding rows with a reference to their asset, looked up by id. */
export function withAssetRefs(db: Db, rows: readonly FindingRow[]): FindingRow[] {
  const get = db.prepare(`SELECT ${REF_COLUMNS} FROM assets WHERE id = ?`)
  return rows.map((f) => {
    if (f.assetId === undefined) return f
    const r = get.get(f.assetId) as Parameters<typeof toAssetRef>[0] | undefined
    return r ? { ...f, asset: toAssetRef(r) } : f
  })
}

/** When each scan named started, looked up once each (a page names few scans). */
function scanStarts(db: Db, ids: Iterable<string>): Map<string, string> {
  const get = db.prepare(`SELECT started_at FROM scans WHERE id = ?`).pluck()
  const out = new Map<string, string>()
  for (const id of ids) {
    if (out.has(id)) continue
    const t = get.get(id) as string | undefined
    if (t !== undefined) out.set(id, t)
  }
  return out
}

/** The asset rows with when the scans that first and last saw them started. */
export function withAssetTimes(db: Db, rows: readonly AssetRow[]): AssetRow[] {
  const at = scanStarts(
    db,
    rows.flatMap((r) => [r.firstSeenScan, r.lastSeenScan]),
  )
  return rows.map((r) => {
    const first = at.get(r.firstSeenScan)
    const last = at.get(r.lastSeenScan)
    return { ...r, ...(first ? { firstSeenAt: first } : {}), ...(last ? { lastSeenAt: last } : {}) }
  })
}

/** The finding rows with when the scan that first saw them started. */
export function withFindingTimes(db: Db, rows: readonly FindingRow[]): FindingRow[] {
  const at = scanStarts(
    db,
    rows.map((r) => r.firstSeenScan),
  )
  return rows.map((r) => {
    const first = at.get(r.firstSeenScan)
    return first ? { ...r, firstSeenAt: first } : r
  })
}
