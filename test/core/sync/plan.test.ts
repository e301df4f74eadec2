import { gunzipSync } from 'node:zlib'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../../src/core/storage/db'
import type { Db } from '../../../src/core/storage/db'
import { syncNow } from '../../../src/core/sync/client'
import type { CurrentInventory, SyncItem } from '../../../src/core/sync/inventory-items'
import { contentHash } from '../../../src/core/sync/payload'
import { enqueue, partition, planBatches } from '../../../src/core/sync/plan'
import type { PlannedBatch } from '../../../src/core/sync/plan'
import { outbox } from '../../../src/core/sync/state'
import { backoffMs } from '../../../src/core/sync/transport'
import type { HttpOutcome, Transport } from '../../../src/core/sync/transport'
import type { InventoryBatch, SnapshotCommit } from '../../../src/shared/sync-api'

function db(): Db {
  return openDb(join(mkdtempSync(join(tmpdir(), 'aiscout-plan-')), 'inv.db'))
}

/** An inventory of assets named by key with a version (the version changes the content). */
function inventory(assets: Record<string, number>): CurrentInventory {
  const items: SyncItem[] = Object.entries(assets).map(([key, v]) => {
    const data = { id: key, kind: 'tool', path: `/x/${key}`, details: { v }, links: [] }
    const hash = contentHash(data)
    return { entity: 'asset', key, hash, wire: { op: 'upsert', key, kind: 'tool', hash, data } }
  })
  return {
    heldBack: 0,
    stale: false,
    options: { uploadPaths: 'full', home: '/x' },
    accepted: new Map(),
    scan: { id: 's', startedAt: '', status: 'complete', roots: [], stats: {} as never },
    items: () => items,
  }
}

const CAPS = { maxItems: 2, maxBytes: 1 << 20 }

function bodies(d: Db): (InventoryBatch | SnapshotCommit)[] {
  return outbox(d).map(
    (r) => JSON.parse(gunzipSync(r.body).toString()) as InventoryBatch | SnapshotCommit,
  )
}

describe('batch planning', () => {
  it('cuts parts by item count and by bytes; a single oversized item goes alone', () => {
    expect(partition([10, 10, 10, 10, 10], { maxItems: 2, maxBytes: 100 })).toEqual([2, 2, 1])
    expect(partition([60, 60, 60], { maxItems: 10, maxBytes: 100 })).toEqual([1, 1, 1])
    expect(partition([500, 1, 1], { maxItems: 10, maxBytes: 100 })).toEqual([1, 2])
    expect(partition([], { maxItems: 2, maxBytes: 100 })).toEqual([])
  })

  it('a snapshot: numbered parts that know their count, then a commit; an empty inventory too', () => {
    const d = db()
    const p = planBatches(d, inventory({ a: 1, b: 1, c: 1 }), {
      snapshot: true,
      nextSeq: 7,
      caps: CAPS,
    })
    const bs = [...p.batches] as PlannedBatch[]
    expect(bs.map((b) => [b.kind, b.seq])).toEqual([
      ['snapshot', 7],
      ['snapshot', 8],
      ['commit', 9],
    ])
    const [p1, p2, c] = bs.map((b) => b.body) as [InventoryBatch, InventoryBatch, SnapshotCommit]
    expect(p1.snapshot).toMatchObject({ part: 1, parts: 2 })
    expect(p2.snapshot).toMatchObject({ part: 2, parts: 2, id: p1.snapshot!.id })
    expect(c).toMatchObject({ snapshotId: p1.snapshot!.id, parts: 2 })
    expect(p.summary.nextSeq).toBe(10)
    const empty = [
      ...planBatches(d, inventory({}), { snapshot: true, nextSeq: 1, caps: CAPS }).batches,
    ]
    expect(empty.map((b) => b.kind)).toEqual(['snapshot', 'commit'])
  })

  it('deltas against what the server acknowledged plus what is queued; never-sent batches are coalesced', () => {
    const d = db()
    // The server acknowledged a=1, b=1.
    for (const k of ['a', 'b']) {
      d.prepare(`INSERT INTO sync_acked (entity, key, hash) VALUES ('asset', ?, ?)`).run(
        k,
        [...inventory({ [k]: 1 }).items()][0]!.hash,
      )
    }
    // Change a, add c: one delta queued.
    const s1 = enqueue(d, () =>
      planBatches(d, inventory({ a: 2, b: 1, c: 1 }), {
        snapshot: false,
        nextSeq: 5,
        caps: { maxItems: 10, maxBytes: 1 << 20 },
      }),
    )
    expect(s1).toMatchObject({ assetUpserts: 2, assetRemovals: 0, nextSeq: 6 })
    expect(outbox(d).map((r) => r.seq)).toEqual([5])
    // Offline, another change (b removed, a changed again): the never-sent delta is replaced by
    // one that holds the latest state of everything, under the same number.
    const s2 = enqueue(d, () =>
      planBatches(d, inventory({ a: 3, c: 1 }), {
        snapshot: false,
        nextSeq: 6,
        caps: { maxItems: 10, maxBytes: 1 << 20 },
      }),
    )
    expect(s2).toMatchObject({ replaces: [5], assetUpserts: 2, assetRemovals: 1, nextSeq: 6 })
    const [b] = bodies(d) as InventoryBatch[]
    expect(b!.seq).toBe(5)
    expect(b!.assets.map((i) => `${i.op}:${i.key}`).sort()).toEqual([
      'remove:b',
      'upsert:a',
      'upsert:c',
    ])
    // Once a batch may have reached the server it is kept as it is; new changes follow it.
    d.prepare(`UPDATE sync_outbox SET sent = 1`).run()
    const s3 = enqueue(d, () =>
      planBatches(d, inventory({ a: 4, c: 1 }), {
        snapshot: false,
        nextSeq: 6,
        caps: { maxItems: 10, maxBytes: 1 << 20 },
      }),
    )
    expect(s3).toMatchObject({ replaces: [], assetUpserts: 1, nextSeq: 7 })
    expect(outbox(d).map((r) => [r.seq, r.sent])).toEqual([
      [5, 1],
      [6, 0],
    ])
    // Nothing new: the never-sent batch 6 is rebuilt as it was (same number, same items).
    const before = bodies(d)[1] as InventoryBatch
    const s4 = enqueue(d, () =>
      planBatches(d, inventory({ a: 4, c: 1 }), { snapshot: false, nextSeq: 7, caps: CAPS }),
    )
    expect(s4).toMatchObject({ replaces: [6], assetUpserts: 1, assetRemovals: 0, nextSeq: 7 })
    expect((bodies(d)[1] as InventoryBatch).assets).toEqual(before.assets)
    // Everything acknowledged and nothing changed: nothing to queue.
    d.prepare(`DELETE FROM sync_outbox`).run()
    d.prepare(`DELETE FROM sync_acked`).run()
    for (const it of inventory({ a: 4, c: 1 }).items())
      d.prepare(`INSERT INTO sync_acked (entity, key, hash) VALUES ('asset', ?, ?)`).run(
        it.key,
        it.hash,
      )
    const s5 = enqueue(d, () =>
      planBatches(d, inventory({ a: 4, c: 1 }), { snapshot: false, nextSeq: 7, caps: CAPS }),
    )
    expect(s5).toMatchObject({ assetUpserts: 0, assetRemovals: 0, nextSeq: 7 })
    expect(outbox(d)).toHaveLength(0)
  })
})

describe('backoff and Retry-After', () => {
  it('full jitter within the exponential ceiling; Retry-After plus at most 10%', () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceiling = Math.min(4000, 250 * 2 ** attempt)
      expect(backoffMs(attempt, { baseMs: 250, capMs: 4000 }, () => 0)).toBe(0)
      expect(backoffMs(attempt, { baseMs: 250, capMs: 4000 }, () => 0.999999)).toBeLessThanOrEqual(
        ceiling,
      )
    }
    expect(backoffMs(0, { baseMs: 250, capMs: 4000, retryAfterS: 7 }, () => 0)).toBe(7000)
    expect(
      backoffMs(0, { baseMs: 250, capMs: 4000, retryAfterS: 7 }, () => 0.999),
    ).toBeLessThanOrEqual(7700)
  })

  it('the client waits as long as the server asks before retrying', async () => {
    const d = db()
    const waits: number[] = []
    const calls: string[] = []
    const answers: HttpOutcome[] = [
      {
        kind: 'error',
        status: 429,
        retryAfterS: 3,
        body: { error: 'rate_limited', message: 'slow down', action: 'none', serverTime: '' },
      },
      { kind: 'error', status: 503 },
    ]
    const transport: Transport = async (url) => {
      calls.push(url)
      return answers.shift() ?? { kind: 'network', message: 'ECONNREFUSED', neverSent: true }
    }
    const r = await syncNow(d, {
      serverUrl: 'http://127.0.0.1:9',
      enrollSecret: 'aise_xxxxxxxx',
      tokens: { read: () => undefined, write: () => {}, clear: () => {} },
      appVersion: 't',
      transport,
      retry: { attempts: 3, baseMs: 100, capMs: 1000 },
      sleep: async (ms) => {
        waits.push(ms)
      },
      random: () => 0.5,
    })
    expect(r.kind).toBe('unreachable')
    expect(calls).toHaveLength(3)
    expect(waits[0]).toBeGreaterThanOrEqual(3000)
    expect(waits[1]).toBe(100)
  })
})
