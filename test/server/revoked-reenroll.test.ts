import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer } from './helpers/app'
import type { TestServer } from './helpers/app'
import { FACTS } from './helpers/batches'
import { ENGINES, stopPg } from './helpers/engines'
import type { EngineName } from './helpers/engines'

afterAll(stopPg)

const A = '/api/agent/v1'
const F = '/api/fleet/v1'

/**
 * A revoked device stays refused until an admin removes it: neither another hardware id for the
 * same install (the hardware id is the client's word) nor a new install of the same OS user on
 * the same hardware gets a fresh device.
 */
describe.each(ENGINES)('revoked devices cannot re-enroll on %s', (engine: EngineName) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(engine, 'inject')
  })
  afterAll(async () => s.close())

  const enroll = (facts: Partial<typeof FACTS>) =>
    s.call(`${A}/enroll`, {
      body: { enrollSecret: s.enrollSecret, device: { ...FACTS, ...facts } },
    })

  async function revokedDevice() {
    const facts = {
      installationId: `inst-${randomUUID()}`,
      hardwareId: `hw-${randomUUID()}`,
      user: `u-${randomUUID().slice(0, 8)}`,
    }
    const e = await enroll(facts)
    expect(e.status).toBe(201)
    const id = e.json().deviceId as string
    const r = await s.call(`${F}/devices/${id}/revoke`, { method: 'POST', token: s.adminToken })
    expect(r.status).toBe(200)
    return { facts, id }
  }

  it('refuses the revoked installation id whatever hardware id it claims', async () => {
    const { facts } = await revokedDevice()
    const r = await enroll({ ...facts, hardwareId: `hw-${randomUUID()}` })
    expect(r.status).toBe(403)
    expect(r.json()).toMatchObject({ error: 'device_revoked', action: 'stop' })
  })

  it('refuses a new install of the same OS user on the revoked hardware', async () => {
    const { facts } = await revokedDevice()
    const r = await enroll({ ...facts, installationId: `inst-${randomUUID()}` })
    expect(r.status).toBe(403)
    expect(r.json()).toMatchObject({ error: 'device_revoked' })
    // Another OS user of that machine is a different device and may enroll.
    const other = await enroll({ ...facts, installationId: `inst-${randomUUID()}`, user: 'bob' })
    expect(other.status).toBe(201)
  })

  it('an admin removing the device lifts the refusal; a live device cannot be removed', async () => {
    const live = await enroll({ installationId: `inst-${randomUUID()}`, hardwareId: 'hw-live' })
    const liveId = live.json().deviceId as string
    const notRevoked = await s.call(`${F}/devices/${liveId}`, {
      method: 'DELETE',
      token: s.adminToken,
    })
    expect(notRevoked.status).toBe(409)
    const { facts, id } = await revokedDevice()
    const viewer = await s.call(`${F}/devices/${id}`, { method: 'DELETE', token: s.viewerToken })
    expect(viewer.status).toBe(403)
    const del = await s.call(`${F}/devices/${id}`, { method: 'DELETE', token: s.adminToken })
    expect(del.status).toBe(200)
    expect((await s.call(`${F}/devices/${id}`, { token: s.adminToken })).status).toBe(404)
    const again = await enroll({ ...facts, hardwareId: `hw-${randomUUID()}` })
    expect(again.status).toBe(201)
    expect(again.json().reenrolled).toBe(false)
  })
})
