import { sql } from 'kysely'
import type { SqlBool } from 'kysely'
import type {
  AcceptanceSource,
  DashboardAsset,
  DashboardFinding,
  FindingStatusFilter,
  SearchSection,
} from '../../shared/dashboard-api'
import { MAX_ITEM_BYTES } from '../../shared/sync-api'
import { acceptanceAt } from './acceptance'
import { dashboardDb } from './dashboard-schema'
import { CursorError, findHolders, groupHolders, heldAsset } from './fleet'
import type { HolderQuery } from './fleet'
import type { Storage } from './open'

/**
 * Queries the dashboard adds to the fleet API: a device's inventory and findings, the fleet-wide
 * findings list with filters and accepted-risk status, asset counts by kind, and the one-box
 * search. Keyset-paged and bounded like storage/fleet.ts; every input is a bound parameter.
 */

function encode(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url')
}
function decode(s: string, n: number): string[] {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'string')) return v
  } catch {
    // fall through
  }
  throw new CursorError('invalid page cursor')
}

function parse(data: string): Record<string, unknown> {
  try {
    const v = JSON.parse(data) as unknown
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/**
 * An item's stored JSON as read for a page: rows stored before the per-item cap
 * (MAX_ITEM_BYTES) existed may be far larger, and one page of them made a response too large to
 * build (RangeError: Invalid string length). Those come back as null with their length.
 */
function cappedData(column: 'data' | 'f.data') {
  const ref = sql.ref(column)
  return [
    sql<string | null>`case when length(${ref}) <= ${MAX_ITEM_BYTES} then ${ref} end`.as('data'),
    sql<number>`length(${ref})`.as('data_chars'),
  ] as const
}

function pageData(data: string | null, chars: number | string): Record<string, unknown> {
  return data === null ? { truncated: true, chars: Number(chars) } : parse(data)
}

/** The most item JSON one page carries; a page stops early (with `next`) beyond it. */
const PAGE_BUDGET_CHARS = 16 * 1024 * 1024

/** Present assets of a device, by kind then key, optionally of one kind. */
export async function deviceAssets(
  storage: Storage,
  deviceId: string,
  opts: Readonly<{ kind?: string; limit?: number; after?: string }> = {},
): Promise<{ items: DashboardAsset[]; next?: string }> {
  const limit = Math.min(Math.max(opts.limit ?? 200, 1), 500)
  let q = dashboardDb(storage)
    .selectFrom('device_assets')
    .select([
      'asset_key',
      'kind',
      'name',
      'path',
      'sha256',
      'fingerprint',
      'first_seen_at',
      'updated_at',
      ...cappedData('data'),
    ])
    .where('device_id', '=', deviceId)
    .where('status', '=', 'present')
  if (opts.kind) q = q.where('kind', '=', opts.kind)
  if (opts.after) {
    const [kind, key] = decode(opts.after, 2) as [string, string]
    q = q.where((eb) =>
      eb.or([eb('kind', '>', kind), eb.and([eb('kind', '=', kind), eb('asset_key', '>', key)])]),
    )
  }
  const rows = await q
    .orderBy('kind')
    .orderBy('asset_key')
    .limit(limit + 1)
    .execute()
  const page = rows.slice(0, limit)
  // Stop early when the page's JSON grows past the budget (always at least one row).
  let chars = 0
  let cut = false
  for (let i = 0; i < page.length; i++) {
    chars += page[i]!.data?.length ?? 0
    if (chars > PAGE_BUDGET_CHARS && i > 0) {
      page.length = i
      cut = true
      break
    }
  }
  const last = page[page.length - 1]
  return {
    items: page.map((r) => ({
      key: r.asset_key,
      kind: r.kind,
      name: r.name,
      path: r.path,
      sha256: r.sha256,
      fingerprint: r.fingerprint,
      firstSeenAt: r.first_seen_at,
      updatedAt: r.updated_at,
      data: pageData(r.data, r.data_chars),
    })),
    ...((rows.length > limit || cut) && last ? { next: encode([last.kind, last.asset_key]) } : {}),
  }
}

/** Present assets per kind for each of these devices. */
export async function kindCounts(
  storage: Storage,
  deviceIds: readonly string[],
): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {}
  if (deviceIds.length === 0) return out
  const rows = await dashboardDb(storage)
    .selectFrom('device_assets')
    .select(['device_id', 'kind', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('device_id', 'in', [...deviceIds])
    .where('status', '=', 'present')
    .groupBy(['device_id', 'kind'])
    .execute()
  for (const r of rows) (out[r.device_id] ??= {})[r.kind] = Number(r.n)
  return out
}

export type FindingFilter = Readonly<{
  severity?: readonly string[]
  rule?: string
  deviceId?: string
  status?: FindingStatusFilter
  /** Only findings accepted from here (with status `accepted` or `all`). */
  source?: AcceptanceSource
  limit?: number
  after?: string
}>

/**
 * Findings across the fleet (or one device), worst first, with the device's host name and both
 * acceptances of its risk: an admin's (a device-scoped `accepted-risk` config item) and the
 * laptop user's (reported by the device with the finding). Status `open` leaves out accepted
 * ones; `accepted` is open findings with an acceptance that has not expired, from either side
 * (or the one `source` names).
 */
export async function listFindings(
  storage: Storage,
  f: FindingFilter,
  now: Date = new Date(),
): Promise<{ items: DashboardFinding[]; next?: string }> {
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 500)
  const db = dashboardDb(storage)
  let q = db
    .selectFrom('device_findings as f')
    .innerJoin('devices as d', 'd.id', 'f.device_id')
    .leftJoin('config_items as r', (j) =>
      j
        .on('r.scope', '=', 'device')
        .onRef('r.scope_id', '=', 'f.device_id')
        .on('r.kind', '=', 'accepted-risk')
        .onRef('r.item_key', '=', 'f.finding_key'),
    )
    .leftJoin('device_assets as a', (j) =>
      j.onRef('a.device_id', '=', 'f.device_id').onRef('a.asset_key', '=', 'f.asset_key'),
    )
    .select([
      'f.device_id',
      'f.finding_key',
      'f.asset_key',
      'f.rule_id',
      'f.severity',
      'f.severity_rank',
      ...cappedData('f.data'),
      'f.status',
      'f.first_seen_at',
      'f.updated_at',
      'd.hostname',
      'r.value as risk',
      'a.name as asset_name',
      'a.path as asset_path',
    ])
  if (f.severity?.length) q = q.where('f.severity', 'in', [...f.severity])
  if (f.rule) q = q.where('f.rule_id', '=', f.rule)
  if (f.deviceId) q = q.where('f.device_id', '=', f.deviceId)
  const status = f.status ?? 'open'
  if (status === 'resolved') q = q.where('f.status', '=', 'resolved')
  else if (status !== 'all') q = q.where('f.status', '=', 'open')
  if (f.after) {
    const [rank, dev, key] = decode(f.after, 3) as [string, string, string]
    q = q.where(pastFinding(Number(rank), dev, key))
  }
  // Accepted or not is decided after reading (expiry is a JSON field); read ahead to fill a page.
  const items: DashboardFinding[] = []
  let cursor: [number, string, string] | undefined
  let more = true
  let query = q.orderBy('f.severity_rank').orderBy('f.device_id').orderBy('f.finding_key')
  for (let round = 0; round < 10 && items.length < limit && more; round++) {
    const rows = await query.limit(limit * 2 + 1).execute()
    more = rows.length > limit * 2
    for (const row of rows.slice(0, limit * 2)) {
      cursor = [row.severity_rank, row.device_id, row.finding_key]
      const data = pageData(row.data, row.data_chars)
      const acc = acceptanceAt(row.risk, data, now)
      const accepted = row.status === 'open' && acc.source !== null
      if (status === 'open' && accepted) continue
      if (status === 'accepted' && !accepted) continue
      if (f.source !== undefined && (!accepted || acc.source !== f.source)) continue
      items.push({
        deviceId: row.device_id,
        hostname: row.hostname,
        key: row.finding_key,
        assetKey: row.asset_key,
        assetName: row.asset_name,
        assetPath: row.asset_path,
        ruleId: row.rule_id,
        severity: row.severity,
        status: accepted ? 'accepted' : (row.status as 'open' | 'resolved'),
        acceptedRisk: acc.server ?? null,
        deviceAcceptance: acc.device ?? null,
        acceptedSource: accepted ? acc.source : null,
        firstSeenAt: row.first_seen_at,
        updatedAt: row.updated_at,
        title: typeof data.title === 'string' ? data.title : row.rule_id,
        message: typeof data.message === 'string' ? data.message : '',
        path: typeof data.path === 'string' ? data.path : (row.asset_path ?? ''),
        evidence: evidence(data),
      })
      if (items.length === limit) break
    }
    if (items.length < limit && more && cursor) {
      query = query.where(pastFinding(...cursor))
    }
  }
  const last = items[items.length - 1]
  const hasNext = items.length === limit && (more || cursor !== undefined)
  return {
    items,
    ...(hasNext && last
      ? {
          next: encode([String(rankOf(last.severity)), last.deviceId, last.key]),
        }
      : {}),
  }
}

/** Keyset order of the findings list: (severity rank, device, finding key), as a row value. */
function pastFinding(rank: number, deviceId: string, findingKey: string) {
  return sql<SqlBool>`(f.severity_rank, f.device_id, f.finding_key) > (${rank}, ${deviceId}, ${findingKey})`
}

const RANKS: Readonly<Record<string, number>> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 }
function rankOf(s: string): number {
  return RANKS[s] ?? 4
}

/** What was seen, from the finding as the scan wrote it: line, member, offset, callable. */
function evidence(data: Record<string, unknown>): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const k of ['line', 'member', 'offset', 'callable', 'preview']) {
    const v = data[k]
    if (typeof v === 'string' || typeof v === 'number') out[k] = v
  }
  return out
}

export async function findingOf(
  storage: Storage,
  deviceId: string,
  findingKey: string,
): Promise<{ status: string } | undefined> {
  return dashboardDb(storage)
    .selectFrom('device_findings')
    .select(['status'])
    .where('device_id', '=', deviceId)
    .where('finding_key', '=', findingKey)
    .executeTakeFirst()
}

const HEX64 = /^[0-9a-f]{64}$/

/**
 * The one search box: a 64-hex value is looked up as a model digest and a key fingerprint; other
 * text as a model name (substring), a tool, app, extension or model server (exact name), an MCP
 * server (command or URL, substring) and a package (exact name, with its open advisory findings).
 * Sections come back only when they matched.
 */
export async function searchFleet(storage: Storage, raw: string): Promise<SearchSection[]> {
  const text = raw.trim()
  if (!text) return []
  const lower = text.toLowerCase()
  const out: SearchSection[] = []
  const add = async (by: SearchSection['by'], query: HolderQuery) => {
    const r = await findHolders(storage, query, { limit: 500 })
    if (r.devices.length) out.push({ by, devices: r.devices, truncated: r.truncated })
  }
  if (HEX64.test(lower)) {
    await add('sha256', { by: 'sha256', sha256: lower })
    await add('fingerprint', { by: 'fingerprint', fingerprint: lower })
    return out
  }
  const byKind = async (by: SearchSection['by'], kinds: readonly string[], exact: boolean) => {
    const pattern = `%${lower.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    const rows = await dashboardDb(storage)
      .selectFrom('device_assets as a')
      .innerJoin('devices as d', 'd.id', 'a.device_id')
      .innerJoin('teams as t', 't.id', 'd.team_id')
      .select([
        'a.device_id',
        'a.asset_key',
        'a.kind',
        'a.name',
        'a.path',
        'a.updated_at',
        'd.hostname',
        'd.last_seen_at',
        'd.revoked_at',
        't.name as team',
      ])
      .select((eb) =>
        eb
          .selectFrom('device_findings as f')
          .select((e) => e.fn.countAll<number | string>().as('n'))
          .whereRef('f.device_id', '=', 'a.device_id')
          .whereRef('f.asset_key', '=', 'a.asset_key')
          .where('f.status', '=', 'open')
          .as('open_findings'),
      )
      .where('a.kind', 'in', [...kinds])
      .where('a.status', '=', 'present')
      .where((eb) =>
        exact
          ? eb('a.name_key', '=', lower)
          : sql<SqlBool>`${eb.ref('a.name_key')} like ${pattern} escape '\\'`,
      )
      .orderBy('d.hostname')
      .orderBy('a.device_id')
      .orderBy('a.asset_key')
      .limit(501)
      .execute()
    if (!rows.length) return
    out.push({
      by,
      ...groupHolders(rows, 500, (r) => ({
        ...heldAsset(r),
        openFindings: Number(r.open_findings ?? 0),
      })),
    })
  }
  await byKind('model-name', ['model'], false)
  await add('tool', { by: 'tool', name: text })
  await add('mcp-command', { by: 'mcp-command', text })
  await add('mcp-url', { by: 'mcp-url', text })
  await byKind('package', ['package'], true)
  return out
}
