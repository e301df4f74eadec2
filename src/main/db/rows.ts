import type { AssetKind, Details, Severity, Verdict } from '../../core'
import type { AcceptedRiskDto, AssetRow, FindingRow, FindingState } from '../../shared/ipc'
import { INVENTORY_TABS } from '../../shared/inventory-tabs'
import type { FactColumn } from '../../shared/inventory-tabs'

/** Row shapes as SQLite returns them (the queries select these columns). */
export type AssetDbRow = {
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
  status: 'present' | 'gone'
  first_seen_at: string | null
  open_findings?: number | null
  worst_rank?: number | null
}

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
  status: 'open' | 'resolved'
  first_seen_at: string | null
  asset_kind: AssetKind | null
  asset_name: string | null
  ar_note: string | null
  ar_by: string | null
  ar_at: string | null
  ar_expires: string | null
  /** 'local' or 'server' (the accepted_risks view, inventory migration 0085). */
  ar_source?: 'local' | 'server' | null
}

const SEV_BY_RANK: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical']

const FACTS_BY_KIND = new Map<AssetKind, readonly FactColumn[]>(
  INVENTORY_TABS.flatMap((t) => t.kinds.map((k) => [k, t.facts] as const)),
)

/** A detail value as a table cell: scalars as they are, lists joined, objects left out. */
function cell(v: unknown, col: FactColumn): string | number | boolean | undefined {
  if (v === null || v === undefined || v === '') return undefined
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v
  if (Array.isArray(v)) {
    const items = v.filter((x) => typeof x === 'string' || typeof x === 'number')
    return items.length ? (col.format === 'count' ? items.length : items.join(', ')) : undefined
  }
  return undefined
}

export function parseDetails(json: string): Details {
  try {
    const d = JSON.parse(json) as unknown
    return d && typeof d === 'object' && !Array.isArray(d) ? (d as Details) : {}
  } catch {
    return {}
  }
}

/** An asset as a table row: common columns plus the facts its tab shows (bounded strings). */
export function toAssetRow(r: AssetDbRow, details = parseDetails(r.details)): AssetRow {
  const facts: Record<string, string | number | boolean> = {}
  for (const col of FACTS_BY_KIND.get(r.kind) ?? []) {
    for (const key of col.from) {
      const v = cell(details[key], col)
      if (v !== undefined) {
        facts[col.id] = typeof v === 'string' ? v.slice(0, 500) : v
        break
      }
    }
  }
  const worst = r.worst_rank ?? undefined
  return {
    id: r.id,
    kind: r.kind,
    name: r.name ?? basename(r.path),
    path: r.path,
    ...(r.version !== null ? { version: r.version } : {}),
    ...(r.format !== null ? { format: r.format } : {}),
    ...(r.size_bytes !== null ? { sizeBytes: r.size_bytes } : {}),
    ...(r.source !== null ? { source: r.source } : {}),
    ...(r.verdict !== null ? { verdict: r.verdict } : {}),
    ...(r.sha256 !== null ? { sha256: r.sha256 } : {}),
    openFindings: r.open_findings ?? 0,
    ...(worst !== undefined && worst !== null ? { worstSeverity: SEV_BY_RANK[worst] } : {}),
    status: r.status,
    ...(r.first_seen_at ? { firstSeenAt: r.first_seen_at } : {}),
    facts,
  }
}

export function acceptedDto(
  r: Pick<FindingDbRow, 'id' | 'ar_note' | 'ar_by' | 'ar_at' | 'ar_expires' | 'ar_source'>,
  now: Date,
): AcceptedRiskDto | undefined {
  if (r.ar_note === null || r.ar_by === null || r.ar_at === null) return undefined
  return {
    findingId: r.id,
    note: r.ar_note,
    acceptedBy: r.ar_by,
    acceptedAt: r.ar_at,
    ...(r.ar_expires !== null ? { expiresAt: r.ar_expires } : {}),
    expired: r.ar_expires !== null && Date.parse(r.ar_expires) <= now.getTime(),
    ...(r.ar_source ? { source: r.ar_source } : {}),
  }
}

export function toFindingRow(r: FindingDbRow, now: Date): FindingRow {
  const acc = acceptedDto(r, now)
  const state: FindingState =
    r.status === 'resolved' ? 'resolved' : acc && !acc.expired ? 'accepted' : 'open'
  return {
    id: r.id,
    ruleId: r.rule_id,
    severity: r.severity,
    title: r.title,
    message: r.message,
    path: r.path,
    ...(r.line !== null ? { line: r.line } : {}),
    ...(r.member !== null ? { member: r.member } : {}),
    ...(r.offset !== null ? { offset: r.offset } : {}),
    ...(r.callable !== null ? { callable: r.callable } : {}),
    ...(r.asset_id !== null ? { assetId: r.asset_id } : {}),
    ...(r.asset_kind !== null ? { assetKind: r.asset_kind } : {}),
    ...(r.asset_name !== null ? { assetName: r.asset_name } : {}),
    state,
    ...(acc ? { accepted: acc } : {}),
    ...(r.first_seen_at ? { firstSeenAt: r.first_seen_at } : {}),
  }
}

function basename(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean)
  return parts[parts.length - 1] ?? p
}
