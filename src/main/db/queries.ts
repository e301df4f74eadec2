import type { Db, Severity } from '../../core'
import { acceptedSql, findRule } from '../../core'
import type {
  AssetDetail,
  AssetPage,
  AssetQuery,
  FindingDetail,
  FindingFilter,
  FindingGroups,
  FindingPage,
  FindingQuery,
  LinkedAsset,
  Overview,
  ScanSummaryDto,
} from '../../shared/ipc'
import { notFound, invalid } from '../errors'
import type { AssetDbRow, FindingDbRow } from './rows'
import { acceptedDto, parseDetails, toAssetRow, toFindingRow } from './rows'

/**
 * The inventory queries the screens need, run in the query worker (never on Electron's main
 * thread). Keyset-paged: a page continues after the sort key of the previous page's last row,
 * so page 500 costs what page 1 costs; `at` jumps to a row number (a drag of the scrollbar) and
 * paging continues by key from there. Sorting and filtering happen in SQL; the renderer gets
 * one page of display rows at a time.
 */

const SEV_RANK_SQL = (col: string): string =>
  `CASE ${col} WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END`
const SEV_RANK: Readonly<Record<Severity, number>> = {
  info: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
}

/** True when finding `f` is covered by an acceptance in force at @now. */
const ACCEPTED = acceptedSql('f')
const OPEN = `(f.status = 'open' AND NOT ${ACCEPTED})`

const DEFAULT_LIMIT = 100

// ---------------------------------------------------------------------------------------------
// Cursors: opaque to the page, checked here (a forged cursor is an invalid argument, not SQL).

type CursorBody = { s: string; v: (string | number | null)[] }

function encodeCursor(sortSig: string, values: (string | number | null)[]): string {
  return Buffer.from(JSON.stringify({ s: sortSig, v: values } satisfies CursorBody)).toString(
    'base64url',
  )
}

function decodeCursor(cursor: string, sortSig: string, arity: number): (string | number | null)[] {
  let body: CursorBody
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorBody
  } catch {
    throw invalid('the page cursor is not one this app handed out')
  }
  if (
    !body ||
    body.s !== sortSig ||
    !Array.isArray(body.v) ||
    body.v.length !== arity ||
    !body.v.every((x) => x === null || typeof x === 'string' || typeof x === 'number')
  )
    throw invalid('the page cursor belongs to another sort or filter; start from the top')
  return body.v
}

// ---------------------------------------------------------------------------------------------
// Assets

const ASSET_SORT: Readonly<Record<NonNullable<AssetQuery['sort']>['key'], string>> = {
  name: `lower(coalesce(a.name, a.path))`,
  path: `a.path`,
  kind: `a.kind`,
  format: `coalesce(a.format, '')`,
  size: `coalesce(a.size_bytes, -1)`,
  source: `coalesce(a.source, '')`,
  verdict: `CASE a.verdict WHEN 'malicious' THEN 3 WHEN 'suspicious' THEN 2 WHEN 'invalid' THEN 1 WHEN 'safe' THEN 0 ELSE -1 END`,
  findings: `(SELECT count(*) FROM findings f WHERE f.asset_id = a.id AND ${OPEN})`,
  firstSeen: `coalesce((SELECT s.started_at FROM scans s WHERE s.id = a.first_seen_scan), '')`,
}

/** `%text%` for LIKE, with the wildcards in the user's text taken literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

function assetWhere(q: AssetQuery, params: Record<string, unknown>): string {
  const where: string[] = []
  const status = q.status ?? 'present'
  if (status !== 'all') {
    where.push(`a.status = @status`)
    params.status = status
  }
  if (q.kinds) {
    where.push(`a.kind IN (${q.kinds.map((_, i) => `@k${i}`).join(', ')})`)
    q.kinds.forEach((k, i) => (params[`k${i}`] = k))
  }
  if (q.verdict) {
    where.push(`a.verdict = @verdict`)
    params.verdict = q.verdict
  }
  if (q.minSeverity) {
    where.push(
      `EXISTS (SELECT 1 FROM findings f WHERE f.asset_id = a.id AND ${OPEN} AND ${SEV_RANK_SQL('f.severity')} >= @minRank)`,
    )
    params.minRank = SEV_RANK[q.minSeverity]
  }
  const text = q.text?.trim()
  if (text) {
    // Name, path and source by substring; a SHA-256 or a key fingerprint by prefix.
    where.push(
      `(a.name LIKE @like ESCAPE '\\' OR a.path LIKE @like ESCAPE '\\' OR a.source LIKE @like ESCAPE '\\'` +
        ` OR a.sha256 LIKE @prefix ESCAPE '\\' OR json_extract(a.details, '$.fingerprint') LIKE @prefix ESCAPE '\\')`,
    )
    params.like = likePattern(text)
    params.prefix = `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  }
  return where.length ? `WHERE ${where.join(' AND ')}` : ''
}

const ASSET_COLUMNS = `a.id, a.kind, a.path, a.name, a.version, a.format, a.sha256, a.size_bytes, a.source,
  a.verdict, a.details, a.status,
  (SELECT s.started_at FROM scans s WHERE s.id = a.first_seen_scan) AS first_seen_at`

export function listAssets(db: Db, q: AssetQuery, now: Date): AssetPage {
  const params: Record<string, unknown> = { now: now.toISOString() }
  const where = assetWhere(q, params)
  const sortKey = q.sort?.key ?? 'name'
  const desc = q.sort?.dir === 'desc'
  const expr = ASSET_SORT[sortKey]
  const sig = `${sortKey}:${desc ? 'd' : 'a'}:${where}:${JSON.stringify(params, (k, v) => (k === 'now' ? undefined : v))}`
  const limit = q.limit ?? DEFAULT_LIMIT
  const total = (
    db.prepare(`SELECT count(*) AS n FROM assets a ${where}`).get(params) as { n: number }
  ).n
  const order = `ORDER BY sk ${desc ? 'DESC' : 'ASC'}, a.id ${desc ? 'DESC' : 'ASC'}`
  let rows: (AssetDbRow & { sk: string | number })[]
  let start = 0
  if (q.cursor) {
    const [v, id, at] = decodeCursor(q.cursor, sig, 3)
    params.cv = v
    params.cid = id
    const cmp = desc ? '<' : '>'
    rows = db
      .prepare(
        `SELECT * FROM (SELECT ${ASSET_COLUMNS}, ${expr} AS sk FROM assets a ${where}) a
         WHERE (sk, a.id) ${cmp} (@cv, @cid) ${order} LIMIT ${limit}`,
      )
      .all(params) as typeof rows
    start = typeof at === 'number' ? at : 0
  } else {
    start = Math.min(q.at ?? 0, Math.max(0, total - 1))
    rows = db
      .prepare(
        `SELECT ${ASSET_COLUMNS}, ${expr} AS sk FROM assets a ${where} ${order} LIMIT ${limit} OFFSET ${start}`,
      )
      .all(params) as typeof rows
  }
  withFindingCounts(db, rows, now)
  const last = rows[rows.length - 1]
  const next = start + rows.length
  return {
    rows: rows.map((r) => toAssetRow(r)),
    start,
    total,
    ...(last && next < total ? { nextCursor: encodeCursor(sig, [last.sk, last.id, next]) } : {}),
  }
}

/** Open (not accepted) finding count and worst severity for each row of a page. */
function withFindingCounts(db: Db, rows: AssetDbRow[], now: Date): void {
  if (!rows.length) return
  const ids = rows.map((r) => r.id)
  const params: Record<string, unknown> = { now: now.toISOString() }
  ids.forEach((id, i) => (params[`i${i}`] = id))
  const counts = db
    .prepare(
      `SELECT f.asset_id AS id, count(*) AS n, max(${SEV_RANK_SQL('f.severity')}) AS worst FROM findings f
       WHERE f.asset_id IN (${ids.map((_, i) => `@i${i}`).join(', ')}) AND ${OPEN} GROUP BY f.asset_id`,
    )
    .all(params) as { id: string; n: number; worst: number }[]
  const by = new Map(counts.map((c) => [c.id, c]))
  for (const r of rows) {
    const c = by.get(r.id)
    r.open_findings = c?.n ?? 0
    r.worst_rank = c?.worst ?? null
  }
}

function assetById(db: Db, id: string): AssetDbRow | undefined {
  return db.prepare(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.id = ?`).get(id) as
    AssetDbRow | undefined
}

export function getAsset(db: Db, id: string, now: Date): AssetDetail {
  const r = db
    .prepare(
      `SELECT ${ASSET_COLUMNS}, a.links,
        (SELECT s.started_at FROM scans s WHERE s.id = a.last_seen_scan) AS last_seen_at, a.gone_since
       FROM assets a WHERE a.id = ?`,
    )
    .get(id) as
    | (AssetDbRow & { links: string; last_seen_at: string | null; gone_since: string | null })
    | undefined
  if (!r) throw notFound(`No asset with id ${id} in the inventory (it may have been cleared).`)
  const findings = findingRows(db, { filter: { assetId: id, state: 'all' } }, now, 500).rows
  withFindingCounts(db, [r], now)
  const details = parseDetails(r.details)
  return {
    asset: { ...toAssetRow(r, details), details },
    findings,
    links: linksOf(db, r.id, r.links),
    ...(r.last_seen_at ? { lastSeenAt: r.last_seen_at } : {}),
    ...(r.gone_since ? { goneSince: r.gone_since } : {}),
  }
}

const MAX_LINKS = 50

/** Links this asset declares, and links other assets declare to it (a key used by servers). */
function linksOf(db: Db, id: string, linksJson: string): LinkedAsset[] {
  let out: { to: string; relation: string }[] = []
  try {
    const l = JSON.parse(linksJson) as unknown
    if (Array.isArray(l))
      out = l.filter((x) => x && typeof x.to === 'string' && typeof x.relation === 'string')
  } catch {
    // Unreadable links: none shown.
  }
  const result: LinkedAsset[] = []
  const seen = new Set<string>()
  for (const l of out.slice(0, MAX_LINKS)) {
    const key = `out:${l.relation}:${l.to}`
    if (seen.has(key)) continue
    seen.add(key)
    result.push(linked(db, l.to, l.relation, 'out'))
  }
  // Incoming: assets whose links name this id. Bounded; json_each over the candidates only.
  const incoming = db
    .prepare(
      `SELECT a.id, j.value ->> '$.relation' AS relation FROM assets a, json_each(a.links) j
       WHERE a.links LIKE @like AND j.value ->> '$.to' = @id LIMIT ${MAX_LINKS}`,
    )
    .all({ like: `%${id.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, id }) as {
    id: string
    relation: string
  }[]
  for (const l of incoming) {
    const key = `in:${l.relation}:${l.id}`
    if (seen.has(key) || seen.has(`out:${l.relation}:${l.id}`)) continue
    seen.add(key)
    result.push(linked(db, l.id, l.relation, 'in'))
  }
  return result
}

function linked(db: Db, otherId: string, relation: string, direction: 'in' | 'out'): LinkedAsset {
  const o = assetById(db, otherId)
  return {
    relation,
    direction,
    id: otherId,
    ...(o
      ? {
          asset: {
            id: o.id,
            kind: o.kind,
            name: o.name ?? o.path.split(/[\\/]/).pop() ?? o.path,
            path: o.path,
            status: o.status,
          },
        }
      : {}),
  }
}

// ---------------------------------------------------------------------------------------------
// Findings

function findingWhere(filter: FindingFilter, params: Record<string, unknown>): string {
  const where: string[] = []
  switch (filter.state ?? 'open') {
    case 'open':
      where.push(OPEN)
      break
    case 'accepted':
      where.push(`f.status = 'open' AND ${ACCEPTED}`)
      break
    case 'resolved':
      where.push(`f.status = 'resolved'`)
      break
    case 'all':
      break
  }
  if (filter.severities) {
    where.push(`f.severity IN (${filter.severities.map((_, i) => `@s${i}`).join(', ')})`)
    filter.severities.forEach((s, i) => (params[`s${i}`] = s))
  }
  if (filter.ruleId) {
    where.push(`f.rule_id = @rule`)
    params.rule = filter.ruleId
  }
  if (filter.assetId) {
    where.push(`f.asset_id = @asset`)
    params.asset = filter.assetId
  }
  const text = filter.text?.trim()
  if (text) {
    where.push(
      `(f.title LIKE @like ESCAPE '\\' OR f.message LIKE @like ESCAPE '\\' OR f.path LIKE @like ESCAPE '\\' OR f.rule_id LIKE @like ESCAPE '\\' OR f.callable LIKE @like ESCAPE '\\')`,
    )
    params.like = likePattern(text)
  }
  return where.length ? `WHERE ${where.join(' AND ')}` : ''
}

export function findingGroups(db: Db, filter: FindingFilter, now: Date): FindingGroups {
  const params: Record<string, unknown> = { now: now.toISOString() }
  const where = findingWhere(filter, params)
  const groups = db
    .prepare(
      `SELECT f.severity AS severity, f.rule_id AS ruleId, max(f.title) AS title, count(*) AS count
       FROM findings f ${where} GROUP BY f.severity, f.rule_id
       ORDER BY ${SEV_RANK_SQL('f.severity')} DESC, count DESC, f.rule_id LIMIT 1000`,
    )
    .all(params) as { severity: Severity; ruleId: string; title: string; count: number }[]
  return {
    groups: groups.map((g) => ({ ...g, title: findRule(g.ruleId)?.title ?? g.title })),
    total: groups.reduce((n, g) => n + g.count, 0),
  }
}

const FINDING_COLUMNS = `f.id, f.rule_id, f.severity, f.title, f.message, f.path, f.line, f.asset_id, f.member,
  f.offset, f.callable, f.status,
  (SELECT s.started_at FROM scans s WHERE s.id = f.first_seen_scan) AS first_seen_at,
  a.kind AS asset_kind, coalesce(a.name, a.path) AS asset_name,
  ar.note AS ar_note, ar.accepted_by AS ar_by, ar.accepted_at AS ar_at, ar.expires_at AS ar_expires, ar.source AS ar_source`
const FINDING_FROM = `findings f LEFT JOIN assets a ON a.id = f.asset_id LEFT JOIN accepted_risks ar ON ar.finding_id = f.id`

function findingRows(db: Db, q: FindingQuery, now: Date, max: number): FindingPage {
  const params: Record<string, unknown> = { now: now.toISOString() }
  const where = findingWhere(q.filter, params)
  const sig = `f:${where}:${JSON.stringify(params, (k, v) => (k === 'now' ? undefined : v))}`
  const limit = Math.min(q.limit ?? DEFAULT_LIMIT, max)
  // Worst first, then by rule, then by place: (-rank, rule, path, id) ascending.
  const key = `(-${SEV_RANK_SQL('f.severity')}), f.rule_id, f.path, f.id`
  let cursorSql = ''
  if (q.cursor) {
    const v = decodeCursor(q.cursor, sig, 4)
    ;[params.c0, params.c1, params.c2, params.c3] = v
    cursorSql = `${where ? 'AND' : 'WHERE'} (${key}) > (@c0, @c1, @c2, @c3)`
  }
  const rows = db
    .prepare(
      `SELECT ${FINDING_COLUMNS}, -${SEV_RANK_SQL('f.severity')} AS k0 FROM ${FINDING_FROM}
       ${where} ${cursorSql} ORDER BY ${key} LIMIT ${limit + 1}`,
    )
    .all(params) as (FindingDbRow & { k0: number })[]
  const more = rows.length > limit
  const page = more ? rows.slice(0, limit) : rows
  const last = page[page.length - 1]
  return {
    rows: page.map((r) => toFindingRow(r, now)),
    ...(more && last
      ? { nextCursor: encodeCursor(sig, [last.k0, last.rule_id, last.path, last.id]) }
      : {}),
  }
}

export function listFindings(db: Db, q: FindingQuery, now: Date): FindingPage {
  return findingRows(db, q, now, 500)
}

export function getFinding(db: Db, id: string, now: Date): FindingDetail {
  const r = db.prepare(`SELECT ${FINDING_COLUMNS} FROM ${FINDING_FROM} WHERE f.id = ?`).get(id) as
    FindingDbRow | undefined
  if (!r) throw notFound(`No finding with id ${id} in the inventory (it may have been cleared).`)
  const rule = findRule(r.rule_id)
  const asset = r.asset_id ? assetById(db, r.asset_id) : undefined
  if (asset) withFindingCounts(db, [asset], now)
  const acceptance = acceptedDto(r, now)
  return {
    finding: toFindingRow(r, now),
    rule: rule
      ? {
          id: rule.id,
          title: rule.title,
          severity: rule.severity,
          why: rule.why,
          fix: rule.fix,
          cwe: rule.cwe ?? [],
          advisories: rule.advisories ?? [],
          known: true,
        }
      : {
          id: r.rule_id,
          title: r.title,
          severity: r.severity,
          why: 'This version of AI Scout has no description of the rule that raised this finding.',
          fix: 'Review the file at the reported location and remove it if you do not trust where it came from.',
          cwe: [],
          advisories: [],
          known: false,
        },
    ...(asset ? { asset: toAssetRow(asset) } : {}),
    ...(acceptance ? { acceptance } : {}),
  }
}

// ---------------------------------------------------------------------------------------------
// Overview and history

type ScanDbRow = {
  id: string
  status: ScanSummaryDto['status']
  started_at: string
  finished_at: string | null
  roots: string
  stats: string
  error: string | null
}

export function toScanSummary(s: ScanDbRow): ScanSummaryDto {
  let roots: string[] = []
  let stats: ScanSummaryDto['stats']
  try {
    roots = JSON.parse(s.roots) as string[]
  } catch {
    // Unreadable roots: none shown.
  }
  try {
    const st = JSON.parse(s.stats) as Record<string, unknown>
    if (typeof st.durationMs === 'number') stats = st as ScanSummaryDto['stats']
  } catch {
    // Unreadable stats: none shown.
  }
  return {
    id: s.id,
    status: s.status,
    startedAt: s.started_at,
    ...(s.finished_at ? { finishedAt: s.finished_at } : {}),
    ...(stats ? { durationMs: stats.durationMs, stats } : {}),
    roots,
    ...(s.error ? { error: s.error } : {}),
  }
}

const SCAN_COLUMNS = `id, status, started_at, finished_at, roots, stats, error`

export function listScans(db: Db, limit: number): ScanSummaryDto[] {
  return (
    db
      .prepare(`SELECT ${SCAN_COLUMNS} FROM scans ORDER BY started_at DESC, rowid DESC LIMIT ?`)
      .all(limit) as ScanDbRow[]
  ).map(toScanSummary)
}

export function overview(db: Db, now: Date): Omit<Overview, 'changeSeq'> {
  const p = { now: now.toISOString() }
  const last = db
    .prepare(
      `SELECT ${SCAN_COLUMNS} FROM scans WHERE status = 'complete' ORDER BY started_at DESC, rowid DESC LIMIT 1`,
    )
    .get() as ScanDbRow | undefined
  const attempt = db
    .prepare(
      `SELECT ${SCAN_COLUMNS} FROM scans WHERE status IN ('interrupted', 'failed') AND started_at > ?
       ORDER BY started_at DESC, rowid DESC LIMIT 1`,
    )
    .get(last?.started_at ?? '') as ScanDbRow | undefined
  const byKind: Record<string, number> = {}
  let totalAssets = 0
  for (const r of db
    .prepare(`SELECT kind, count(*) AS n FROM assets WHERE status = 'present' GROUP BY kind`)
    .all() as { kind: string; n: number }[]) {
    byKind[r.kind] = r.n
    totalAssets += r.n
  }
  const openBySeverity: Record<Severity, number> = {
    critical: 0,
    high: 0,
    medium: 0,
    low: 0,
    info: 0,
  }
  for (const r of db
    .prepare(
      `SELECT f.severity AS s, count(*) AS n FROM findings f WHERE ${OPEN} GROUP BY f.severity`,
    )
    .all(p) as { s: Severity; n: number }[])
    openBySeverity[r.s] = r.n
  const accepted = (
    db
      .prepare(`SELECT count(*) AS n FROM findings f WHERE f.status = 'open' AND ${ACCEPTED}`)
      .get(p) as { n: number }
  ).n
  const m = db
    .prepare(
      `SELECT count(*) AS n, coalesce(sum(size_bytes), 0) AS bytes,
         sum(verdict = 'malicious') AS malicious, sum(verdict = 'suspicious') AS suspicious
       FROM assets WHERE status = 'present' AND kind = 'model'`,
    )
    .get() as { n: number; bytes: number; malicious: number | null; suspicious: number | null }
  const top = findingRows(
    db,
    { filter: { state: 'open', severities: ['critical', 'high'] }, limit: 5 },
    now,
    5,
  ).rows
  return {
    ...(last ? { lastScan: toScanSummary(last) } : {}),
    ...(attempt ? { lastAttempt: toScanSummary(attempt) } : {}),
    totalAssets,
    assetsByKind: byKind,
    openBySeverity,
    accepted,
    models: {
      count: m.n,
      bytes: m.bytes,
      malicious: m.malicious ?? 0,
      suspicious: m.suspicious ?? 0,
    },
    top,
  }
}

/** Open findings by severity and the last scan time, for the status line. */
export function statusCounts(
  db: Db,
  now: Date,
): { openBySeverity: Record<Severity, number>; lastScanAt?: string } {
  const o = overview(db, now)
  return {
    openBySeverity: { ...o.openBySeverity },
    ...(o.lastScan?.finishedAt ? { lastScanAt: o.lastScan.finishedAt } : {}),
  }
}
