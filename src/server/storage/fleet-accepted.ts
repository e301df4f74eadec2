import { acceptanceAt } from './acceptance'
import type { FindingGroup } from './fleet'
import type { Storage } from './open'

/**
 * Accepted risk in the fleet queries: which open findings are under an acceptance in force, and
 * how they come off the per-device and per-rule counts that ingest keeps.
 */

/**
 * A device finding's columns that decide whether an acceptance covers it (its key and rule, its
 * status, the data holding a laptop's own acceptance), read with the admin's `r.value` by this
 * module and by the alert engine.
 */
export const FINDING_RISK_COLUMNS = [
  'f.device_id',
  'f.finding_key',
  'f.rule_id',
  'f.severity',
  'f.status',
  'f.data',
] as const

/**
 * The open findings under an acceptance in force at `now`, from either side: an admin's
 * device-scoped `accepted-risk` config item, or the laptop's own, reported in the finding's data
 * and recorded by ingest as `device_accepted_until` (migration 0110). Ingest's per-device counts
 * include every open finding, since whether an acceptance holds depends on the time it is read;
 * accepted findings are few, so they are found here (each way from an index) and subtracted.
 * `deviceIds` narrows the search to some devices; without it, the whole fleet.
 */
export async function acceptedOpen(
  storage: Storage,
  now: Date,
  deviceIds?: readonly string[],
): Promise<{ device_id: string; finding_key: string; rule_id: string; severity: string }[]> {
  if (deviceIds !== undefined && deviceIds.length === 0) return []
  const columns = [...FINDING_RISK_COLUMNS, 'r.value as risk'] as const
  // The admin's acceptances: the config items, each joined to its finding by key.
  let admin = storage.db
    .selectFrom('config_items as r')
    .innerJoin('device_findings as f', (j) =>
      j.onRef('f.device_id', '=', 'r.scope_id').onRef('f.finding_key', '=', 'r.item_key'),
    )
    .select(columns)
    .where('r.scope', '=', 'device')
    .where('r.kind', '=', 'accepted-risk')
  // The laptop's: the rows of the partial index (migration 0110) whose acceptance ends later.
  let laptop = storage.db
    .selectFrom('device_findings as f')
    .leftJoin('config_items as r', (j) =>
      j
        .on('r.scope', '=', 'device')
        .onRef('r.scope_id', '=', 'f.device_id')
        .on('r.kind', '=', 'accepted-risk')
        .onRef('r.item_key', '=', 'f.finding_key'),
    )
    .select(columns)
    .where('f.device_accepted_until', '>', now.toISOString())
  if (deviceIds !== undefined) {
    admin = admin.where('r.scope_id', 'in', [...deviceIds])
    laptop = laptop.where('f.device_id', 'in', [...deviceIds])
  }
  // Whether a finding is open is checked on the rows found, not in the queries: with it there,
  // SQLite's planner (which has no statistics) walks every open finding by the status index
  // instead of these few rows.
  const [byAdmin, byLaptop] = await Promise.all([admin.execute(), laptop.execute()])
  const accepted = new Map<string, (typeof byLaptop)[number]>()
  for (const r of [...byAdmin, ...byLaptop]) {
    const key = `${r.device_id}\0${r.finding_key}`
    if (r.status !== 'open' || accepted.has(key)) continue
    let data: Record<string, unknown> = {}
    try {
      const v = JSON.parse(r.data) as unknown
      if (v && typeof v === 'object' && !Array.isArray(v)) data = v as Record<string, unknown>
    } catch {
      // A row the server wrote itself; unreadable data has no acceptance.
    }
    if (acceptanceAt(r.risk, data, now).source !== null) accepted.set(key, r)
  }
  return [...accepted.values()]
}

type AcceptedFinding = Readonly<{ device_id: string; rule_id: string; severity: string }>

const groupKey = (f: AcceptedFinding, withDevice: boolean): string =>
  `${withDevice ? `${f.device_id}\0` : ''}${f.rule_id}\0${f.severity}`

/** The per-device open counts of the groups the accepted findings fall in. */
export async function perDeviceCounts(
  storage: Storage,
  accepted: readonly AcceptedFinding[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  const devices = [...new Set(accepted.map((a) => a.device_id))]
  for (let i = 0; i < devices.length; i += 500) {
    const rows = await storage.db
      .selectFrom('device_rule_counts')
      .select(['device_id', 'rule_id', 'severity', 'n'])
      .where('device_id', 'in', devices.slice(i, i + 500))
      .execute()
    for (const r of rows) counts.set(groupKey(r, true), Number(r.n))
  }
  return counts
}

export function subtractAccepted(
  groups: Map<string, FindingGroup>,
  accepted: readonly AcceptedFinding[],
  perDevice: ReadonlyMap<string, number>,
): void {
  const acceptedPerDevice = new Map<string, number>()
  for (const a of accepted) {
    const k = groupKey(a, true)
    acceptedPerDevice.set(k, (acceptedPerDevice.get(k) ?? 0) + 1)
  }
  for (const [k, n] of acceptedPerDevice) {
    const [deviceId = '', ruleId = '', severity = ''] = k.split('\0')
    const gk = groupKey({ device_id: deviceId, rule_id: ruleId, severity }, false)
    const g = groups.get(gk)
    if (!g) continue
    const all = perDevice.get(k) ?? n
    groups.set(gk, {
      ...g,
      findings: Math.max(0, g.findings - Math.min(n, all)),
      devices: Math.max(0, g.devices - (n >= all ? 1 : 0)),
    })
  }
}
