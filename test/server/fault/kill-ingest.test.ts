import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStorage } from '../../../src/server/storage/open'
import { createEnrollSecret } from '../../../src/server/storage/enroll-secrets'
import type {
  AssetItem,
  FindingItem,
  InventoryBatch,
  SnapshotCommit,
} from '../../../src/shared/sync-api'
import { assetUpsert, FACTS, findingUpsert } from '../helpers/batches'
import { ENGINES, freshTarget, stopPg } from '../helpers/engines'
import type { EngineName, StorageTarget } from '../helpers/engines'
import {
  CLI,
  freePort,
  startServerProcess,
  stopAllServerProcesses,
  stoppingAll,
} from '../helpers/server-process'
import type { ServerProcess } from '../helpers/server-process'

/**
 * The server is killed with SIGKILL while it ingests (at fixed crash points inside and around the
 * transaction, and at random moments from outside) and restarted; a client that resends every
 * unacknowledged batch unchanged ends with exactly the inventory it sent: nothing lost, nothing
 * applied twice.
 */

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('out/cli/aiscout.js is missing: run `npm run build` first')
})
afterAll(async () => {
  await stopAllServerProcesses()
  await stopPg()
})

type Step =
  | Readonly<{ path: '/inventory'; body: InventoryBatch }>
  | Readonly<{ path: '/inventory/commit'; body: SnapshotCommit }>

/** A snapshot in parts, then deltas that change, remove and add; plus the state they lead to. */
function plan(): { steps: Step[]; assets: Map<string, string>; findings: Set<string> } {
  const steps: Step[] = []
  const assets = new Map<string, string>()
  const findings = new Set<string>()
  let seq = 0
  const PARTS = 5
  const PER_PART = 600
  const snapId = `snap_${randomUUID().slice(0, 12)}`
  for (let p = 1; p <= PARTS; p++) {
    const items: AssetItem[] = []
    const fs: FindingItem[] = []
    for (let i = 0; i < PER_PART; i++) {
      const key = `model:${p}-${i}`
      const it = assetUpsert(key, 'model', { details: { pad: 'x'.repeat(200), i } })
      items.push(it)
      assets.set(key, (it as { hash: string }).hash)
      if (i % 10 === 0) {
        fs.push(findingUpsert(`f:${p}-${i}`, key))
        findings.add(`f:${p}-${i}`)
      }
    }
    steps.push({
      path: '/inventory',
      body: {
        batchId: randomUUID(),
        seq: ++seq,
        mode: 'snapshot',
        snapshot: { id: snapId, part: p, parts: PARTS },
        assets: items,
        findings: fs,
      },
    })
  }
  steps.push({
    path: '/inventory/commit',
    body: { batchId: randomUUID(), seq: ++seq, snapshotId: snapId, parts: PARTS },
  })
  for (let d = 0; d < 6; d++) {
    const items: AssetItem[] = []
    const fs: FindingItem[] = []
    for (let i = 0; i < 200; i++) {
      const key = `model:${(d % PARTS) + 1}-${i}`
      const it = assetUpsert(key, 'model', { details: { pad: 'y'.repeat(200), d } })
      items.push(it)
      assets.set(key, (it as { hash: string }).hash)
    }
    for (let i = 200; i < 260; i++) {
      const key = `model:${(d % PARTS) + 1}-${i}`
      if (assets.delete(key)) items.push({ op: 'remove', key })
      if (findings.delete(`f:${(d % PARTS) + 1}-${i}`))
        fs.push({ op: 'resolve', key: `f:${(d % PARTS) + 1}-${i}` })
    }
    for (let i = 0; i < 100; i++) {
      const key = `model:new-${d}-${i}`
      const it = assetUpsert(key, 'model')
      items.push(it)
      assets.set(key, (it as { hash: string }).hash)
    }
    steps.push({
      path: '/inventory',
      body: { batchId: randomUUID(), seq: ++seq, mode: 'delta', assets: items, findings: fs },
    })
  }
  return { steps, assets, findings }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.each(ENGINES)('SIGKILL during ingest on %s', (engine: EngineName) => {
  let target: StorageTarget
  let port: number
  let token: string

  beforeAll(async () => {
    target = await freshTarget(engine)
    port = await freePort()
  })

  /**
   * Runs the plan against a server that a supervisor restarts whenever it dies; `faults` arm the
   * successive server processes (AISCOUT_SERVER_FAULT), `killer` may kill from outside.
   */
  async function run(faults: string[], killAt: ReadonlyMap<number, number> = new Map()) {
    const { steps, assets, findings } = plan()
    const faultCount = faults.length
    let srv: ServerProcess | undefined
    let stopping = false
    let restarts = 0
    const start = async () => {
      const fault = faults.shift()
      srv = await startServerProcess({
        port,
        dataDir: target.dataDir,
        databaseUrl: target.databaseUrl,
        env: fault ? { AISCOUT_SERVER_FAULT: fault } : {},
      })
      const mine = srv
      void mine.exited.then(async (how) => {
        if (stopping || stoppingAll) return
        expect(how).toBe('SIGKILL')
        restarts++
        await start()
      })
    }
    await start()
    const base = () => `http://127.0.0.1:${port}/api/agent/v1`
    if (!token) {
      const storage = await openStorage(target)
      const secret = (await createEnrollSecret(storage)).secret
      await storage.close()
      const e = await fetch(`${base()}/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          enrollSecret: secret,
          device: { ...FACTS, installationId: `inst-${randomUUID()}` },
        }),
      })
      token = ((await e.json()) as { deviceToken: string }).deviceToken
    }
    let duplicates = 0
    let retried = 0
    for (const [index, step] of steps.entries()) {
      const body = gzipSync(JSON.stringify(step.body))
      for (let attempt = 0; ; attempt++) {
        expect(attempt).toBeLessThan(400)
        const delay = attempt === 0 ? killAt.get(index) : undefined
        if (delay !== undefined) {
          // SIGKILL from outside while this batch is being sent or applied.
          const victim = srv!
          setTimeout(() => void victim.kill('SIGKILL'), delay)
        }
        try {
          const r = await fetch(base() + step.path, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'content-encoding': 'gzip',
            },
            body,
          })
          const j = (await r.json()) as { ackSeq: number; duplicate: boolean }
          expect(r.status, JSON.stringify(j)).toBe(200)
          expect(j.ackSeq).toBe(step.body.seq)
          if (j.duplicate) duplicates++
          break
        } catch (e) {
          if ((e as Error).name === 'AssertionError') throw e
          retried++
          await sleep(50)
        }
      }
    }
    // A kill scheduled during one of the last batches may land after the batch was answered:
    // wait (bounded) for every planned crash and its restart.
    const planned = faultCount + killAt.size
    for (let i = 0; i < 600 && (restarts < planned || srv!.proc.signalCode !== null); i++)
      await sleep(25)
    stopping = true
    await srv!.kill('SIGTERM')
    const storage = await openStorage(target)
    try {
      const device = await storage.db
        .selectFrom('devices')
        .selectAll()
        .orderBy('enrolled_at', 'desc')
        .executeTakeFirstOrThrow()
      const rows = await storage.db
        .selectFrom('device_assets')
        .select(['asset_key', 'content_hash'])
        .where('device_id', '=', device.id)
        .where('status', '=', 'present')
        .execute()
      expect(new Map(rows.map((r) => [r.asset_key, r.content_hash]))).toEqual(assets)
      const open = await storage.db
        .selectFrom('device_findings')
        .select('finding_key')
        .where('device_id', '=', device.id)
        .where('status', '=', 'open')
        .execute()
      expect(new Set(open.map((r) => r.finding_key))).toEqual(findings)
      const batches = await storage.db
        .selectFrom('batches')
        .select(['batch_id', 'seq'])
        .where('device_id', '=', device.id)
        .execute()
      // Every batch recorded once, with its own sequence number.
      const ours = new Set(steps.map((s) => s.body.batchId))
      const recorded = batches.filter((b) => ours.has(b.batch_id))
      expect(recorded).toHaveLength(steps.length)
      expect(new Set(recorded.map((b) => b.seq)).size).toBe(steps.length)
    } finally {
      await storage.close()
    }
    return { duplicates, retried, restarts }
  }

  it('crash points before, inside and after the transaction: resent batches apply once', async () => {
    // Each server process dies at its armed point: the 2nd snapshot part before it is applied,
    // a later part inside its open transaction, then a batch right after its commit.
    const r = await run(['before-apply:2', 'mid-apply:2', 'after-commit:3'])
    expect(r.restarts).toBe(3)
    // Exactly the batch killed after its commit comes back as a duplicate.
    expect(r.duplicates).toBe(1)
    expect(r.retried).toBeGreaterThanOrEqual(3)
  })

  it('SIGKILL from outside at random moments while batches are in flight', async () => {
    // A fresh device on the same storage, so the plan starts over.
    token = ''
    let seed = 7
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const killAt = new Map([2, 6, 9].map((i) => [i, Math.floor(rand() * 80)] as const))
    const r = await run([], killAt)
    expect(r.restarts).toBe(killAt.size)
    expect(r.retried).toBeGreaterThanOrEqual(1)
  })
})
