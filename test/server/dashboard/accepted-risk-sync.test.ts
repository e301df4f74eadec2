import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acceptRisk, acceptanceOf, reopenRisk } from '../../../src/core/storage/accepted-risks'
import { openInventoryReader } from '../../../src/core/storage/inventory-reader'
import { syncNow } from '../../../src/core/sync/client'
import type { SyncEvent, SyncOptions } from '../../../src/core/sync/client'
import { readState } from '../../../src/core/sync/state'
import type { DashboardFinding } from '../../../src/shared/dashboard-api'
import { fakeOpenAiKey, makeFakeHome } from '../../fixtures/generators/fake-home'
import { laptop, scanLaptop, tokensOf } from '../../core/sync/helpers'
import type { Laptop } from '../../core/sync/helpers'
import { ENGINES, stopPg } from '../helpers/engines'
import type { EngineName } from '../helpers/engines'
import { PASSWORDS, startDashServer } from './helpers'
import type { Browser, DashServer } from './helpers'

afterAll(stopPg)

const F = '/api/fleet/v1'
const FAST = { attempts: 3, baseMs: 5, capMs: 20 }

/**
 * Accepted risk flows both ways through a real sync (the core client over loopback HTTP to the
 * server with its dashboard routes): an admin's acceptance reaches the laptop's inventory in its
 * config, and the laptop user's acceptance reaches the server's findings list with the next batch,
 * exactly one finding re-sent each time.
 */
describe.each(ENGINES)('accepted risk between laptop and server on %s', (engine: EngineName) => {
  let s: DashServer
  let url: string
  let admin: Browser
  let l: Laptop
  let deviceId: string
  beforeAll(async () => {
    s = await startDashServer(engine)
    url = await s.app.listen({ host: '127.0.0.1', port: 0 })
    admin = s.browser()
    expect((await admin.signIn('ada', PASSWORDS.admin)).status).toBe(200)
    l = laptop(makeFakeHome().home)
    expect((await syncNow(l.db, { ...opts(), enrollOnly: true })).kind).toBe('enrolled')
    await scanLaptop(l)
    expect((await syncNow(l.db, opts())).kind).toBe('synced')
    deviceId = readState(l.db).deviceId!
  })
  afterAll(async () => s.close())

  const opts = (extra: Partial<SyncOptions> = {}): SyncOptions => ({
    serverUrl: url,
    enrollSecret: s.enrollSecret,
    tokens: tokensOf(l),
    appVersion: '1.2.3',
    retry: FAST,
    env: { AISCOUT_HARDWARE_ID: `hw-${l.dbPath}` },
    ...extra,
  })

  async function sync(): Promise<SyncEvent[]> {
    const events: SyncEvent[] = []
    const r = await syncNow(l.db, { ...opts(), onEvent: (e) => events.push(e) })
    expect(r.kind).toBe('synced')
    return events
  }
  const queued = (events: SyncEvent[]) => {
    const q = events.find((e) => e.type === 'queued')
    return q?.type === 'queued' ? q.summary : undefined
  }
  async function serverFinding(key: string): Promise<DashboardFinding | undefined> {
    const r = await admin.call(`${F}/findings?device=${deviceId}&status=all&limit=500`)
    expect(r.status).toBe(200)
    return (r.json().findings as DashboardFinding[]).find((f) => f.key === key)
  }
  const openFindings = (): string[] =>
    (
      l.db.prepare(`SELECT id FROM findings WHERE status = 'open' ORDER BY id`).all() as {
        id: string
      }[]
    ).map((r) => r.id)

  it('the laptop user accepts: one finding is re-sent and the server lists it accepted on the device', async () => {
    const key = openFindings()[0]!
    expect((await serverFinding(key))?.status).toBe('open')
    acceptRisk(l.db, {
      findingId: key,
      note: 'fixture kept in a sandbox',
      acceptedBy: 'dev',
      expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    })
    const ev = await sync()
    expect(queued(ev)).toMatchObject({
      snapshot: false,
      findingUpserts: 1,
      assetUpserts: 0,
      assetRemovals: 0,
      findingResolutions: 0,
    })
    const f = await serverFinding(key)
    expect(f).toMatchObject({
      status: 'accepted',
      acceptedSource: 'device',
      acceptedRisk: null,
      deviceAcceptance: { note: 'fixture kept in a sandbox', acceptedBy: 'dev' },
    })
    expect(f?.deviceAcceptance?.expiresAt).toBeDefined()
    // Filters: accepted on the device, not on the server; not in the open list.
    const dev = (
      await admin.call(`${F}/findings?device=${deviceId}&status=accepted&source=device`)
    ).json()
    expect(dev.findings.map((x: DashboardFinding) => x.key)).toEqual([key])
    const srv = (
      await admin.call(`${F}/findings?device=${deviceId}&status=accepted&source=server`)
    ).json()
    expect(srv.findings).toEqual([])
    const open = (await admin.call(`${F}/findings?device=${deviceId}&status=open&limit=500`)).json()
    expect(open.findings.map((x: DashboardFinding) => x.key)).not.toContain(key)
    // Nothing else changed: the next sync sends nothing.
    expect(queued(await sync())).toBeUndefined()
    // Reopened on the laptop: that one finding again, open on the server.
    expect(reopenRisk(l.db, key)).toBe(true)
    expect(queued(await sync())).toMatchObject({ findingUpserts: 1, assetUpserts: 0 })
    expect(await serverFinding(key)).toMatchObject({
      status: 'open',
      acceptedSource: null,
      deviceAcceptance: null,
    })
  })

  it('an admin accepts in the dashboard: the laptop shows it accepted after its next sync; withdrawn, it is open again', async () => {
    const key = openFindings()[1]!
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString()
    const a = await admin.call(`${F}/findings/accept`, {
      body: { deviceId, findingKey: key, note: 'vendor sample, reviewed', expiresAt },
    })
    expect(a.status, a.body).toBe(200)
    expect(acceptanceOf(l.db, key)).toBeUndefined()
    const ev = await sync()
    // Receiving the team's acceptance sends nothing back.
    expect(queued(ev)).toBeUndefined()
    expect(acceptanceOf(l.db, key)).toMatchObject({
      source: 'server',
      note: 'vendor sample, reviewed',
      acceptedBy: 'ada',
      expiresAt,
    })
    const inv = openInventoryReader(l.db)
    expect(inv.accepted?.get(key)).toMatchObject({ source: 'server' })
    // The laptop cannot reopen it; the server lists it as accepted there.
    expect(() => reopenRisk(l.db, key)).toThrow(/security team/)
    expect(await serverFinding(key)).toMatchObject({ status: 'accepted', acceptedSource: 'server' })
    // The admin reopens it (audit-logged): the next config takes it off the laptop.
    const u = await admin.call(`${F}/findings/unaccept`, { body: { deviceId, findingKey: key } })
    expect(u.status, u.body).toBe(200)
    const audit = (await admin.call(`${F}/audit`)).json()
    expect(JSON.stringify(audit)).toContain('risk-unaccept')
    await sync()
    expect(acceptanceOf(l.db, key)).toBeUndefined()
    expect(openInventoryReader(l.db).accepted?.has(key)).toBe(false)
  })

  it("a key pasted into an admin's note keeps only its preview: in the response, the audit log and on the laptop", async () => {
    const key = openFindings()[2]!
    const pasted = fakeOpenAiKey(4242)
    const a = await admin.call(`${F}/findings/accept`, {
      body: { deviceId, findingKey: key, note: `test key ${pasted} is revoked` },
    })
    expect(a.status, a.body).toBe(200)
    expect(a.body).not.toContain(pasted.slice(12, 40))
    expect((a.json() as { accepted: { note: string } }).accepted.note).toContain(
      `sk-proj-…${pasted.slice(-4)}`,
    )
    expect(JSON.stringify((await admin.call(`${F}/audit`)).json())).not.toContain(
      pasted.slice(12, 40),
    )
    await sync()
    expect(acceptanceOf(l.db, key)?.note).toBe(`test key sk-proj-…${pasted.slice(-4)} is revoked`)
  })
})
