import { sql } from 'kysely'
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely'
import type { DeviceSummary } from '../../shared/dashboard-api'
import { acceptedOpen, perDeviceCounts, subtractAccepted } from './fleet-accepted'
import type { Storage } from './open'
import type { DeviceRow, ServerDb } from './schema'

/**
 * Read-only fleet queries behind `/api/fleet/v1` and the dashboard. Each one is answered from an
 * index (see migrations/0010-initial.ts) and bounded by a limit, so it stays well under a second
 * at 10,000 devices x 500 assets on either engine (bench section "fleet").
 */

export const SEVERITY_KEYS = ['critical', 'high', 'medium', 'low', 'info'] as const
export type SeverityCounts = Record<(typeof SEVERITY_KEYS)[number], number>

/** A device as the fleet API lists it (one shape with the dashboard's, src/shared). */
export type { DeviceSummary }

export type Page<T> = Readonly<{ items: T[]; next?: string }>

export const MAX_PAGE = 500

function emptyCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 }
}

function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url')
}

export class CursorError extends Error {}

function decodeCursor(s: string, n: number): string[] {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'string')) return v
  } catch {
    // fall through
  }
  throw new CursorError('invalid page cursor')
}

/**
 * Devices by hostname, with asset counts and open findings by severity (accepted ones left out),
 * keyset-paged.
 */
export async function listDevices(
  storage: Storage,
  opts: Readonly<{ team?: string; hostnamePrefix?: string; limit?: number; after?: string }> = {},
): Promise<Page<DeviceSummary>> {
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), MAX_PAGE)
  let q = storage.db
    .selectFrom('devices')
    .innerJoin('teams', 'teams.id', 'devices.team_id')
    .selectAll('devices')
    .select('teams.name as team')
  if (opts.team !== undefined) q = q.where('teams.name', '=', opts.team)
  if (opts.hostnamePrefix) {
    // A prefix range instead of LIKE: no wildcard escaping, and it uses the hostname index.
    q = q
      .where('devices.hostname', '>=', opts.hostnamePrefix)
      .where('devices.hostname', '<', `${opts.hostnamePrefix}\uffff`)
  }
  if (opts.after) {
    const [host, id] = decodeCursor(opts.after, 2) as [string, string]
    q = q.where((eb) =>
      eb.or([
        eb('devices.hostname', '>', host),
        eb.and([eb('devices.hostname', '=', host), eb('devices.id', '>', id)]),
      ]),
    )
  }
  const rows = await q
    .orderBy('devices.hostname')
    .orderBy('devices.id')
    .limit(limit + 1)
    .execute()
  const page = rows.slice(0, limit)
  const summaries = await summarize(storage, page)
  const last = page[page.length - 1]
  return {
    items: summaries,
    ...(rows.length > limit && last ? { next: encodeCursor([last.hostname, last.id]) } : {}),
  }
}

export async function deviceSummary(
  storage: Storage,
  id: string,
): Promise<DeviceSummary | undefined> {
  const row = await storage.db
    .selectFrom('devices')
    .innerJoin('teams', 'teams.id', 'devices.team_id')
    .selectAll('devices')
    .select('teams.name as team')
    .where('devices.id', '=', id)
    .executeTakeFirst()
  if (!row) return undefined
  return (await summarize(storage, [row]))[0]
}

async function summarize(
  storage: Storage,
  rows: readonly (DeviceRow & { team: string })[],
  now: Date = new Date(),
): Promise<DeviceSummary[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const findingCounts = await storage.db
    .selectFrom('device_rule_counts')
    .select(['device_id', 'severity', (eb) => eb.fn.sum<number | string>('n').as('n')])
    .where('device_id', 'in', ids)
    .groupBy(['device_id', 'severity'])
    .execute()
  const assetCounts = await storage.db
    .selectFrom('device_assets')
    .select(['device_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('device_id', 'in', ids)
    .where('status', '=', 'present')
    .groupBy('device_id')
    .execute()
  const findings = new Map<string, SeverityCounts>()
  for (const r of findingCounts) {
    const c = findings.get(r.device_id) ?? emptyCounts()
    if (r.severity in c) c[r.severity as keyof SeverityCounts] = Number(r.n)
    findings.set(r.device_id, c)
  }
  for (const a of await acceptedOpen(storage, now, ids)) {
    const c = findings.get(a.device_id)
    const sev = a.severity as keyof SeverityCounts
    if (c && sev in c) c[sev] = Math.max(0, c[sev] - 1)
  }
  const assets = new Map(assetCounts.map((r) => [r.device_id, Number(r.n)]))
  return rows.map((r) => ({
    id: r.id,
    hostname: r.hostname,
    team: r.team,
    platform: r.platform,
    arch: r.arch,
    osRelease: r.os_release,
    user: r.os_user,
    appVersion: r.app_version,
    enrolledAt: r.enrolled_at,
    lastSeenAt: r.last_seen_at,
    lastSnapshotAt: r.last_snapshot_at,
    revokedAt: r.revoked_at,
    cloneOf: r.clone_of,
    cloneReason: r.clone_reason,
    pendingChanges: r.pending_changes,
    assets: assets.get(r.id) ?? 0,
    openFindings: findings.get(r.id) ?? emptyCounts(),
  }))
}

/** What to look for across the fleet. */
export type HolderQuery =
  | Readonly<{ by: 'sha256'; sha256: string }>
  | Readonly<{ by: 'fingerprint'; fingerprint: string }>
  | Readonly<{ by: 'mcp-command'; text: string }>
  | Readonly<{ by: 'mcp-url'; text: string }>
  | Readonly<{ by: 'tool'; name: string }>

export const TOOL_KINDS = ['tool', 'app', 'ide-extension', 'model-server'] as const

export type HeldAsset = Readonly<{
  key: string
  kind: string
  name: string | null
  path: string | null
  updatedAt: string
}>

export type Holder = Readonly<{
  device: Readonly<{
    id: string
    hostname: string
    team: string
    lastSeenAt: string
    revokedAt: string | null
  }>
  assets: HeldAsset[]
}>

export type HoldersResult = Readonly<{ devices: Holder[]; truncated: boolean }>

/** The columns every holders query selects: the device's, then the asset's. */
export type HolderRow = Readonly<{
  device_id: string
  hostname: string
  team: string
  last_seen_at: string
  revoked_at: string | null
  asset_key: string
  kind: string
  name: string | null
  path: string | null
  updated_at: string
}>

export const heldAsset = (r: HolderRow): HeldAsset => ({
  key: r.asset_key,
  kind: r.kind,
  name: r.name,
  path: r.path,
  updatedAt: r.updated_at,
})

/**
 * Rows ordered by device, as devices each with its assets: the first `limit` rows, and whether
 * there were more (the queries ask for one row past the limit).
 */
export function groupHolders<R extends HolderRow, A>(
  rows: readonly R[],
  limit: number,
  asset: (r: R) => A,
): { devices: { device: Holder['device']; assets: A[] }[]; truncated: boolean } {
  const byDevice = new Map<string, { device: Holder['device']; assets: A[] }>()
  for (const r of rows.slice(0, limit)) {
    let h = byDevice.get(r.device_id)
    if (!h) {
      h = {
        device: {
          id: r.device_id,
          hostname: r.hostname,
          team: r.team,
          lastSeenAt: r.last_seen_at,
          revokedAt: r.revoked_at,
        },
        assets: [],
      }
      byDevice.set(r.device_id, h)
    }
    h.assets.push(asset(r))
  }
  return { devices: [...byDevice.values()], truncated: rows.length > limit }
}

/**
 * Case-insensitive substring match on a lower-cased column: LIKE with `%`, `_` and `\` in the
 * text taken literally. The ESCAPE clause is spelled out because SQLite has no default escape
 * character (PostgreSQL's is the same backslash). The text is a bound parameter.
 */
function contains(column: Expression<string | null>, text: string): Expression<SqlBool> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  return sql<SqlBool>`${column} like ${pattern} escape '\\'`
}

/**
 * Which devices hold an asset: a model by SHA-256, a key by fingerprint, an MCP server by command
 * or URL (substring, case-insensitive), a tool, app, IDE extension or model server by name
 * (case-insensitive, exact). Present assets only, grouped by device.
 */
export async function findHolders(
  storage: Storage,
  query: HolderQuery,
  opts: Readonly<{ limit?: number }> = {},
): Promise<HoldersResult> {
  const limit = Math.min(Math.max(opts.limit ?? 1000, 1), 5000)
  const where = (eb: ExpressionBuilder<ServerDb, 'device_assets'>) => {
    switch (query.by) {
      case 'sha256':
        return eb('device_assets.sha256', '=', query.sha256.toLowerCase())
      case 'fingerprint':
        return eb('device_assets.fingerprint', '=', query.fingerprint.toLowerCase())
      case 'mcp-command':
        return eb.and([
          eb('device_assets.kind', '=', 'mcp-server'),
          contains(eb.ref('device_assets.mcp_command'), query.text),
        ])
      case 'mcp-url':
        return eb.and([
          eb('device_assets.kind', '=', 'mcp-server'),
          contains(eb.ref('device_assets.mcp_url'), query.text),
        ])
      case 'tool':
        return eb.and([
          eb('device_assets.kind', 'in', [...TOOL_KINDS]),
          eb('device_assets.name_key', '=', query.name.toLowerCase()),
        ])
    }
  }
  // Three steps, so that the expensive ones touch only the rows returned:
  // 1. The matching rows' keys (`m`; for MCP text search answered from an index alone, migration
  //    0020: every MCP row's text is checked there, and only matches are read).
  // 2. Their devices (by primary key), in result order, cut to the limit on narrow rows.
  // 3. The assets' details and team names for those rows only.
  // PostgreSQL materializes `m`, so that it plans the joins on the matches alone: with the scan
  // inlined, a few-row estimate for a LIKE beside the cost of scanning the whole index made a
  // nested loop that read all of `devices` once per match cost about as much as index lookups
  // (within its 1% cost fuzz), and it picked it. SQLite gains nothing from that (its plan looks
  // devices up by key either way) and streams the matches into the sort instead of copying them.
  const rows = await storage.db
    .with(
      (cte) => (storage.engine === 'postgres' ? cte('m').materialized() : cte('m')),
      (db) =>
        db
          .selectFrom('device_assets')
          .select(['device_id', 'asset_key'])
          .where('status', '=', 'present')
          .where(where),
    )
    .selectFrom((db) =>
      db
        .selectFrom('m')
        .innerJoin('devices', 'devices.id', 'm.device_id')
        .select([
          'm.device_id',
          'm.asset_key',
          'devices.hostname',
          'devices.last_seen_at',
          'devices.revoked_at',
          'devices.team_id',
        ])
        .orderBy('devices.hostname')
        .orderBy('m.device_id')
        .orderBy('m.asset_key')
        .limit(limit + 1)
        .as('top'),
    )
    .innerJoin('device_assets', (j) =>
      j
        .onRef('device_assets.device_id', '=', 'top.device_id')
        .onRef('device_assets.asset_key', '=', 'top.asset_key'),
    )
    .innerJoin('teams', 'teams.id', 'top.team_id')
    .select([
      'top.device_id',
      'top.asset_key',
      'device_assets.kind',
      'device_assets.name',
      'device_assets.path',
      'device_assets.updated_at',
      'top.hostname',
      'top.last_seen_at',
      'top.revoked_at',
      'teams.name as team',
    ])
    .orderBy('top.hostname')
    .orderBy('top.device_id')
    .orderBy('top.asset_key')
    .execute()
  return groupHolders(rows, limit, heldAsset)
}

export type FindingGroup = Readonly<{
  ruleId: string
  severity: string
  findings: number
  devices: number
}>

const RANK: Readonly<Record<string, number>> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 }

/**
 * Open findings across the fleet, grouped by rule and severity, worst first, without those under
 * an acceptance in force at `now` (either side): a flat GROUP BY over the per-device counts that
 * ingest keeps (device_rule_counts, migration 0020), less the accepted findings. A device leaves a
 * group's device count only when all its findings in the group are accepted.
 */
export async function findingsByRule(
  storage: Storage,
  now: Date = new Date(),
): Promise<FindingGroup[]> {
  const [rows, accepted] = await Promise.all([
    storage.db
      .selectFrom('device_rule_counts')
      .select((eb) => [
        'rule_id',
        'severity',
        eb.fn.sum<number | string>('n').as('findings'),
        eb.fn.countAll<number | string>().as('devices'),
      ])
      .groupBy(['rule_id', 'severity'])
      .execute(),
    acceptedOpen(storage, now),
  ])
  const groups = new Map<string, FindingGroup>()
  for (const r of rows) {
    groups.set(`${r.rule_id}\0${r.severity}`, {
      ruleId: r.rule_id,
      severity: r.severity,
      findings: Number(r.findings),
      devices: Number(r.devices),
    })
  }
  if (accepted.length > 0)
    subtractAccepted(groups, accepted, await perDeviceCounts(storage, accepted))
  return [...groups.values()]
    .filter((g) => g.findings > 0)
    .sort(
      (a, b) =>
        (RANK[a.severity] ?? 5) - (RANK[b.severity] ?? 5) ||
        b.findings - a.findings ||
        a.ruleId.localeCompare(b.ruleId),
    )
}
