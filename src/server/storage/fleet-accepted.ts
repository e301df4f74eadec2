import { acceptanceAt } from './acceptance'
import type { FindingGroup } from './fleet'
import type { Storage } from './open'

/**
 * Accepted risk in the fleet queries: which open findings are under an acceptance in force, and
 * how they come off the per-device and per-rule counts that ingest keeps.
 */

/**
 * The open findings under an acceptance in force at `now`, from either side: an admin's
 * device-scoped `accepted-risk` config item, or the laptop's own, reported in the finding's data
 * and recorded by ingest as `device_accepted_until` (migration 0110). Ingest's per-device counts
 * include every open finding, since whether an acceptance holds depends on the time it is read;
 * accepted findings are few, so they are found here (both ways from an index) and subtracted.
 * `deviceIds` narrows the search to some devices; without it, the whole fleet.
 */
export async function acceptedOpen(
  storage: Storage,
  now: Date,
  deviceIds?: readonly string[],
): Promise<{ device_id: string; finding_key: string; rule_id: string; severity: string }[]> {
  if (deviceIds !== undefined && deviceIds.length === 0) return []
  const base = () => {
    let q = storage.db
      .selectFrom('device_findings as f')
      .leftJoin('config_items as r', (j) =>
        j
          .on('r.scope', '=', 'device')
          .onRef('r.scope_id', '=', 'f.device_id')
          .on('r.kind', '=', 'accepted-risk')
          .onRef('r.item_key', '=', 'f.finding_key'),
      )
      .select([
        'f.device_id',
        'f.finding_key',
        'f.rule_id',
        'f.severity',
        'f.data',
        'r.value as risk',
      ])
      .where('f.status', '=', 'open')
    if (deviceIds !== undefined) q = q.where('f.device_id', 'in', [...deviceIds])
    return q
  }
  // Two indexed searches rather than one OR across both tables: the admin's acceptances (the
  // config items, joined to their findings) and the laptop's (the partial index of 0110).
  const [byAdmin, byLaptop] = await Promise.all([
    base().where('r.value', 'is not', null).execute(),
    base().where('f.device_accepted_until', '>', now.toISOString()).execute(),
  ])
  const accepted = new Map<string, (typeof byAdmin)[number]>()
  for (const r of [...byAdmin, ...byLaptop]) {
    const key = `${r.device_id}\0${r.finding_key}`
    if (accepted.has(key)) continue
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
