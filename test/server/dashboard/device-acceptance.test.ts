import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acceptanceAt, deviceAcceptanceOf } from '../../../src/server/storage/acceptance'
import type { DashboardFinding } from '../../../src/shared/dashboard-api'
import type { FindingItem } from '../../../src/shared/sync-api'
import { assetUpsert, findingUpsert, hashOf } from '../helpers/batches'
import { ENGINES, stopPg } from '../helpers/engines'
import type { EngineName } from '../helpers/engines'
import { PASSWORDS, startDashServer } from './helpers'
import type { Browser, DashServer } from './helpers'

afterAll(stopPg)

const F = '/api/fleet/v1'
const DAY = 86_400_000
const iso = (ms: number) => new Date(Date.now() + ms).toISOString()

/** A finding as a device sends it when its user accepted the risk (`data.accepted`). */
function acceptedOnDevice(key: string, accepted: unknown): FindingItem {
  const f = findingUpsert(key, 'model:x', 'critical')
  if (f.op !== 'upsert') throw new Error('upsert expected')
  const data = { ...f.data, accepted }
  return { ...f, data, hash: hashOf(data) }
}

describe('a device-reported acceptance is checked before it counts', () => {
  it('needs a note and a valid time; bounds the note; reads the expiry', () => {
    const at = '2030-01-01T00:00:00.000Z'
    expect(deviceAcceptanceOf({})).toBeUndefined()
    expect(deviceAcceptanceOf({ accepted: true })).toBeUndefined()
    expect(deviceAcceptanceOf({ accepted: { note: '', acceptedAt: at } })).toBeUndefined()
    expect(deviceAcceptanceOf({ accepted: { note: 'n', acceptedAt: 'soon' } })).toBeUndefined()
    expect(deviceAcceptanceOf({ accepted: ['n'] })).toBeUndefined()
    expect(
      deviceAcceptanceOf({
        accepted: { note: 'x'.repeat(5000), acceptedBy: 'dev', acceptedAt: at },
      })?.note.length,
    ).toBe(2000)
    const now = new Date('2030-02-01T00:00:00Z')
    const lapsed = { accepted: { note: 'n', acceptedAt: at, expiresAt: '2030-01-15T00:00:00Z' } }
    expect(acceptanceAt(null, lapsed, now).source).toBeNull()
    expect(acceptanceAt(null, lapsed, new Date('2030-01-10T00:00:00Z')).source).toBe('device')
    // An admin's acceptance is named first when both hold.
    const risk = JSON.stringify({
      findingKey: 'k',
      note: 'team',
      acceptedBy: 'ada',
      acceptedAt: at,
    })
    expect(acceptanceAt(risk, lapsed, new Date('2030-01-10T00:00:00Z')).source).toBe('server')
    expect(acceptanceAt('not json', {}, now)).toEqual({
      source: null,
      server: undefined,
      device: undefined,
    })
  })
})

describe.each(ENGINES)('findings accepted on the device, on %s', (engine: EngineName) => {
  let s: DashServer
  let admin: Browser
  let id = ''

  beforeAll(async () => {
    s = await startDashServer(engine)
    const d = await s.device(
      'laptop',
      [assetUpsert('model:x')],
      [
        acceptedOnDevice('f:held', {
          note: 'sandboxed',
          acceptedBy: 'dev',
          acceptedAt: iso(-DAY),
          expiresAt: iso(30 * DAY),
        }),
        acceptedOnDevice('f:lapsed', {
          note: 'was fine last month',
          acceptedBy: 'dev',
          acceptedAt: iso(-40 * DAY),
          expiresAt: iso(-DAY),
        }),
        acceptedOnDevice('f:forged', { note: '', acceptedAt: 'yesterday' }),
        findingUpsert('f:plain', 'model:x', 'critical'),
      ],
    )
    id = d.id
    admin = s.browser()
    await admin.signIn('ada', PASSWORDS.admin)
  })
  afterAll(async () => s.close())

  const keys = async (q: string) =>
    ((await admin.call(`${F}/findings?device=${id}&${q}`)).json().findings as DashboardFinding[])
      .map((f) => f.key)
      .sort()

  it('lists a held acceptance as accepted on the device; a lapsed or malformed one as open', async () => {
    expect(await keys('status=accepted')).toEqual(['f:held'])
    expect(await keys('status=accepted&source=device')).toEqual(['f:held'])
    expect(await keys('status=accepted&source=server')).toEqual([])
    expect(await keys('status=open')).toEqual(['f:forged', 'f:lapsed', 'f:plain'])
    const all = (await admin.call(`${F}/findings?device=${id}&status=all`)).json()
      .findings as DashboardFinding[]
    const by = new Map(all.map((f) => [f.key, f]))
    expect(by.get('f:held')).toMatchObject({
      status: 'accepted',
      acceptedSource: 'device',
      deviceAcceptance: { note: 'sandboxed', acceptedBy: 'dev' },
    })
    // The lapsed one is still shown (the pane says it expired), but counts as open.
    expect(by.get('f:lapsed')).toMatchObject({
      status: 'open',
      acceptedSource: null,
      deviceAcceptance: { note: 'was fine last month' },
    })
    expect(by.get('f:forged')).toMatchObject({ status: 'open', deviceAcceptance: null })
    // A bad source filter is refused.
    expect((await admin.call(`${F}/findings?status=accepted&source=laptop`)).status).toBe(400)
  })

  const openCritical = async (): Promise<number> => {
    const r = await admin.call(`${F}/devices`)
    const dev = (r.json().devices as { id: string; openFindings: { critical: number } }[]).find(
      (d) => d.id === id,
    )
    return dev!.openFindings.critical
  }

  it('the devices list counts open findings without the accepted ones', async () => {
    // Four open critical findings, one under the laptop's acceptance in force.
    expect(await openCritical()).toBe(3)
  })

  it('an admin can accept on top of a lapsed laptop acceptance; the server one is named', async () => {
    const a = await admin.call(`${F}/findings/accept`, {
      body: { deviceId: id, findingKey: 'f:lapsed', note: 'team renews it' },
    })
    expect(a.status, a.body).toBe(200)
    expect(await keys('status=accepted&source=server')).toEqual(['f:lapsed'])
    expect(await keys('status=accepted')).toEqual(['f:held', 'f:lapsed'])
    expect(await openCritical()).toBe(2)
    const u = await admin.call(`${F}/findings/unaccept`, {
      body: { deviceId: id, findingKey: 'f:lapsed' },
    })
    expect(u.status, u.body).toBe(200)
    expect(await openCritical()).toBe(3)
  })
})

describe.each(ENGINES)('findings by rule across the fleet, on %s', (engine: EngineName) => {
  let s: DashServer
  let admin: Browser

  /** A finding of `rule` accepted on the laptop until `until` (ms from now). */
  const laptopAccepted = (key: string, rule: string, until: number): FindingItem => {
    const f = findingUpsert(key, 'model:x', 'high', rule)
    if (f.op !== 'upsert') throw new Error('upsert expected')
    const accepted = { note: 'ok', acceptedBy: 'dev', acceptedAt: iso(-DAY), expiresAt: iso(until) }
    const data = { ...f.data, accepted }
    return { ...f, data, hash: hashOf(data) }
  }

  beforeAll(async () => {
    s = await startDashServer(engine)
    // rule.a: a has one accepted (laptop) and one open; b's only one is accepted by an admin.
    await s.device(
      'a',
      [assetUpsert('model:x')],
      [
        laptopAccepted('a:1', 'rule.a', 30 * DAY),
        findingUpsert('a:2', 'model:x', 'high', 'rule.a'),
        // rule.c: a lapsed laptop acceptance counts as open.
        laptopAccepted('a:3', 'rule.c', -DAY),
      ],
    )
    const b = await s.device(
      'b',
      [assetUpsert('model:x')],
      [
        findingUpsert('b:1', 'model:x', 'high', 'rule.a'),
        // rule.b: every finding of it accepted, so the group goes.
        laptopAccepted('b:2', 'rule.b', 30 * DAY),
      ],
    )
    admin = s.browser()
    await admin.signIn('ada', PASSWORDS.admin)
    const r = await admin.call(`${F}/findings/accept`, {
      body: { deviceId: b.id, findingKey: 'b:1', note: 'team accepts it' },
    })
    expect(r.status, r.body).toBe(200)
  })
  afterAll(async () => s.close())

  const groups = async () => (await admin.call(`${F}/findings/by-rule`)).json().groups as unknown[]

  it('counts only findings not under an acceptance in force, and only devices with one left', async () => {
    expect(await groups()).toEqual([
      { ruleId: 'rule.a', severity: 'high', findings: 1, devices: 1 },
      { ruleId: 'rule.c', severity: 'high', findings: 1, devices: 1 },
    ])
  })

  it('counts a finding again once its acceptance is withdrawn', async () => {
    const b = (await admin.call(`${F}/devices`))
      .json()
      .devices.find((d: { hostname: string }) => d.hostname === 'b') as { id: string }
    const u = await admin.call(`${F}/findings/unaccept`, {
      body: { deviceId: b.id, findingKey: 'b:1' },
    })
    expect(u.status, u.body).toBe(200)
    expect(await groups()).toEqual([
      { ruleId: 'rule.a', severity: 'high', findings: 2, devices: 2 },
      { ruleId: 'rule.c', severity: 'high', findings: 1, devices: 1 },
    ])
  })
})
