import { randomUUID } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import type {
  AssetItem as WireAssetItem,
  FindingItem as WireFindingItem,
  InventoryBatch,
  SnapshotCommit,
} from '../../shared/sync-api'
import type { Db } from '../storage/db'
import type { CurrentInventory, SyncItem } from './inventory-items'
import { itemKey } from './inventory-items'
import type { OutboxRow } from './state'
import { outbox } from './state'

export type Caps = Readonly<{ maxItems: number; maxBytes: number }>

export type PlannedBatch =
  | Readonly<{
      kind: 'delta' | 'snapshot'
      seq: number
      batchId: string
      body: InventoryBatch
      items: number
    }>
  | Readonly<{ kind: 'commit'; seq: number; batchId: string; body: SnapshotCommit; items: 0 }>

export type PlanSummary = Readonly<{
  snapshot: boolean
  /** Queued batches never sent that this plan replaces (their changes are in the new batches). */
  replaces: readonly number[]
  assetUpserts: number
  assetRemovals: number
  findingUpserts: number
  findingResolutions: number
  /** Secret assets held back until a scan recomputes their fingerprints under the org key. */
  heldBack: number
  /** The sequence number after the planned batches. */
  nextSeq: number
}>

export type Plan = Readonly<{ summary: PlanSummary; batches: Iterable<PlannedBatch> }>

const mapKey = itemKey

/** Items of a queued batch, as the server will apply them. */
export function batchItems(row: Pick<OutboxRow, 'kind' | 'body'>): InventoryBatch | SnapshotCommit {
  return JSON.parse(gunzipSync(row.body).toString('utf8')) as InventoryBatch | SnapshotCommit
}

/** Applies a batch's items to a key → hash map of what the server holds. */
export function applyToBase(
  base: Map<string, string>,
  body: InventoryBatch | SnapshotCommit,
): void {
  if (!('mode' in body)) return // a commit: its snapshot's parts already rebuilt the base
  if (body.mode === 'snapshot' && body.snapshot?.part === 1) base.clear()
  for (const it of body.assets) {
    if (it.op === 'upsert') base.set(mapKey('asset', it.key), it.hash)
    else base.delete(mapKey('asset', it.key))
  }
  for (const it of body.findings) {
    if (it.op === 'upsert') base.set(mapKey('finding', it.key), it.hash)
    else base.delete(mapKey('finding', it.key))
  }
}

/**
 * The one function that decides what is sent next: from the inventory (current state), what the
 * server acknowledged (sync_acked) and what is already queued, the batches to queue. A full
 * snapshot (in parts, plus its commit) when one is owed; otherwise one delta per size cap with
 * the latest state of every asset and finding that differs from what the server will hold once
 * the queue drains, and removals for what is gone. Queued batches that were never sent are
 * folded into the new ones (coalesced); batches that may have reached the server are kept and
 * resent unchanged. Reads only: `enqueue` writes the plan, `aiscout sync --dry-run` prints it.
 */
export function planBatches(
  db: Db,
  inv: CurrentInventory,
  opts: Readonly<{
    snapshot: boolean
    nextSeq: number
    caps: Caps
    /**
     * What the change log says changed since the queue's position (changedItems): only these
     * keys are compared. Without it, the whole inventory is.
     */
    changes?: ReadonlyMap<string, SyncItem | null>
  }>,
): Plan {
  const queued = outbox(db)
  // Never-sent deltas at the end of the queue are replaced by this plan (a suffix: the queue is
  // sent in order, so everything after a sent batch is unsent). A snapshot replaces everything.
  let keepUntil = queued.length
  while (keepUntil > 0 && !queued[keepUntil - 1]!.sent && queued[keepUntil - 1]!.kind === 'delta')
    keepUntil--
  const replaces = (opts.snapshot ? queued : queued.slice(keepUntil)).map((r) => r.seq)
  // Numbers of never-sent batches are reused; a snapshot (which may replace sent batches) never
  // reuses a number the server may have seen.
  const firstSeq =
    !opts.snapshot && replaces.length ? Math.min(...replaces, opts.nextSeq) : opts.nextSeq
  // What the server will hold after the kept batches.
  const base = new Map<string, string>()
  if (!opts.snapshot) {
    for (const r of db
      .prepare(`SELECT entity, key, hash FROM sync_acked`)
      .iterate() as IterableIterator<{
      entity: string
      key: string
      hash: string
    }>)
      base.set(mapKey(r.entity, r.key), r.hash)
    for (const row of queued.slice(0, keepUntil)) applyToBase(base, batchItems(row))
  }
  // Pass 1: what differs, and the size of each item to send (to cut parts before building them).
  const include = new Set<string>()
  const sizes: number[] = []
  const current = new Set<string>()
  let assetUpserts = 0
  let findingUpserts = 0
  const removals: { entity: 'asset' | 'finding'; key: string }[] = []
  const consider = (it: SyncItem): void => {
    const k = mapKey(it.entity, it.key)
    current.add(k)
    if (base.get(k) === it.hash) return
    include.add(k)
    sizes.push(JSON.stringify(it.wire).length + 1)
    if (it.entity === 'asset') assetUpserts++
    else findingUpserts++
  }
  const remove = (k: string): void => {
    const [entity, key] = k.split('\u0000') as ['asset' | 'finding', string]
    removals.push({ entity, key })
    sizes.push(key.length + 32)
  }
  const byChanges = opts.changes !== undefined && !opts.snapshot
  if (byChanges) {
    for (const [k, it] of opts.changes!) {
      if (it) consider(it)
      else if (base.has(k)) remove(k)
    }
  } else {
    for (const it of inv.items()) consider(it)
    for (const k of base.keys()) if (!current.has(k)) remove(k)
  }
  const counts = partition(sizes, opts.caps)
  const parts = counts.length
  const summary: PlanSummary = {
    snapshot: opts.snapshot,
    replaces,
    assetUpserts,
    assetRemovals: removals.filter((r) => r.entity === 'asset').length,
    findingUpserts,
    findingResolutions: removals.filter((r) => r.entity === 'finding').length,
    heldBack: inv.heldBack,
    nextSeq: firstSeq + (opts.snapshot ? Math.max(parts, 1) + 1 : parts),
  }
  const snapshotId = `snap_${randomUUID().replace(/-/g, '').slice(0, 20)}`
  function* batches(): Iterable<PlannedBatch> {
    let seq = firstSeq
    let part = 0
    let assets: WireAssetItem[] = []
    let findings: WireFindingItem[] = []
    let n = 0
    const flush = (): PlannedBatch => {
      part++
      const body: InventoryBatch = {
        batchId: randomUUID(),
        seq: seq++,
        mode: opts.snapshot ? 'snapshot' : 'delta',
        ...(opts.snapshot ? { snapshot: { id: snapshotId, part, parts: Math.max(parts, 1) } } : {}),
        assets,
        findings,
      }
      const b: PlannedBatch = {
        kind: body.mode,
        seq: body.seq,
        batchId: body.batchId,
        body,
        items: n,
      }
      assets = []
      findings = []
      n = 0
      return b
    }
    const add = (
      it: SyncItem | { entity: 'asset' | 'finding'; key: string; remove: true },
    ): PlannedBatch | undefined => {
      if ('remove' in it) {
        if (it.entity === 'asset') assets.push({ op: 'remove', key: it.key })
        else findings.push({ op: 'resolve', key: it.key })
      } else if (it.entity === 'asset') assets.push(it.wire)
      else findings.push(it.wire)
      n++
      return n >= counts[part]! ? flush() : undefined
    }
    const source: Iterable<SyncItem | null> = byChanges ? opts.changes!.values() : inv.items()
    for (const it of source) {
      if (!it || !include.has(mapKey(it.entity, it.key))) continue
      const b = add(it)
      if (b) yield b
    }
    for (const r of removals) {
      const b = add({ ...r, remove: true })
      if (b) yield b
    }
    if (opts.snapshot) {
      // An empty inventory is still a snapshot: one empty part, then the commit.
      if (part === 0) yield flush()
      const body: SnapshotCommit = {
        batchId: randomUUID(),
        seq: seq++,
        snapshotId,
        parts: Math.max(parts, 1),
      }
      yield { kind: 'commit', seq: body.seq, batchId: body.batchId, body, items: 0 }
    }
  }
  return { summary, batches: batches() }
}

/** Items per part so that no part passes either cap (an item bigger than the byte cap goes alone). */
export function partition(sizes: readonly number[], caps: Caps): number[] {
  const out: number[] = []
  let n = 0
  let bytes = 0
  for (const s of sizes) {
    if (n > 0 && (n >= caps.maxItems || bytes + s > caps.maxBytes)) {
      out.push(n)
      n = 0
      bytes = 0
    }
    n++
    bytes += s
  }
  if (n > 0) out.push(n)
  return out
}

/**
 * Plans and writes into the outbox in one IMMEDIATE transaction (the plan's reads and the queue it
 * replaces are consistent; a crash leaves either the old queue or the new one). Batches are
 * compressed while the inventory is read and written after the read finished (SQLite allows no
 * write while a read cursor is open on the connection): memory holds the compressed bodies only.
 */
export function enqueue(db: Db, makePlan: () => Plan & { changeSeq?: number }): PlanSummary {
  const ins = db.prepare(
    `INSERT INTO sync_outbox (seq, batch_id, kind, body, items, change_seq, sent, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)`,
  )
  const del = db.prepare(`DELETE FROM sync_outbox WHERE seq = ?`)
  const now = new Date().toISOString()
  return db
    .transaction(() => {
      const plan = makePlan()
      const rows: [number, string, string, Buffer, number, number][] = []
      for (const b of plan.batches) {
        const gz = gzipSync(JSON.stringify(b.body))
        rows.push([b.seq, b.batchId, b.kind, gz, b.items, plan.changeSeq ?? 0])
      }
      if (plan.summary.snapshot) db.prepare(`DELETE FROM sync_outbox`).run()
      else for (const seq of plan.summary.replaces) del.run(seq)
      for (const r of rows) ins.run(...r, now)
      return plan.summary
    })
    .immediate()
}
