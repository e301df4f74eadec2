import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  assetItem,
  createInventoryWatcher,
  openDb,
  pendingDigests,
  readChanges,
  scan,
} from '../../../src/core'
import type { Db, ScanSummary, WatchService } from '../../../src/core'
import { expectFullScanAgrees, fakeHomeScanOptions } from '../../helpers/scan-options'
import { waitFor } from '../../helpers/wait'

type Row = { id: string; sha256: string | null; verdict: string | null; details: string }

/** A valid safetensors file of `bytes` data bytes (one U8 tensor). */
function bigSafetensors(bytes: number): Buffer {
  const header = Buffer.from(
    JSON.stringify({ w: { dtype: 'U8', shape: [bytes], data_offsets: [0, bytes] } }),
  )
  const len = Buffer.alloc(8)
  len.writeBigUInt64LE(BigInt(header.length))
  const data = Buffer.alloc(bytes)
  for (let i = 0; i < bytes; i++) data[i] = (i * 31) & 0xff
  return Buffer.concat([len, header, data])
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

describe('a large model file: its verdict first, its SHA-256 in a follow-up rescan', () => {
  let db: Db | undefined
  let watcher: WatchService | undefined
  afterEach(async () => {
    await watcher?.stop()
    db?.close()
    db = watcher = undefined
  })

  const setUp = async () => {
    const work = mkdtempSync(join(tmpdir(), 'deferred-'))
    const home = join(work, 'home')
    mkdirSync(join(home, 'Downloads'), { recursive: true })
    const dbPath = join(work, 'inventory.db')
    db = openDb(dbPath)
    await scan(db, fakeHomeScanOptions(home))
    return { work, home, dbPath, db }
  }
  const row = (d: Db, path: string): Row | undefined =>
    d.prepare(`SELECT id, sha256, verdict, details FROM assets WHERE path = ?`).get(path) as
      Row | undefined

  it('commits the asset with its verdict and the digest pending, then adds the digest as a change of the same asset', async () => {
    const s = await setUp()
    const seqBefore = readChanges(s.db, { limit: 1 }).next
    const scans: ScanSummary[] = []
    const atCommit: Array<{ row: Row | undefined; changes: ReturnType<typeof readChanges> }> = []
    const p = join(s.home, 'Downloads', 'big.safetensors')
    watcher = createInventoryWatcher({
      db: s.db,
      dbPath: s.dbPath,
      scan: fakeHomeScanOptions(s.home),
      settle: { quietMs: 150 },
      deferDigestsFrom: 64 * 1024,
      onEvent: (e) => {
        if (e.type !== 'scanned') return
        scans.push(e.result)
        // What the inventory and the change log say right after this rescan committed.
        atCommit.push({ row: row(s.db, p), changes: readChanges(s.db, { after: seqBefore }) })
      },
    })
    await watcher.start()
    const bytes = bigSafetensors(256 * 1024)
    writeFileSync(p, bytes)
    await waitFor(() => row(s.db, p)?.sha256 ?? undefined, 'the digest')
    await watcher.idle()

    const first = scans.findIndex((x) => x.digestsPending?.includes(p))
    expect(first).toBeGreaterThanOrEqual(0)
    expect(scans[first]!.stats.digestsPending).toBe(1)
    const pending = atCommit[first]!
    expect(pending.row).toMatchObject({ sha256: null, verdict: 'safe' })
    expect(JSON.parse(pending.row!.details)).toMatchObject({ digestPending: true })
    const added = pending.changes.changes.find((c) => c.key === pending.row!.id)
    expect(added).toMatchObject({ entity: 'asset', change: 'added' })
    expect(added?.entity === 'asset' && added.state?.asset.details).toMatchObject({
      digestPending: true,
    })

    // The follow-up: the same asset (its id never depends on the digest), now with it.
    const follow = scans[first + 1]!
    expect(follow.scope).toEqual({ kind: 'paths', paths: [p] })
    expect(follow.digestsPending).toBeUndefined()
    const done = row(s.db, p)!
    expect(done.id).toBe(pending.row!.id)
    expect(done.sha256).toBe(sha(bytes))
    expect(JSON.parse(done.details)).not.toHaveProperty('digestPending')
    const log = readChanges(s.db, { after: seqBefore }).changes.filter((c) => c.key === done.id)
    expect(log.map((c) => c.change)).toEqual(['added', 'changed'])
    // What sync sends: the same item key (the asset's identity), pending then with its digest.
    if (added?.entity !== 'asset' || !added.state) throw new Error('no asset state')
    const after = log[1]!
    if (after.entity !== 'asset' || !after.state) throw new Error('no asset state')
    const opts = { uploadPaths: 'full', home: s.home } as const
    const [before, now] = [assetItem(added.state.asset, opts), assetItem(after.state.asset, opts)]
    expect(now.key).toBe(before.key)
    expect(before.data).toMatchObject({ details: { digestPending: true } })
    expect(before.data).not.toHaveProperty('sha256')
    expect(now.data).toMatchObject({ sha256: sha(bytes) })
    expect(pendingDigests(s.db)).toEqual([])
    // What a full scan (every digest before its commit) gives is what the watcher left.
    await watcher.stop()
    watcher = undefined
    await expectFullScanAgrees(s.db, s.home, join(s.work, 'copy.db'))
  })

  it('a small file is hashed before its commit; a digest left pending by a stopped watcher is computed when one starts', async () => {
    const s = await setUp()
    const small = join(s.home, 'Downloads', 'small.safetensors')
    const big = join(s.home, 'Downloads', 'left.safetensors')
    writeFileSync(small, bigSafetensors(1024))
    writeFileSync(big, bigSafetensors(256 * 1024))
    // A rescan that deferred, whose follow-up never ran (the watcher quit).
    const r = await scan(s.db, {
      ...fakeHomeScanOptions(s.home),
      scope: { kind: 'paths', paths: [small, big] },
      deferDigestsFrom: 64 * 1024,
    })
    expect(r.digestsPending).toEqual([big])
    expect(row(s.db, small)!.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(row(s.db, big)!.sha256).toBeNull()
    expect(pendingDigests(s.db)).toEqual([big])

    watcher = createInventoryWatcher({
      db: s.db,
      dbPath: s.dbPath,
      scan: fakeHomeScanOptions(s.home),
      settle: { quietMs: 150 },
      catchUp: false,
    })
    await watcher.start()
    await waitFor(() => row(s.db, big)?.sha256 ?? undefined, 'the pending digest')
    expect(pendingDigests(s.db)).toEqual([])
  })
})
