import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { arch, hostname, platform, release, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, SqliteDialect } from 'kysely'
import type { Compilable } from 'kysely'
import { ASSET_KINDS, SEVERITIES, writeReport } from '../core'
import type {
  Asset,
  AssetKind,
  AssetLink,
  Finding,
  InventoryReader,
  ScanStats,
  Severity,
} from '../core'
import type { Storage } from './storage/open'

export const FLEET_EXPORT_FORMATS = ['json', 'csv', 'cyclonedx'] as const
export type FleetExportFormat = (typeof FLEET_EXPORT_FORMATS)[number]

/** Rows copied per query: bounded memory whatever the fleet size. */
const PAGE = 2000

type StageDb = {
  devices: { id: string; hostname: string }
  assets: {
    device_id: string
    hostname: string
    asset_key: string
    kind: string
    path: string
    data: string
  }
  findings: { device_id: string; finding_key: string; rank: number; data: string }
}

export type FleetExportSummary = Readonly<{
  devices: number
  assets: number
  findings: number
  skipped: number
}>

/**
 * Writes the fleet inventory in a report format of the core (`aiscout scan --format json` shape,
 * with a `device` per asset; CSV with device columns; a CycloneDX BOM with device properties).
 * Present assets and open findings of every device. Asset and finding ids are prefixed with the
 * device id (`dev_…/model:…`), so they are unique across the fleet.
 *
 * The core's writers read synchronously, while PostgreSQL answers asynchronously: the fleet is
 * first copied page by page into a private temporary SQLite file, which the writers then stream
 * from. Memory stays bounded; the file is removed afterwards.
 */
export async function exportFleet(
  storage: Storage,
  format: FleetExportFormat,
  out: NodeJS.WritableStream,
  opts: Readonly<{ toolVersion: string; now?: Date }>,
): Promise<FleetExportSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-fleet-export-'))
  const sqlite = new Database(join(dir, 'stage.db'))
  sqlite.pragma('journal_mode = OFF')
  sqlite.pragma('synchronous = OFF')
  const stage = new Kysely<StageDb>({ dialect: new SqliteDialect({ database: sqlite }) })
  try {
    await createStage(stage)
    const counts = await copyFleet(storage, stage)
    await stage.schema
      .createIndex('assets_order')
      .on('assets')
      .columns(['hostname', 'device_id', 'kind', 'path', 'asset_key'])
      .execute()
    await stage.schema
      .createIndex('findings_order')
      .on('findings')
      .columns(['rank', 'device_id', 'finding_key'])
      .execute()
    const hosts = new Map<string, string>()
    for (const d of await stage.selectFrom('devices').selectAll().execute())
      hosts.set(d.id, d.hostname)
    let skipped = 0
    const iterate = <R>(q: Compilable<R>): IterableIterator<R> => {
      const c = q.compile()
      return sqlite.prepare(c.sql).iterate(...(c.parameters as unknown[])) as IterableIterator<R>
    }
    const assetQuery = stage
      .selectFrom('assets')
      .select(['device_id', 'asset_key', 'data'])
      .orderBy('hostname')
      .orderBy('device_id')
      .orderBy('kind')
      .orderBy('path')
      .orderBy('asset_key')
    const findingQuery = stage
      .selectFrom('findings')
      .select(['device_id', 'finding_key', 'data'])
      .orderBy('rank')
      .orderBy('device_id')
      .orderBy('finding_key')
    const now = opts.now ?? new Date()
    const stats: ScanStats = {
      filesSeen: 0,
      dirsSeen: 0,
      candidates: 0,
      bytesHashed: 0,
      filesHashed: 0,
      hashCacheHits: 0,
      modelsScanned: 0,
      assets: counts.assets,
      findings: counts.findings,
      skipped: 0,
      durationMs: 0,
    }
    const inv: InventoryReader = {
      schemaVersion: 1,
      host: {
        hostname: hostname(),
        platform: platform(),
        arch: arch(),
        osRelease: release(),
        user: 'aiscout-server',
      },
      scan: {
        id: `fleet-${now
          .toISOString()
          .replace(/[-:.TZ]/g, '')
          .slice(0, 14)}`,
        startedAt: now.toISOString(),
        finishedAt: now.toISOString(),
        status: 'complete',
        roots: [],
        stats,
      },
      *assets() {
        for (const r of iterate(assetQuery)) {
          const a = toAsset(r.device_id, r.asset_key, r.data)
          if (a) yield a
          else skipped++
        }
      },
      *findings() {
        for (const r of iterate(findingQuery)) {
          const f = toFinding(r.device_id, r.finding_key, r.data)
          if (f) yield f
        }
      },
      skipped: () => [],
    }
    // The writers hand back copies of assets (secrets are scrubbed), so the device is read from the id.
    const deviceOf = (a: Asset): Readonly<{ id: string; hostname: string }> | undefined => {
      const id = a.id.slice(0, a.id.indexOf('/'))
      const host = hosts.get(id)
      return host === undefined ? undefined : { id, hostname: host }
    }
    await writeReport(format, inv, out, {
      toolVersion: opts.toolVersion,
      generatedAt: now,
      deviceOf,
    })
    return { devices: hosts.size, assets: counts.assets, findings: counts.findings, skipped }
  } finally {
    await stage.destroy()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function createStage(stage: Kysely<StageDb>): Promise<void> {
  await stage.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .execute()
  await stage.schema
    .createTable('assets')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('asset_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .execute()
  await stage.schema
    .createTable('findings')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('finding_key', 'text', (c) => c.notNull())
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .execute()
}

async function copyFleet(
  storage: Storage,
  stage: Kysely<StageDb>,
): Promise<{ assets: number; findings: number }> {
  const { db } = storage
  let after = ''
  for (;;) {
    const rows = await db
      .selectFrom('devices')
      .select(['id', 'hostname'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute()
    if (rows.length === 0) break
    await stage.insertInto('devices').values(rows).execute()
    after = rows[rows.length - 1]!.id
  }
  let assets = 0
  let cursor: [string, string] = ['', '']
  for (;;) {
    const [dev, key] = cursor
    const rows = await db
      .selectFrom('device_assets')
      .innerJoin('devices', 'devices.id', 'device_assets.device_id')
      .select([
        'device_assets.device_id',
        'devices.hostname',
        'device_assets.asset_key',
        'device_assets.kind',
        'device_assets.path',
        'device_assets.data',
      ])
      .where('device_assets.status', '=', 'present')
      .where((eb) =>
        eb.or([
          eb('device_assets.device_id', '>', dev),
          eb.and([
            eb('device_assets.device_id', '=', dev),
            eb('device_assets.asset_key', '>', key),
          ]),
        ]),
      )
      .orderBy('device_assets.device_id')
      .orderBy('device_assets.asset_key')
      .limit(PAGE)
      .execute()
    if (rows.length === 0) break
    await stage
      .insertInto('assets')
      .values(
        rows.map((r) => ({
          device_id: r.device_id,
          hostname: r.hostname,
          asset_key: r.asset_key,
          kind: r.kind,
          path: r.path ?? '',
          data: r.data,
        })),
      )
      .execute()
    assets += rows.length
    const last = rows[rows.length - 1]!
    cursor = [last.device_id, last.asset_key]
  }
  let findings = 0
  cursor = ['', '']
  for (;;) {
    const [dev, key] = cursor
    const rows = await db
      .selectFrom('device_findings')
      .select(['device_id', 'finding_key', 'severity_rank', 'data'])
      .where('status', '=', 'open')
      .where((eb) =>
        eb.or([
          eb('device_id', '>', dev),
          eb.and([eb('device_id', '=', dev), eb('finding_key', '>', key)]),
        ]),
      )
      .orderBy('device_id')
      .orderBy('finding_key')
      .limit(PAGE)
      .execute()
    if (rows.length === 0) break
    await stage
      .insertInto('findings')
      .values(
        rows.map((r) => ({
          device_id: r.device_id,
          finding_key: r.finding_key,
          rank: r.severity_rank,
          data: r.data,
        })),
      )
      .execute()
    findings += rows.length
    const last = rows[rows.length - 1]!
    cursor = [last.device_id, last.finding_key]
  }
  return { assets, findings }
}

type Json = Record<string, unknown>

function obj(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {}
}

function optStr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

/**
 * An asset as a device sent it (the scan JSON shape), back into the core's Asset with fleet-wide
 * ids (the top-level copies of a secret's fields are dropped: the writers derive them from details). Devices are trusted for their own data, but not for its shape: odd values are dropped, and
 * a kind this server does not know (a newer client) is left out of the export.
 */
function toAsset(deviceId: string, key: string, text: string): Asset | undefined {
  const d = obj(JSON.parse(text))
  const kind = d.kind
  if (typeof kind !== 'string' || !(ASSET_KINDS as readonly string[]).includes(kind))
    return undefined
  const links: AssetLink[] = []
  if (Array.isArray(d.links)) {
    for (const l of d.links) {
      const o = obj(l)
      if (typeof o.to === 'string' && typeof o.relation === 'string') {
        links.push({ to: `${deviceId}/${o.to}`, relation: o.relation })
      }
    }
  }
  const a: Record<string, unknown> = {
    id: `${deviceId}/${key}`,
    kind: kind as AssetKind,
    path: optStr(d.path) ?? '',
    details: obj(d.details),
    links,
  }
  for (const k of ['name', 'version', 'format', 'sha256', 'source', 'verdict'] as const) {
    const v = optStr(d[k])
    if (v !== undefined) a[k] = v
  }
  if (typeof d.sizeBytes === 'number' && Number.isFinite(d.sizeBytes)) a.sizeBytes = d.sizeBytes
  return a as Asset
}

function toFinding(deviceId: string, key: string, text: string): Finding | undefined {
  const d = obj(JSON.parse(text))
  const severity = (SEVERITIES as readonly string[]).includes(String(d.severity))
    ? (d.severity as Severity)
    : 'medium'
  const f: Record<string, unknown> = {
    id: `${deviceId}/${key}`,
    ruleId: optStr(d.ruleId) ?? 'unknown',
    severity,
    title: optStr(d.title) ?? optStr(d.ruleId) ?? 'finding',
    message: optStr(d.message) ?? '',
    path: optStr(d.path) ?? '',
  }
  if (typeof d.line === 'number' && Number.isInteger(d.line)) f.line = d.line
  const assetId = optStr(d.assetId)
  if (assetId !== undefined) f.assetId = `${deviceId}/${assetId}`
  for (const k of ['member', 'callable'] as const) {
    const v = optStr(d[k])
    if (v !== undefined) f[k] = v
  }
  if (typeof d.offset === 'number' && Number.isInteger(d.offset)) f.offset = d.offset
  return f as Finding
}
