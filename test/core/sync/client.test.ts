import { createHmac } from 'node:crypto'
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installationSecret } from '../../../src/core/storage/inventory-store'
import { syncNow } from '../../../src/core/sync/client'
import type { SyncEvent, SyncOptions } from '../../../src/core/sync/client'
import { outboxCount, readState, writeState } from '../../../src/core/sync/state'
import { syncStatus } from '../../../src/core/sync/status'
import { requestResync, revokeDevice } from '../../../src/server/storage/devices'
import { findHolders } from '../../../src/server/storage/fleet'
import { putConfigItem } from '../../../src/server/storage/config-items'
import { ensureOrg } from '../../../src/server/storage/orgs'
import { fakeOpenAiKey, makeFakeHome, write } from '../../fixtures/generators/fake-home'
import { startTestServer } from '../../server/helpers/app'
import type { TestServer } from '../../server/helpers/app'
import { ENGINES, stopPg } from '../../server/helpers/engines'
import type { EngineName } from '../../server/helpers/engines'
import { clientView, laptop, scanLaptop, serverView, tokensOf } from './helpers'
import type { Laptop } from './helpers'

afterAll(stopPg)

const FAST = { attempts: 3, baseMs: 5, capMs: 20 }

describe.each(ENGINES)('sync client against a real server on %s', (engine: EngineName) => {
  let s: TestServer
  let url: string
  beforeAll(async () => {
    s = await startTestServer(engine, 'http')
    url = `http://127.0.0.1:${(s.app.server.address() as { port: number }).port}`
  })
  afterAll(async () => s.close())

  const opts = (l: Laptop, extra: Partial<SyncOptions> = {}): SyncOptions => ({
    serverUrl: url,
    enrollSecret: s.enrollSecret,
    tokens: tokensOf(l),
    appVersion: '1.2.3',
    retry: FAST,
    env: { AISCOUT_HARDWARE_ID: `hw-${l.dbPath}` },
    ...extra,
  })

  /** A fake home on its own inventory: enrolled, scanned under the org key, and (by default) synced. */
  async function syncedLaptop(o: { sync?: boolean } = {}) {
    const fake = makeFakeHome()
    const l = laptop(fake.home)
    expect((await syncNow(l.db, { ...opts(l), enrollOnly: true })).kind).toBe('enrolled')
    await scanLaptop(l)
    if (o.sync !== false) expect((await syncNow(l.db, opts(l))).kind).toBe('synced')
    return { fake, l }
  }

  async function expectInSync(l: Laptop): Promise<void> {
    const deviceId = readState(l.db).deviceId!
    expect(await serverView(s.storage, deviceId)).toEqual(clientView(l.db))
    expect(outboxCount(l.db).batches).toBe(0)
  }

  it('enrolls, sends a snapshot, then deltas; the server ends with exactly the inventory', async () => {
    const fake = makeFakeHome()
    const l = laptop(fake.home)
    // Enroll first: the scan then fingerprints keys under the organisation's key.
    const e = await syncNow(l.db, { ...opts(l), enrollOnly: true })
    expect(e.kind).toBe('enrolled')
    expect(statSync(l.tokenFile).mode & 0o777).toBe(0o600)
    const org = await ensureOrg(s.storage)
    expect(installationSecret(l.db).toString('base64')).toBe(org.fingerprintKey)
    await scanLaptop(l)
    const events: SyncEvent[] = []
    const r1 = await syncNow(l.db, { ...opts(l), onEvent: (ev) => events.push(ev) })
    expect(r1).toMatchObject({ kind: 'synced', heldBack: 0 })
    expect(events.find((ev) => ev.type === 'queued')).toMatchObject({ summary: { snapshot: true } })
    await expectInSync(l)
    const view1 = clientView(l.db)
    expect([...view1.keys()].some((k) => k.startsWith('asset:secret:'))).toBe(true)

    // Change the home: a new key file, a model removed, the notebook edited.
    write(
      join(fake.home, 'work', '.env'),
      `ANTHROPIC_API_KEY=sk-ant-api03-${'Zq9'.repeat(30)}AA\n`,
      0o600,
    )
    rmSync(fake.paths.good)
    writeFileSync(
      fake.paths.notebook,
      readFileSync(fake.paths.notebook, 'utf8').replace('torch.load', 'pickle.load'),
    )
    await scanLaptop(l)
    const evs: SyncEvent[] = []
    const r2 = await syncNow(l.db, { ...opts(l), onEvent: (ev) => evs.push(ev) })
    expect(r2.kind).toBe('synced')
    const queued = evs.find((ev) => ev.type === 'queued')
    expect(queued).toMatchObject({ summary: { snapshot: false } })
    if (queued?.type !== 'queued') throw new Error('no queued event')
    expect(queued.summary.assetRemovals).toBeGreaterThanOrEqual(1)
    expect(queued.summary.assetUpserts).toBeGreaterThanOrEqual(1)
    await expectInSync(l)
    // Nothing changed: nothing sent.
    const r3 = await syncNow(l.db, opts(l))
    expect(r3).toMatchObject({ kind: 'synced', sentBatches: 0 })
  })

  it('after the first snapshot, only what the change log records is compared and sent', async () => {
    const { fake, l } = await syncedLaptop()
    // Forget one acknowledged asset locally: a whole-inventory comparison would send it again,
    // the change log does not list it (it did not change).
    const forgotten = l.db
      .prepare(`SELECT key FROM sync_acked WHERE entity = 'asset' AND key LIKE 'model:%' LIMIT 1`)
      .get() as { key: string }
    l.db.prepare(`DELETE FROM sync_acked WHERE entity = 'asset' AND key = ?`).run(forgotten.key)
    write(
      join(fake.home, 'more', 'n.ipynb'),
      JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }),
    )
    await scanLaptop(l)
    const evs: SyncEvent[] = []
    expect((await syncNow(l.db, { ...opts(l), onEvent: (e) => evs.push(e) })).kind).toBe('synced')
    const q = evs.find((e) => e.type === 'queued')
    expect(q).toMatchObject({ summary: { snapshot: false, assetUpserts: 1, assetRemovals: 0 } })
    // The change log's consumer "sync" acknowledged everything sent.
    const consumer = l.db
      .prepare(`SELECT acked_seq FROM change_consumers WHERE name = 'sync'`)
      .get() as { acked_seq: number }
    const head = (l.db.prepare(`SELECT max(seq) AS m FROM changes`).get() as { m: number }).m
    expect(consumer.acked_seq).toBe(head)
    await expectInSync(l)
  })

  it('sends a full snapshot again once the snapshot interval has passed', async () => {
    const { l } = await syncedLaptop()
    writeState(l.db, { lastSnapshotAt: new Date(Date.now() - 25 * 3600_000).toISOString() })
    const evs: SyncEvent[] = []
    expect((await syncNow(l.db, { ...opts(l), onEvent: (e) => evs.push(e) })).kind).toBe('synced')
    expect(evs.find((e) => e.type === 'queued')).toMatchObject({ summary: { snapshot: true } })
    await expectInSync(l)
  })

  it('the same key on two laptops has one fingerprint on the server', async () => {
    const key = fakeOpenAiKey(777)
    const laptops = [0, 1].map(() => {
      const f = makeFakeHome()
      write(join(f.home, 'shared', '.env'), `OPENAI_API_KEY=${key}\n`, 0o600)
      return laptop(f.home)
    })
    for (const l of laptops) {
      // Scanned before enrolling: fingerprints under each install's own key first.
      await scanLaptop(l)
      const r = await syncNow(l.db, opts(l))
      expect(r).toMatchObject({ kind: 'synced' })
      // Held back until a scan under the organisation's key…
      expect((r as { heldBack: number }).heldBack).toBeGreaterThan(0)
      await scanLaptop(l)
      expect(await syncNow(l.db, opts(l))).toMatchObject({ kind: 'synced', heldBack: 0 })
      await expectInSync(l)
    }
    const org = await ensureOrg(s.storage)
    const fp = createHmac('sha256', Buffer.from(org.fingerprintKey, 'base64'))
      .update(key)
      .digest('hex')
    const holders = await findHolders(s.storage, { by: 'fingerprint', fingerprint: fp })
    const ids = laptops.map((l) => readState(l.db).deviceId)
    expect(holders.devices.map((h) => h.device.id).sort()).toEqual([...ids].sort())
  })

  it('keeps the outbox while the server is unreachable and drains it later', async () => {
    const { fake, l } = await syncedLaptop({ sync: false })
    expect(syncStatus(l.db, tokensOf(l))).toMatchObject({
      server: url,
      enrolled: true,
      revoked: false,
      snapshotNeeded: true,
      lastSyncAt: undefined,
      pending: { batches: 0, items: 0 },
    })
    const down = await syncNow(l.db, {
      ...opts(l),
      serverUrl: url,
      transport: async () => ({ kind: 'network', message: 'ECONNREFUSED', neverSent: true }),
    })
    expect(down.kind).toBe('unreachable')
    expect(outboxCount(l.db).batches).toBeGreaterThan(0)
    // What the app's sync settings show: the queue waits, the error says why.
    const offline = syncStatus(l.db, tokensOf(l))
    expect(offline.pending).toEqual(outboxCount(l.db))
    expect(offline.pending.items).toBeGreaterThan(0)
    expect(offline.lastError).toMatch(/ECONNREFUSED/)
    expect(offline.lastSyncAt).toBeUndefined()
    // Another scan while offline: the never-sent queue is rebuilt, not grown.
    write(join(fake.home, 'more', 'm.safetensors'), Buffer.from('not really'))
    await scanLaptop(l)
    const before = outboxCount(l.db)
    const down2 = await syncNow(l.db, {
      ...opts(l),
      transport: async () => ({ kind: 'network', message: 'ECONNREFUSED', neverSent: true }),
    })
    expect(down2.kind).toBe('unreachable')
    expect(outboxCount(l.db).batches).toBe(before.batches)
    expect(await syncNow(l.db, opts(l))).toMatchObject({ kind: 'synced' })
    await expectInSync(l)
    const online = syncStatus(l.db, tokensOf(l))
    expect(online).toMatchObject({
      enrolled: true,
      snapshotNeeded: false,
      lastError: undefined,
      pending: { batches: 0, items: 0 },
    })
    expect(Date.parse(online.lastSyncAt!)).not.toBeNaN()
    expect(JSON.stringify(online)).not.toContain(tokensOf(l).read()!)
  })

  it('sends a snapshot when the server asks, and after a sequence gap', async () => {
    const { fake, l } = await syncedLaptop()
    const deviceId = readState(l.db).deviceId!
    await requestResync(s.storage, deviceId)
    const evs: SyncEvent[] = []
    expect(await syncNow(l.db, { ...opts(l), onEvent: (e) => evs.push(e) })).toMatchObject({
      kind: 'synced',
    })
    expect(
      evs.filter((e) => e.type === 'queued').some((e) => e.type === 'queued' && e.summary.snapshot),
    ).toBe(true)
    await expectInSync(l)
    // The server lost track (restored from a backup): its sequence is behind.
    await s.storage.db
      .updateTable('devices')
      .set({ last_seq: 1 })
      .where('id', '=', deviceId)
      .execute()
    rmSync(fake.paths.env)
    await scanLaptop(l)
    const evs2: SyncEvent[] = []
    expect(await syncNow(l.db, { ...opts(l), onEvent: (e) => evs2.push(e) })).toMatchObject({
      kind: 'synced',
    })
    expect(evs2.some((e) => e.type === 'resync')).toBe(true)
    await expectInSync(l)
  })

  it('enrolls again when its token is unknown; stops when revoked', async () => {
    const { l } = await syncedLaptop()
    const id = readState(l.db).deviceId
    tokensOf(l).write('aisd_not-a-token')
    expect(await syncNow(l.db, { ...opts(l), enrollSecret: undefined })).toMatchObject({
      kind: 'enroll-needed',
    })
    expect(await syncNow(l.db, opts(l))).toMatchObject({ kind: 'synced', deviceId: id })
    await expectInSync(l)
    await revokeDevice(s.storage, id!)
    expect(await syncNow(l.db, { ...opts(l), enrollSecret: undefined })).toMatchObject({
      kind: 'revoked',
    })
    expect(readState(l.db).revoked).toBe(true)
    expect(tokensOf(l).read()).toBeUndefined()
    expect(syncStatus(l.db, tokensOf(l))).toMatchObject({ enrolled: false, revoked: true })
    expect(await syncNow(l.db, { ...opts(l), enrollSecret: undefined })).toMatchObject({
      kind: 'revoked',
    })
    // With a secret again: the server still refuses this install.
    expect(await syncNow(l.db, opts(l))).toMatchObject({ kind: 'revoked' })
  })

  it('sends paths with the home replaced by default, in full when the server says so', async () => {
    const { fake, l } = await syncedLaptop()
    const deviceId = readState(l.db).deviceId!
    const paths = async () =>
      await s.storage.db
        .selectFrom('device_assets')
        .select(['path', 'data'])
        .where('device_id', '=', deviceId)
        .where('status', '=', 'present')
        .execute()
    const before = await paths()
    expect(before.length).toBeGreaterThan(0)
    expect(JSON.stringify(before)).not.toContain(fake.home)
    expect(before.some((r) => r.path?.startsWith('~/'))).toBe(true)
    await putConfigItem(s.storage, {
      scope: 'device',
      scopeId: deviceId,
      kind: 'setting',
      key: 'uploadPaths',
      value: 'full',
    })
    expect(await syncNow(l.db, opts(l))).toMatchObject({ kind: 'synced' })
    await expectInSync(l)
    const after = await paths()
    expect(after.some((r) => r.path?.startsWith(fake.home))).toBe(true)
  })
})
