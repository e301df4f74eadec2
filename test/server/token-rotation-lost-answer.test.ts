import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  authenticateDevice,
  enrollDevice,
  PREVIOUS_TOKEN_GRACE_S,
  rotateDeviceToken,
} from '../../src/server/storage/devices'
import type { Storage } from '../../src/server/storage/open'
import { ensureTeam } from '../../src/server/storage/orgs'
import { startTestServer } from './helpers/app'
import type { TestServer } from './helpers/app'
import { FACTS } from './helpers/batches'
import { ENGINES, openFresh, stopPg } from './helpers/engines'
import type { EngineName } from './helpers/engines'

afterAll(stopPg)

const A = '/api/agent/v1'
const HOUR = 3600_000

/**
 * A client that never receives a `/token` answer keeps its old token (T1). It must keep being
 * told to rotate while it uses T1, and a rotation asked for with T1 must keep T1 working, so a
 * lost answer never locks the device out.
 */
describe.each(ENGINES)('token rotation with a lost answer on %s', (engine: EngineName) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(engine, 'inject')
  })
  afterAll(async () => s.close())

  const heartbeat = (token: string) =>
    s.call(`${A}/heartbeat`, {
      token,
      body: { appVersion: '0.1.0', pendingChanges: 0, lastAckedSeq: 0 },
    })

  it('keeps asking for rotation while the previous token is used, and keeps that token valid', async () => {
    const e = await s.call(`${A}/enroll`, {
      body: {
        enrollSecret: s.enrollSecret,
        device: { ...FACTS, installationId: `inst-${randomUUID()}` },
      },
    })
    const t1 = e.json().deviceToken as string
    // The answer with T2 is lost: the client still holds T1.
    const lost = await s.call(`${A}/token`, { method: 'POST', token: t1 })
    expect(lost.status).toBe(200)
    const hb = await heartbeat(t1)
    expect(hb.status).toBe(200)
    expect(hb.json().rotateToken).toBe(true)
    // Rotating with T1 must not retire T1 (it is the only token the client holds).
    const again = await s.call(`${A}/token`, { method: 'POST', token: t1 })
    expect(again.status).toBe(200)
    const t3 = again.json().deviceToken as string
    expect((await heartbeat(t1)).status).toBe(200)
    // Once the client uses the token it received, the directive stops and T1 is retired.
    const withT3 = await heartbeat(t3)
    expect(withT3.status).toBe(200)
    expect(withT3.json().rotateToken).toBeUndefined()
    expect((await heartbeat(t1)).status).toBe(401)
  })
})

describe.each(ENGINES)('token rotation grace on %s (storage)', (engine: EngineName) => {
  let storage: Storage
  beforeAll(async () => {
    storage = await openFresh(engine)
  })
  afterAll(async () => storage.close())

  it('a client that keeps losing answers is never locked out past the grace', async () => {
    const team = await ensureTeam(storage)
    const r = await enrollDevice(storage, team, {
      ...FACTS,
      installationId: `inst-${randomUUID()}`,
    })
    if (r.kind !== 'enrolled') throw new Error('not enrolled')
    const t0 = Date.now()
    const t1 = r.token
    let at = new Date(t0)
    await rotateDeviceToken(storage, r.device, at) // answer lost
    for (let round = 0; round < 3; round++) {
      // Each contact comes late in the grace of the last rotation.
      at = new Date(at.getTime() + PREVIOUS_TOKEN_GRACE_S * 1000 - HOUR)
      const auth = await authenticateDevice(storage, t1, at)
      expect(auth.kind).toBe('ok')
      if (auth.kind !== 'ok') return
      expect(auth.viaPrevious).toBe(true)
      await rotateDeviceToken(storage, auth.device, at, auth.viaPrevious) // lost again
    }
    // The last grace still runs from the last rotation.
    expect((await authenticateDevice(storage, t1, new Date(at.getTime() + HOUR))).kind).toBe('ok')
    expect(
      (
        await authenticateDevice(
          storage,
          t1,
          new Date(at.getTime() + 2 * PREVIOUS_TOKEN_GRACE_S * 1000),
        )
      ).kind,
    ).toBe('unknown')
  })
})
