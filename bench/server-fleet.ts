// Generated fleet for the server benchmarks: N devices x M assets written straight into the
// server's tables (the ingest path has its own benchmark), then the fleet queries timed.
// Bundled by bench/fleet-bench.mjs; not part of the product.
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Insertable } from 'kysely'
import {
  findHolders,
  findingsByRule,
  listDevices,
  deviceSummary,
} from '../src/server/storage/fleet'
import { ensureTeam } from '../src/server/storage/orgs'
import { openStorage } from '../src/server/storage/open'
import type { Storage } from '../src/server/storage/open'
import type {
  DeviceAssetsTable,
  DeviceFindingsTable,
  DevicesTable,
} from '../src/server/storage/schema'

export { openStorage }

const KINDS: [string, number][] = [
  ['package', 200],
  ['model', 60],
  ['notebook', 40],
  ['secret', 30],
  ['agent-config', 30],
  ['tool', 25],
  ['ai-platform', 25],
  ['mcp-server', 20],
  ['ide-extension', 20],
  ['dataset', 20],
  ['app', 10],
  ['python-environment', 10],
  ['compute', 5],
  ['model-server', 5],
]
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const
const RULES = Array.from({ length: 40 }, (_, i) => ({
  id: `rule.${i}`,
  severity: SEVERITIES[i % 5]!,
}))
const RANK = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const

const hex = (s: string) => createHash('sha256').update(s).digest('hex')

export const digestOf = (i: number) => hex(`model-${i}`)
export const fingerprintOf = (i: number) => hex(`key-${i}`)
export const MODEL_POOL = 5000
export const KEY_POOL = 20000
export const MCP_POOL = 200
export const TOOL_POOL = 100

function rng(seed: number) {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
}

/** Laptop acceptances: most hold for a year, some lapsed a month ago. */
const ACCEPTED_UNTIL = new Date(Date.now() + 365 * 86_400_000).toISOString()
const LAPSED = new Date(Date.now() - 30 * 86_400_000).toISOString()
/** Findings an admin accepted on the server (device-scoped `accepted-risk` config items). */
const ADMIN_ACCEPTANCES = 1000

/**
 * Accepts `n` open findings spread over the fleet as an admin would, one config item each (the
 * rows the dashboard's accept route writes).
 */
async function acceptOnServer(storage: Storage, n: number): Promise<void> {
  const total = await storage.db
    .selectFrom('device_findings')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow()
  const step = Math.max(1, Math.floor(Number(total.n) / n))
  const rows = await storage.db
    .selectFrom('device_findings')
    .select(['device_id', 'finding_key'])
    .orderBy('device_id')
    .orderBy('finding_key')
    .execute()
  const at = new Date().toISOString()
  const items = rows
    .filter((_, i) => i % step === 0)
    .slice(0, n)
    .map((r) => ({
      scope: 'device',
      scope_id: r.device_id,
      kind: 'accepted-risk',
      item_key: r.finding_key,
      value: JSON.stringify({
        findingKey: r.finding_key,
        note: 'accepted by the security team',
        acceptedBy: 'ada',
        acceptedAt: at,
      }),
      updated_at: at,
    }))
  for (let i = 0; i < items.length; i += 500) {
    await storage.db
      .insertInto('config_items')
      .values(items.slice(i, i + 500))
      .execute()
  }
}

/** Devices generated one by one; the rest of the fleet is copied from them inside the database. */
export const BASE_DEVICES = 250

/**
 * Writes the fleet: BASE_DEVICES devices row by row (random assets from shared pools), then
 * copies of them made by INSERT … SELECT inside the database (new device ids, hostnames and key
 * fingerprints; the same models, as popular models are), which is what keeps generating 5 million
 * rows within minutes on a shared machine.
 */
export async function generateFleet(
  storage: Storage,
  devices: number,
  assetsPerDevice: number,
  log: (s: string) => void,
): Promise<{ assets: number; findings: number }> {
  const base = Math.min(devices, BASE_DEVICES)
  const t0 = Date.now()
  const first = await writeDevices(storage, base, assetsPerDevice)
  let assets = first.assets
  let findings = first.findings
  for (let c = 1; c * base < devices; c++) {
    const n = Math.min(base, devices - c * base)
    const r = await copyDevices(storage, c, n)
    assets += r.assets
    findings += r.findings
    if (c % 5 === 0)
      log(`  ${(c + 1) * base} devices (${Math.round(assets / ((Date.now() - t0) / 1000))} rows/s)`)
  }
  // The per-device counts that ingest keeps (migration 0020), for the rows written directly.
  await storage.db.deleteFrom('device_rule_counts').execute()
  await storage.db
    .insertInto('device_rule_counts')
    .columns(['device_id', 'rule_id', 'severity', 'n'])
    .expression((eb) =>
      eb
        .selectFrom('device_findings')
        .select((e) => ['device_id', 'rule_id', 'severity', e.fn.countAll<number>().as('n')])
        .where('status', '=', 'open')
        .groupBy(['device_id', 'rule_id', 'severity']),
    )
    .execute()
  await acceptOnServer(storage, ADMIN_ACCEPTANCES)
  if (storage.engine === 'postgres') {
    // Statistics and the visibility map, as autovacuum keeps them for a table that mostly
    // receives inserts (PostgreSQL 13+ vacuums such tables on its own).
    await sql`vacuum analyze`.execute(storage.db)
  }
  return { assets, findings }
}

const prefixOf = (c: number) => `dev_${c.toString(16).padStart(4, '0')}`

async function copyDevices(
  storage: Storage,
  c: number,
  n: number,
): Promise<{ assets: number; findings: number }> {
  const prefix = prefixOf(c)
  const suffix = c.toString(16).padStart(4, '0')
  // Base ids are dev_0000…; a copy's id swaps the 4 digits after "dev_" for the copy number.
  const lastBase = `dev_0000${(n - 1).toString(16).padStart(16, '0')}`
  const newId = sql<string>`${prefix} || substr(device_id, 9)`
  return storage.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('devices')
      .columns([
        'id',
        'team_id',
        'installation_id',
        'hardware_id',
        'hostname',
        'platform',
        'arch',
        'os_release',
        'os_user',
        'app_version',
        'token_hash',
        'token_issued_at',
        'enrolled_at',
        'last_seen_at',
        'last_seq',
        'has_snapshot',
        'last_snapshot_at',
      ])
      .expression((eb) =>
        eb
          .selectFrom('devices')
          .select([
            sql<string>`${prefix} || substr(id, 9)`.as('id'),
            'team_id',
            sql<string>`installation_id || ${'-' + suffix}`.as('installation_id'),
            sql<string>`hardware_id || ${'-' + suffix}`.as('hardware_id'),
            sql<string>`${'host-' + suffix + '-'} || substr(hostname, 6)`.as('hostname'),
            'platform',
            'arch',
            'os_release',
            'os_user',
            'app_version',
            sql<string>`token_hash || ${suffix}`.as('token_hash'),
            'token_issued_at',
            'enrolled_at',
            'last_seen_at',
            'last_seq',
            'has_snapshot',
            'last_snapshot_at',
          ])
          .where('id', '<=', lastBase),
      )
      .execute()
    const a = await trx
      .insertInto('device_assets')
      .columns([
        'device_id',
        'asset_key',
        'kind',
        'name',
        'name_key',
        'path',
        'sha256',
        'fingerprint',
        'mcp_command',
        'mcp_url',
        'content_hash',
        'data',
        'status',
        'snapshot_id',
        'first_seen_at',
        'updated_at',
      ])
      .expression((eb) =>
        eb
          .selectFrom('device_assets')
          .select([
            newId.as('device_id'),
            'asset_key',
            'kind',
            'name',
            'name_key',
            'path',
            'sha256',
            // Keys differ per copy (a key sits on a handful of laptops, not on every copy).
            sql<
              string | null
            >`case when fingerprint is null then null else substr(fingerprint, 1, 60) || ${suffix} end`.as(
              'fingerprint',
            ),
            'mcp_command',
            'mcp_url',
            'content_hash',
            'data',
            'status',
            'snapshot_id',
            'first_seen_at',
            'updated_at',
          ])
          .where('device_id', '<=', lastBase),
      )
      .executeTakeFirst()
    const f = await trx
      .insertInto('device_findings')
      .columns([
        'device_id',
        'finding_key',
        'asset_key',
        'rule_id',
        'severity',
        'severity_rank',
        'content_hash',
        'data',
        'status',
        'snapshot_id',
        'first_seen_at',
        'updated_at',
        'device_accepted_until',
      ])
      .expression((eb) =>
        eb
          .selectFrom('device_findings')
          .select([
            newId.as('device_id'),
            'finding_key',
            'asset_key',
            'rule_id',
            'severity',
            'severity_rank',
            'content_hash',
            'data',
            'status',
            'snapshot_id',
            'first_seen_at',
            'updated_at',
            'device_accepted_until',
          ])
          .where('device_id', '<=', lastBase),
      )
      .executeTakeFirst()
    return {
      assets: Number(a.numInsertedOrUpdatedRows ?? 0),
      findings: Number(f.numInsertedOrUpdatedRows ?? 0),
    }
  })
}

async function writeDevices(
  storage: Storage,
  devices: number,
  assetsPerDevice: number,
): Promise<{ assets: number; findings: number }> {
  const team = await ensureTeam(storage, 'bench')
  const now = new Date().toISOString()
  const perKind = KINDS.map(([k, n]) => [k, Math.round((n * assetsPerDevice) / 500)] as const)
  let assets = 0
  let findings = 0
  const devicesPerTx = 50
  for (let d0 = 0; d0 < devices; d0 += devicesPerTx) {
    await storage.db.transaction().execute(async (trx) => {
      const devRows: Insertable<DevicesTable>[] = []
      const assetRows: Insertable<DeviceAssetsTable>[] = []
      const findingRows: Insertable<DeviceFindingsTable>[] = []
      for (let d = d0; d < Math.min(devices, d0 + devicesPerTx); d++) {
        const rand = rng(d + 1)
        const id = `dev_${d.toString(16).padStart(20, '0')}`
        devRows.push({
          id,
          team_id: team.id,
          installation_id: `inst-${d}`,
          hardware_id: `hw-${d}`,
          hostname: `host-${String(d).padStart(6, '0')}`,
          platform: d % 3 === 0 ? 'darwin' : 'linux',
          arch: 'arm64',
          os_release: '15.1',
          os_user: `user${d}`,
          app_version: `0.${d % 4}.0`,
          token_hash: hex(`token-${d}`),
          prev_token_hash: null,
          prev_token_expires_at: null,
          token_issued_at: now,
          enrolled_at: now,
          last_seen_at: now,
          revoked_at: null,
          clone_of: null,
          clone_reason: null,
          last_seq: 2,
          has_snapshot: 1,
          snap_id: null,
          snap_parts: 0,
          snap_received: 0,
          resync_requested: 0,
          last_snapshot_at: now,
          last_heartbeat: null,
          pending_changes: 0,
        })
        let n = 0
        for (const [kind, count] of perKind) {
          for (let i = 0; i < count; i++, n++) {
            const key = `${kind}:${hex(`${d}-${kind}-${i}`).slice(0, 24)}`
            let name = `${kind}-${i}`
            let sha256: string | null = null
            let fingerprint: string | null = null
            let mcpCommand: string | null = null
            const details: Record<string, unknown> = {}
            if (kind === 'model') {
              sha256 = digestOf(Math.floor(rand() * MODEL_POOL))
              name = `model-${sha256.slice(0, 6)}`
            } else if (kind === 'secret') {
              fingerprint = fingerprintOf(Math.floor(rand() * KEY_POOL))
              details.fingerprint = fingerprint
              details.provider = 'openai'
            } else if (kind === 'mcp-server') {
              mcpCommand = `npx -y @vendor/mcp-server-${Math.floor(rand() * MCP_POOL)}`
              details.command = 'npx'
            } else if (kind === 'tool') {
              name = `tool-${Math.floor(rand() * TOOL_POOL)}`
            }
            const path = `/Users/user${d}/work/${kind}/${i}`
            const data = JSON.stringify({
              id: key,
              kind,
              path,
              name,
              ...(sha256 ? { sha256 } : {}),
              details,
              links: [],
            })
            assetRows.push({
              device_id: id,
              asset_key: key,
              kind,
              name,
              name_key: name.toLowerCase(),
              path,
              sha256,
              fingerprint,
              mcp_command: mcpCommand,
              mcp_url: null,
              content_hash: hex(data),
              data,
              status: 'present',
              snapshot_id: 'snap_bench',
              first_seen_at: now,
              updated_at: now,
              gone_at: null,
            })
            if (n % 25 === 0) {
              const rule = RULES[Math.floor(rand() * RULES.length)]!
              const fkey = hex(`${key}-f`).slice(0, 32)
              // One finding in 50 accepted by the laptop's user, a fifth of those lapsed.
              const accepted =
                rand() < 0.02
                  ? {
                      note: 'reviewed',
                      acceptedBy: 'dev',
                      acceptedAt: now,
                      expiresAt: rand() < 0.2 ? LAPSED : ACCEPTED_UNTIL,
                    }
                  : undefined
              findingRows.push({
                device_id: id,
                finding_key: fkey,
                asset_key: key,
                rule_id: rule.id,
                severity: rule.severity,
                severity_rank: RANK[rule.severity],
                content_hash: hex(fkey),
                data: JSON.stringify({
                  id: fkey,
                  ruleId: rule.id,
                  severity: rule.severity,
                  title: rule.id,
                  message: 'm',
                  path,
                  assetId: key,
                  ...(accepted ? { accepted } : {}),
                }),
                status: 'open',
                snapshot_id: 'snap_bench',
                first_seen_at: now,
                updated_at: now,
                resolved_at: null,
                device_accepted_until: accepted?.expiresAt ?? null,
              })
            }
          }
        }
      }
      await trx.insertInto('devices').values(devRows).execute()
      for (let i = 0; i < assetRows.length; i += 1000) {
        await trx
          .insertInto('device_assets')
          .values(assetRows.slice(i, i + 1000))
          .execute()
      }
      for (let i = 0; i < findingRows.length; i += 1000) {
        await trx
          .insertInto('device_findings')
          .values(findingRows.slice(i, i + 1000))
          .execute()
      }
      assets += assetRows.length
      findings += findingRows.length
    })
  }
  return { assets, findings }
}

export type QueryTiming = { name: string; firstMs: number; medianMs: number; result: string }

async function timeIt(name: string, fn: () => Promise<string>): Promise<QueryTiming> {
  const times: number[] = []
  let result = ''
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint()
    result = await fn()
    times.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  const sorted = [...times].sort((a, b) => a - b)
  return { name, firstMs: times[0]!, medianMs: sorted[2]!, result }
}

/** The dashboard's fleet questions, each timed five times (first and median). */
export async function measureQueries(storage: Storage, devices: number): Promise<QueryTiming[]> {
  const out: QueryTiming[] = []
  // Values that exist in this fleet, picked from the last copy (not timed).
  const any = (kind: string, col: 'sha256' | 'fingerprint') =>
    storage.db
      .selectFrom('device_assets')
      .select([col, 'device_id'])
      .where('kind', '=', kind)
      .orderBy('device_id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow()
  const keyRow = await any('secret', 'fingerprint')
  const modelRow = await any('model', 'sha256')
  const sample = {
    deviceId: keyRow.device_id,
    fingerprint: keyRow.fingerprint!,
    sha256: modelRow.sha256!,
  }
  out.push(
    await timeIt('devices: first page of 100 with findings by severity', async () => {
      const p = await listDevices(storage, { limit: 100 })
      return `${p.items.length} devices`
    }),
  )
  // Hostnames of the copies made from the base devices: host-<copy>-<base>.
  const mid = `host-${Math.max(1, Math.floor(devices / BASE_DEVICES / 2))
    .toString(16)
    .padStart(4, '0')}-`
  out.push(
    await timeIt('devices: a page from the middle (keyset)', async () => {
      const p = await listDevices(storage, { limit: 100, hostnamePrefix: mid })
      return `${p.items.length} devices`
    }),
  )
  out.push(
    await timeIt('device detail', async () => {
      const d = await deviceSummary(storage, sample.deviceId)
      return `${d?.assets ?? 0} assets`
    }),
  )
  const holders = async (q: Parameters<typeof findHolders>[1]) => {
    const r = await findHolders(storage, q)
    return `${r.devices.length} devices, ${r.devices.reduce((n, h) => n + h.assets.length, 0)} assets`
  }
  out.push(
    await timeIt('holders of a model SHA-256', () =>
      holders({ by: 'sha256', sha256: sample.sha256 }),
    ),
  )
  out.push(
    await timeIt('holders of a key fingerprint', () =>
      holders({ by: 'fingerprint', fingerprint: sample.fingerprint }),
    ),
  )
  out.push(
    await timeIt('holders of an MCP server (command substring)', () =>
      holders({ by: 'mcp-command', text: 'mcp-server-42' }),
    ),
  )
  out.push(await timeIt('holders of a tool (name)', () => holders({ by: 'tool', name: 'tool-7' })))
  out.push(
    await timeIt('findings by rule (accepted ones left out)', async () => {
      const g = await findingsByRule(storage)
      return `${g.length} groups, ${g.reduce((n, x) => n + x.findings, 0)} findings`
    }),
  )
  return out
}
