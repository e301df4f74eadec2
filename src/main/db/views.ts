import type {
  AssetKind,
  AssetQuery as CoreAssetQuery,
  AssetRow as CoreAssetRow,
  FindingFilter as CoreFindingFilter,
  FindingRow as CoreFindingRow,
  Db,
  Details,
  LinkedAsset as CoreLinked,
  ScanRecord,
  Severity,
} from '../../core'
import {
  QueryError,
  SEVERITIES,
  assetDetail,
  countAssets,
  findingDetail,
  findingGroups as coreFindingGroups,
  overview as coreOverview,
  queryAssets,
  queryFindings,
  scanHistory,
} from '../../core'
import type {
  AssetDetail,
  AssetPage,
  AssetQuery,
  AssetRow,
  FindingDetail,
  FindingFilter,
  FindingGroups,
  FindingPage,
  FindingQuery,
  FindingRow,
  LinkedAsset,
  Overview,
  ScanSummaryDto,
} from '../../shared/ipc'
import { INVENTORY_TABS } from '../../shared/inventory-tabs'
import type { FactColumn } from '../../shared/inventory-tabs'
import { invalid, notFound } from '../errors'

/**
 * The screens' reads: core's query layer (src/core/query) run in the query worker, its rows
 * mapped to the IPC contract's shapes (a table row's display name and tab facts, a finding's
 * state). No SQL here: a filter, sort or count a screen needs belongs in core.
 */

/** Core refuses a forged cursor or a bad sort with a QueryError: an invalid argument here. */
function asked<T>(read: () => T): T {
  try {
    return read()
  } catch (e) {
    if (e instanceof QueryError)
      throw invalid(`${e.message}: the page cursor belongs to another list; start from the top`)
    throw e
  }
}

// ---------------------------------------------------------------------------------------------
// Assets

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

function basename(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean)
  return parts[parts.length - 1] ?? p
}

/** An asset as a table row: common columns plus the facts its tab shows (bounded strings). */
function toAssetRow(r: CoreAssetRow): AssetRow {
  const facts: Record<string, string | number | boolean> = {}
  for (const col of FACTS_BY_KIND.get(r.kind) ?? []) {
    for (const key of col.from) {
      const v = cell(r.details[key], col)
      if (v !== undefined) {
        facts[col.id] = typeof v === 'string' ? v.slice(0, 500) : v
        break
      }
    }
  }
  return {
    id: r.id,
    kind: r.kind,
    name: r.name ?? basename(r.path),
    path: r.path,
    ...(r.version !== undefined ? { version: r.version } : {}),
    ...(r.format !== undefined ? { format: r.format } : {}),
    ...(r.sizeBytes !== undefined ? { sizeBytes: r.sizeBytes } : {}),
    ...(r.source !== undefined ? { source: r.source } : {}),
    ...(r.verdict !== undefined ? { verdict: r.verdict } : {}),
    ...(r.sha256 !== undefined ? { sha256: r.sha256 } : {}),
    openFindings: r.openFindings,
    ...(r.maxSeverity !== undefined ? { worstSeverity: r.maxSeverity } : {}),
    status: r.status,
    ...(r.firstSeenAt !== undefined ? { firstSeenAt: r.firstSeenAt } : {}),
    facts,
  }
}

function withDetails(r: CoreAssetRow): AssetRow & Readonly<{ details: Details }> {
  return { ...toAssetRow(r), details: r.details }
}

function assetFilter(q: AssetQuery): CoreAssetQuery {
  const status = q.status ?? 'present'
  return {
    ...(q.kinds ? { kinds: q.kinds } : {}),
    ...(q.text ? { text: q.text } : {}),
    ...(q.verdict ? { verdicts: [q.verdict] } : {}),
    ...(q.minSeverity ? { minSeverity: q.minSeverity } : {}),
    statuses: status === 'all' ? ['present', 'gone'] : [status],
  }
}

/**
 * The IPC cursor is core's cursor with the row number the next page starts at and the list's
 * total (`start.total.cursor`): a page knows its place in the list (the table's row numbers)
 * while core pages by key, and the next page need not count the list again. The renderer
 * starts over when the inventory changes.
 */
function splitCursor(cursor: string): { start: number; total: number; cursor: string } {
  const m = /^(\d{1,9})\.(\d{1,9})\.(.+)$/s.exec(cursor)
  if (!m) throw invalid('the page cursor is not one this app handed out')
  return { start: Number(m[1]), total: Number(m[2]), cursor: m[3]! }
}

export function listAssets(db: Db, q: AssetQuery, now: Date): AssetPage {
  const filter = assetFilter(q)
  return asked(() => {
    const from = q.cursor ? splitCursor(q.cursor) : undefined
    const total = from?.total ?? countAssets(db, filter, { now })
    const start = from?.start ?? Math.min(q.at ?? 0, Math.max(0, total - 1))
    const page = queryAssets(
      db,
      {
        ...filter,
        ...(q.sort ? { sort: { key: q.sort.key, direction: q.sort.dir } } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(from ? { cursor: from.cursor } : { offset: start }),
      },
      { now },
    )
    const next = start + page.items.length
    return {
      rows: page.items.map(toAssetRow),
      start,
      total,
      ...(page.nextCursor && next < total
        ? { nextCursor: `${next}.${total}.${page.nextCursor}` }
        : {}),
    }
  })
}

function toLinked(l: CoreLinked): LinkedAsset {
  return {
    relation: l.relation,
    direction: l.direction,
    id: l.id,
    ...(l.asset
      ? {
          asset: {
            id: l.asset.id,
            kind: l.asset.kind,
            name: l.asset.name ?? basename(l.asset.path),
            path: l.asset.path,
            status: l.asset.status,
          },
        }
      : {}),
  }
}

export function getAsset(db: Db, id: string, now: Date): AssetDetail {
  const d = assetDetail(db, id, { now })
  if (!d) throw notFound(`No asset with id ${id} in the inventory (it may have been cleared).`)
  return {
    asset: withDetails(d.asset),
    findings: d.findings.map(toFindingRow),
    links: d.links.map(toLinked),
    ...(d.asset.lastSeenAt ? { lastSeenAt: d.asset.lastSeenAt } : {}),
    ...(d.asset.goneSince ? { goneSince: d.asset.goneSince } : {}),
  }
}

/** The asset with its details (the model report shows them). */
export function assetWithDetails(
  db: Db,
  id: string,
  now: Date,
): AssetRow & Readonly<{ details: Details }> {
  const d = assetDetail(db, id, { now })
  if (!d) throw notFound(`No asset with id ${id} in the inventory (it may have been cleared).`)
  return withDetails(d.asset)
}

// ---------------------------------------------------------------------------------------------
// Findings

function toFindingRow(r: CoreFindingRow): FindingRow {
  const a = r.acceptance
  return {
    id: r.id,
    ruleId: r.ruleId,
    severity: r.severity,
    title: r.title,
    message: r.message,
    path: r.path,
    ...(r.line !== undefined ? { line: r.line } : {}),
    ...(r.member !== undefined ? { member: r.member } : {}),
    ...(r.offset !== undefined ? { offset: r.offset } : {}),
    ...(r.callable !== undefined ? { callable: r.callable } : {}),
    ...(r.assetId !== undefined ? { assetId: r.assetId } : {}),
    ...(r.asset ? { assetKind: r.asset.kind, assetName: r.asset.name ?? r.asset.path } : {}),
    state: r.status === 'resolved' ? 'resolved' : a && !a.expired ? 'accepted' : 'open',
    ...(a ? { accepted: a } : {}),
    ...(r.firstSeenAt !== undefined ? { firstSeenAt: r.firstSeenAt } : {}),
  }
}

/** The screen's finding states as core's filter: accepted findings are open ones under a risk. */
function findingFilter(f: FindingFilter): CoreFindingFilter {
  const state = f.state ?? 'open'
  const by: CoreFindingFilter =
    state === 'open'
      ? { statuses: ['open'], accepted: false }
      : state === 'accepted'
        ? { statuses: ['open'], accepted: true }
        : state === 'resolved'
          ? { statuses: ['resolved'] }
          : { statuses: ['open', 'resolved'] }
  return {
    ...by,
    ...(f.severities ? { severities: f.severities } : {}),
    ...(f.ruleId ? { ruleIds: [f.ruleId] } : {}),
    ...(f.assetId ? { assetId: f.assetId } : {}),
    ...(f.text ? { text: f.text } : {}),
  }
}

export function findingGroups(db: Db, f: FindingFilter, now: Date): FindingGroups {
  return asked(() => coreFindingGroups(db, findingFilter(f), { now }))
}

export function listFindings(db: Db, q: FindingQuery, now: Date): FindingPage {
  const page = asked(() =>
    queryFindings(
      db,
      {
        ...findingFilter(q.filter),
        // One rule's group lists by place; any other list worst first.
        sort: { key: q.filter.ruleId ? 'path' : 'severity' },
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      },
      { now },
    ),
  )
  return {
    rows: page.items.map(toFindingRow),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  }
}

export function getFinding(db: Db, id: string, now: Date): FindingDetail {
  const d = findingDetail(db, id, { now })
  if (!d) throw notFound(`No finding with id ${id} in the inventory (it may have been cleared).`)
  const f = d.finding
  return {
    finding: toFindingRow(f),
    rule: d.rule
      ? {
          id: d.rule.id,
          title: d.rule.title,
          severity: d.rule.severity,
          why: d.rule.why,
          fix: d.rule.fix,
          cwe: d.rule.cwe ?? [],
          advisories: d.rule.advisories ?? [],
          known: true,
        }
      : {
          id: f.ruleId,
          title: f.title,
          severity: f.severity,
          why: 'This version of AI Scout has no description of the rule that raised this finding.',
          fix: 'Review the file at the reported location and remove it if you do not trust where it came from.',
          cwe: [],
          advisories: [],
          known: false,
        },
    ...(d.asset ? { asset: toAssetRow(d.asset) } : {}),
    ...(f.acceptance ? { acceptance: f.acceptance } : {}),
  }
}

// ---------------------------------------------------------------------------------------------
// Overview and history

function toScanSummary(s: ScanRecord): ScanSummaryDto {
  const duration = (s.stats as { durationMs?: unknown } | undefined)?.durationMs
  return {
    id: s.id,
    status: s.status,
    startedAt: s.startedAt,
    ...(s.finishedAt ? { finishedAt: s.finishedAt } : {}),
    ...(typeof duration === 'number' ? { durationMs: duration, stats: s.stats } : {}),
    roots: s.roots,
    ...(s.error ? { error: s.error } : {}),
  }
}

export function listScans(db: Db, limit: number): ScanSummaryDto[] {
  return scanHistory(db, { limit }).items.map(toScanSummary)
}

/** Open findings (accepted ones left out) for every severity, 0 where there are none. */
function bySeverity(counts: Readonly<Partial<Record<Severity, number>>>): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, counts[s] ?? 0])) as Record<Severity, number>
}

export function overview(db: Db, now: Date): Omit<Overview, 'changeSeq'> {
  const o = coreOverview(db, { now, topFindings: 5 })
  return {
    ...(o.lastScan ? { lastScan: toScanSummary(o.lastScan) } : {}),
    ...(o.lastAttempt ? { lastAttempt: toScanSummary(o.lastAttempt) } : {}),
    totalAssets: o.totalAssets,
    assetsByKind: o.assetsByKind,
    openBySeverity: bySeverity(o.openFindingsBySeverity),
    accepted: o.acceptedFindings,
    models: {
      count: o.assetsByKind.model ?? 0,
      // Copies of the same weights (same SHA-256) take their space once.
      bytes: o.modelStorageBytes,
      malicious: o.riskyModels.malicious,
      suspicious: o.riskyModels.suspicious,
    },
    top: o.topFindings.map(toFindingRow),
  }
}

/** Open findings by severity and the last scan time, for the status line. */
export function statusCounts(
  db: Db,
  now: Date,
): { openBySeverity: Record<Severity, number>; lastScanAt?: string } {
  const o = coreOverview(db, { now, topFindings: 0 })
  return {
    openBySeverity: bySeverity(o.openFindingsBySeverity),
    ...(o.lastScan?.finishedAt ? { lastScanAt: o.lastScan.finishedAt } : {}),
  }
}
