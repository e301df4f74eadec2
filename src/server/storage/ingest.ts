import type { Insertable, Kysely, Transaction } from 'kysely'
import type { AssetItem, FindingItem, InventoryBatch, SnapshotCommit } from '../../shared/sync-api'
import { faultPoint } from '../fault'
import { clean } from './devices'
import { deviceAcceptedUntil } from './acceptance'
import { nowIso } from './ids'
import type { Storage } from './open'
import type { DeviceAssetsTable, DeviceFindingsTable, DeviceRow, ServerDb } from './schema'

/** What an acknowledgement says about one applied batch (stored, and returned again for a duplicate). */
export type AckBody = Readonly<{
  ackSeq: number
  applied: Readonly<{ assets: number; findings: number; gone?: number; resolved?: number }>
}>

export type IngestResult =
  | Readonly<{ kind: 'applied'; ack: AckBody }>
  | Readonly<{ kind: 'duplicate'; ack: AckBody }>
  | Readonly<{ kind: 'resync'; expectedSeq: number; reason: string }>

/** Received batch ids are kept this many sequence numbers back, for duplicate detection. */
export const KEEP_BATCHES = 1000
/** Rows per multi-row statement (SQLite's 32,766 and PostgreSQL's 65,535 parameter limits). */
const CHUNK = 400

const SEVERITY_RANK: Readonly<Record<string, number>> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
  info: 4,
}

/**
 * Applies one inventory batch exactly once. Under a per-device lock it checks the batch id
 * (a duplicate returns the stored acknowledgement), then the sequence: every batch must follow
 * the last applied one, except the first part of a snapshot, which starts over at any higher
 * number. Deltas are refused before the device's first committed snapshot, while a snapshot is in
 * flight, and when a resync was requested. Items, the device's sequence and the batch record are
 * written in one transaction: a killed server either applied the whole batch or none of it.
 */
export async function applyBatch(
  storage: Storage,
  deviceId: string,
  batch: InventoryBatch,
  now: Date = new Date(),
): Promise<IngestResult> {
  return storage.db.transaction().execute(async (trx) => {
    const device = await lockDevice(storage, trx, deviceId)
    const dup = await findBatch(trx, deviceId, batch.batchId)
    if (dup) return { kind: 'duplicate', ack: dup }
    const expectedSeq = device.last_seq + 1
    const resync = (reason: string): IngestResult => ({ kind: 'resync', expectedSeq, reason })
    const snap = batch.snapshot
    let snapState: Pick<DeviceRow, 'snap_id' | 'snap_parts' | 'snap_received'>
    if (batch.mode === 'delta') {
      if (snap) return resync('a delta batch carries no snapshot part')
      if (!device.has_snapshot) return resync('no snapshot received from this device yet')
      if (device.resync_requested) return resync('a full snapshot was requested')
      if (device.snap_id !== null) return resync('a snapshot is in progress')
      if (batch.seq !== expectedSeq) return resync(`sequence gap: got ${batch.seq}`)
      snapState = { snap_id: null, snap_parts: 0, snap_received: 0 }
    } else {
      if (!snap) return resync('a snapshot batch needs its snapshot part')
      if (snap.part > snap.parts) return resync('snapshot part beyond its part count')
      if (snap.part === 1) {
        // A snapshot starts over: any higher sequence number is accepted.
        if (batch.seq < expectedSeq) return resync(`sequence went back: got ${batch.seq}`)
      } else if (
        device.snap_id !== snap.id ||
        device.snap_parts !== snap.parts ||
        device.snap_received !== snap.part - 1 ||
        batch.seq !== expectedSeq
      ) {
        return resync(`snapshot part ${snap.part} out of order`)
      }
      snapState = { snap_id: snap.id, snap_parts: snap.parts, snap_received: snap.part }
    }
    const at = nowIso(now)
    const snapshotId = batch.mode === 'snapshot' ? snap!.id : undefined
    const assets = await applyAssets(trx, deviceId, batch.assets, snapshotId, at)
    const findings = await applyFindings(trx, deviceId, batch.findings, snapshotId, at)
    if (batch.findings.length > 0) await refreshRuleCounts(trx, deviceId)
    faultPoint('mid-apply')
    const ack: AckBody = { ackSeq: batch.seq, applied: { assets, findings } }
    await trx
      .updateTable('devices')
      .set({ last_seq: batch.seq, last_seen_at: at, ...snapState })
      .where('id', '=', deviceId)
      .execute()
    await recordBatch(trx, deviceId, batch.batchId, batch.seq, batch.mode, ack, at)
    return { kind: 'applied', ack }
  })
}

/**
 * Completes a snapshot whose parts all arrived: assets it did not list are marked gone and
 * findings it did not list resolved, and deltas are accepted from then on.
 */
export async function commitSnapshot(
  storage: Storage,
  deviceId: string,
  commit: SnapshotCommit,
  now: Date = new Date(),
): Promise<IngestResult> {
  return storage.db.transaction().execute(async (trx) => {
    const device = await lockDevice(storage, trx, deviceId)
    const dup = await findBatch(trx, deviceId, commit.batchId)
    if (dup) return { kind: 'duplicate', ack: dup }
    const expectedSeq = device.last_seq + 1
    if (
      device.snap_id !== commit.snapshotId ||
      device.snap_parts !== commit.parts ||
      device.snap_received !== commit.parts ||
      commit.seq !== expectedSeq
    ) {
      return {
        kind: 'resync',
        expectedSeq,
        reason: `snapshot ${commit.snapshotId} cannot be committed (parts or sequence missing)`,
      }
    }
    const at = nowIso(now)
    const gone = await trx
      .updateTable('device_assets')
      .set({ status: 'gone', gone_at: at, updated_at: at })
      .where('device_id', '=', deviceId)
      .where('status', '=', 'present')
      .where('snapshot_id', '<>', commit.snapshotId)
      .executeTakeFirst()
    const resolved = await trx
      .updateTable('device_findings')
      .set({ status: 'resolved', resolved_at: at, updated_at: at })
      .where('device_id', '=', deviceId)
      .where('status', '=', 'open')
      .where('snapshot_id', '<>', commit.snapshotId)
      .executeTakeFirst()
    await refreshRuleCounts(trx, deviceId)
    const ack: AckBody = {
      ackSeq: commit.seq,
      applied: {
        assets: 0,
        findings: 0,
        gone: Number(gone.numUpdatedRows),
        resolved: Number(resolved.numUpdatedRows),
      },
    }
    await trx
      .updateTable('devices')
      .set({
        last_seq: commit.seq,
        last_seen_at: at,
        has_snapshot: 1,
        resync_requested: 0,
        snap_id: null,
        snap_parts: 0,
        snap_received: 0,
        last_snapshot_at: at,
      })
      .where('id', '=', deviceId)
      .execute()
    await recordBatch(trx, deviceId, commit.batchId, commit.seq, 'commit', ack, at)
    return { kind: 'applied', ack }
  })
}

/**
 * Rewrites the device's open-finding counts by rule and severity (migration 0020): a handful of
 * rows per device, recounted from its own findings, so no row is shared with another device.
 */
async function refreshRuleCounts(trx: Transaction<ServerDb>, deviceId: string): Promise<void> {
  await trx.deleteFrom('device_rule_counts').where('device_id', '=', deviceId).execute()
  await trx
    .insertInto('device_rule_counts')
    .columns(['device_id', 'rule_id', 'severity', 'n'])
    .expression((eb) =>
      eb
        .selectFrom('device_findings')
        .select((e) => ['device_id', 'rule_id', 'severity', e.fn.countAll<number>().as('n')])
        .where('device_id', '=', deviceId)
        .where('status', '=', 'open')
        .groupBy(['device_id', 'rule_id', 'severity']),
    )
    .execute()
}

async function lockDevice(
  storage: Storage,
  trx: Transaction<ServerDb>,
  deviceId: string,
): Promise<DeviceRow> {
  const q = trx.selectFrom('devices').selectAll().where('id', '=', deviceId)
  // PostgreSQL: concurrent requests of one device (a client retrying while the first attempt is
  // still being applied) wait here, then see the first one's batch record. SQLite has one writer.
  const row = await (storage.engine === 'postgres' ? q.forUpdate() : q).executeTakeFirst()
  if (!row) throw new Error(`device ${deviceId} vanished`)
  return row
}

async function findBatch(
  trx: Transaction<ServerDb>,
  deviceId: string,
  batchId: string,
): Promise<AckBody | undefined> {
  const row = await trx
    .selectFrom('batches')
    .select(['ack'])
    .where('device_id', '=', deviceId)
    .where('batch_id', '=', batchId)
    .executeTakeFirst()
  return row ? (JSON.parse(row.ack) as AckBody) : undefined
}

async function recordBatch(
  trx: Transaction<ServerDb>,
  deviceId: string,
  batchId: string,
  seq: number,
  kind: string,
  ack: AckBody,
  at: string,
): Promise<void> {
  await trx
    .insertInto('batches')
    .values({
      device_id: deviceId,
      batch_id: batchId,
      seq,
      kind,
      received_at: at,
      ack: JSON.stringify(ack),
    })
    .execute()
  if (seq % 100 === 0) {
    await trx
      .deleteFrom('batches')
      .where('device_id', '=', deviceId)
      .where('seq', '<', seq - KEEP_BATCHES)
      .execute()
  }
}

/** The last operation per key wins (a client sends each key once; a repeat must not fail the batch). */
function lastPerKey<T extends { key: string }>(items: readonly T[]): T[] {
  const m = new Map<string, T>()
  for (const it of items) {
    m.delete(it.key)
    m.set(it.key, it)
  }
  return [...m.values()]
}

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n))
  return out
}

const HEX64 = /^[0-9a-f]{64}$/

function str(v: unknown, max = 4096): string | null {
  if (typeof v !== 'string' || v === '') return null
  return clean(v.length > max ? v.slice(0, max) : v)
}

/** The columns fleet search needs, read out of the asset's JSON. */
export function searchColumns(kind: string, data: Readonly<Record<string, unknown>>) {
  const details = (data.details && typeof data.details === 'object' ? data.details : {}) as Record<
    string,
    unknown
  >
  const name = str(data.name, 512)
  const sha = str(data.sha256)
  const fp = kind === 'secret' ? (str(data.fingerprint) ?? str(details.fingerprint)) : null
  let mcpCommand: string | null = null
  let mcpUrl: string | null = null
  if (kind === 'mcp-server') {
    const args = Array.isArray(details.args)
      ? details.args.filter((a) => typeof a === 'string')
      : []
    const cmd = [str(details.command), ...args].filter((x) => x !== null).join(' ')
    // Indexed (migration 0020): bounded well below PostgreSQL's b-tree entry limit.
    mcpCommand = cmd === '' ? null : clean(cmd.slice(0, 512).toLowerCase())
    mcpUrl = str(details.url, 512)?.toLowerCase() ?? null
  }
  return {
    name,
    name_key: name?.toLowerCase() ?? null,
    path: str(data.path),
    sha256: sha && HEX64.test(sha) ? sha : null,
    fingerprint: fp && HEX64.test(fp) ? fp : null,
    mcp_command: mcpCommand,
    mcp_url: mcpUrl,
  }
}

async function applyAssets(
  trx: Kysely<ServerDb>,
  deviceId: string,
  items: readonly AssetItem[],
  snapshotId: string | undefined,
  at: string,
): Promise<number> {
  let written = 0
  const latest = lastPerKey(items)
  const upserts: Insertable<DeviceAssetsTable>[] = []
  const removals: string[] = []
  for (const it of latest) {
    if (it.op === 'remove') {
      removals.push(it.key)
      continue
    }
    upserts.push({
      device_id: deviceId,
      asset_key: it.key,
      kind: it.kind,
      ...searchColumns(it.kind, it.data),
      content_hash: it.hash,
      data: JSON.stringify(it.data),
      status: 'present',
      snapshot_id: snapshotId ?? '',
      first_seen_at: at,
      updated_at: at,
      gone_at: null,
    })
  }
  for (const part of chunks(upserts, CHUNK)) {
    const r = await trx
      .insertInto('device_assets')
      .values(part)
      .onConflict((oc) =>
        oc
          .columns(['device_id', 'asset_key'])
          .doUpdateSet((eb) => ({
            kind: eb.ref('excluded.kind'),
            name: eb.ref('excluded.name'),
            name_key: eb.ref('excluded.name_key'),
            path: eb.ref('excluded.path'),
            sha256: eb.ref('excluded.sha256'),
            fingerprint: eb.ref('excluded.fingerprint'),
            mcp_command: eb.ref('excluded.mcp_command'),
            mcp_url: eb.ref('excluded.mcp_url'),
            content_hash: eb.ref('excluded.content_hash'),
            data: eb.ref('excluded.data'),
            status: 'present',
            gone_at: null,
            updated_at: eb.ref('excluded.updated_at'),
            // A delta leaves the snapshot marker alone; a snapshot part claims the row.
            snapshot_id:
              snapshotId === undefined ? eb.ref('device_assets.snapshot_id') : snapshotId,
          }))
          // Unchanged content is not rewritten (a snapshot still claims the row).
          .where((eb) =>
            eb.or([
              eb('device_assets.content_hash', '<>', eb.ref('excluded.content_hash')),
              eb('device_assets.status', '<>', 'present'),
              ...(snapshotId === undefined
                ? []
                : [eb('device_assets.snapshot_id', '<>', eb.ref('excluded.snapshot_id'))]),
            ]),
          ),
      )
      .executeTakeFirst()
    written += Number(r.numInsertedOrUpdatedRows ?? 0)
  }
  for (const part of chunks(removals, CHUNK)) {
    const r = await trx
      .updateTable('device_assets')
      .set({ status: 'gone', gone_at: at, updated_at: at })
      .where('device_id', '=', deviceId)
      .where('asset_key', 'in', part)
      .where('status', '=', 'present')
      .executeTakeFirst()
    written += Number(r.numUpdatedRows)
  }
  return written
}

async function applyFindings(
  trx: Kysely<ServerDb>,
  deviceId: string,
  items: readonly FindingItem[],
  snapshotId: string | undefined,
  at: string,
): Promise<number> {
  let written = 0
  const latest = lastPerKey(items)
  const upserts: Insertable<DeviceFindingsTable>[] = []
  const resolves: string[] = []
  for (const it of latest) {
    if (it.op === 'resolve') {
      resolves.push(it.key)
      continue
    }
    upserts.push({
      device_id: deviceId,
      finding_key: it.key,
      asset_key: it.assetKey ?? null,
      rule_id: it.ruleId,
      severity: it.severity,
      severity_rank: SEVERITY_RANK[it.severity] ?? 4,
      content_hash: it.hash,
      data: JSON.stringify(it.data),
      status: 'open',
      snapshot_id: snapshotId ?? '',
      first_seen_at: at,
      updated_at: at,
      resolved_at: null,
      device_accepted_until: deviceAcceptedUntil(it.data),
    })
  }
  for (const part of chunks(upserts, CHUNK)) {
    const r = await trx
      .insertInto('device_findings')
      .values(part)
      .onConflict((oc) =>
        oc
          .columns(['device_id', 'finding_key'])
          .doUpdateSet((eb) => ({
            asset_key: eb.ref('excluded.asset_key'),
            rule_id: eb.ref('excluded.rule_id'),
            severity: eb.ref('excluded.severity'),
            severity_rank: eb.ref('excluded.severity_rank'),
            content_hash: eb.ref('excluded.content_hash'),
            data: eb.ref('excluded.data'),
            device_accepted_until: eb.ref('excluded.device_accepted_until'),
            status: 'open',
            resolved_at: null,
            updated_at: eb.ref('excluded.updated_at'),
            snapshot_id:
              snapshotId === undefined ? eb.ref('device_findings.snapshot_id') : snapshotId,
          }))
          .where((eb) =>
            eb.or([
              eb('device_findings.content_hash', '<>', eb.ref('excluded.content_hash')),
              eb('device_findings.status', '<>', 'open'),
              ...(snapshotId === undefined
                ? []
                : [eb('device_findings.snapshot_id', '<>', eb.ref('excluded.snapshot_id'))]),
            ]),
          ),
      )
      .executeTakeFirst()
    written += Number(r.numInsertedOrUpdatedRows ?? 0)
  }
  for (const part of chunks(resolves, CHUNK)) {
    const r = await trx
      .updateTable('device_findings')
      .set({ status: 'resolved', resolved_at: at, updated_at: at })
      .where('device_id', '=', deviceId)
      .where('finding_key', 'in', part)
      .where('status', '=', 'open')
      .executeTakeFirst()
    written += Number(r.numUpdatedRows)
  }
  return written
}
