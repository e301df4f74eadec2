import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InventoryBatch } from '../../../src/shared/sync-api'
import { startTestServer, TRANSPORTS } from '../helpers/app'
import type { TestServer, Transport } from '../helpers/app'
import {
  assetUpsert,
  delta,
  FACTS,
  findingUpsert,
  presentKeys as presentKeysOf,
  snapshotPart,
} from '../helpers/batches'
import { ENGINES, stopPg } from '../helpers/engines'
import type { EngineName } from '../helpers/engines'

afterAll(stopPg)

const A = '/api/agent/v1'

const combos = ENGINES.flatMap((e) => TRANSPORTS.map((t) => [e, t] as const))

describe.each(combos)('agent API on %s over %s', (engine: EngineName, transport: Transport) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(engine, transport)
  })
  afterAll(async () => s.close())

  async function enroll(facts: Partial<typeof FACTS> = {}) {
    const r = await s.call(`${A}/enroll`, {
      body: {
        enrollSecret: s.enrollSecret,
        device: { ...FACTS, installationId: `inst-${randomUUID()}`, ...facts },
      },
    })
    expect(r.status).toBe(201)
    return r.json() as {
      deviceId: string
      deviceToken: string
      fingerprintKey: string
      action: string
    }
  }

  const send = (token: string, batch: InventoryBatch | Record<string, unknown>, gzip = true) =>
    s.call(`${A}/inventory`, { token, body: batch, gzip })
  const commit = (token: string, seq: number, snapshotId: string, parts = 1) =>
    s.call(`${A}/inventory/commit`, {
      token,
      body: { batchId: randomUUID(), seq, snapshotId, parts },
    })

  const presentKeys = (deviceId: string) => presentKeysOf(s.storage, deviceId)

  describe('enroll', () => {
    it('exchanges a valid secret for a device token and the organisation fingerprint key', async () => {
      const e = await enroll()
      expect(e.deviceToken).toMatch(/^aisd_/)
      expect(Buffer.from(e.fingerprintKey, 'base64')).toHaveLength(32)
      // A new device owes its first snapshot.
      expect(e.action).toBe('resync')
      const other = await enroll()
      expect(other.fingerprintKey).toBe(e.fingerprintKey)
    })

    it('refuses an unknown secret, a malformed body and a wrongly typed field with a reason', async () => {
      const bad = await s.call(`${A}/enroll`, {
        body: { enrollSecret: 'aise_not-a-real-secret', device: FACTS },
      })
      expect(bad.status).toBe(401)
      expect(bad.json()).toMatchObject({ error: 'enroll_secret_invalid' })
      const missing = await s.call(`${A}/enroll`, { body: { enrollSecret: s.enrollSecret } })
      expect(missing.status).toBe(400)
      expect(missing.json().message).toMatch(/device/)
      const typed = await s.call(`${A}/enroll`, {
        body: { enrollSecret: s.enrollSecret, device: { ...FACTS, hostname: 42 } },
      })
      expect(typed.status).toBe(400)
      expect(typed.json().message).toMatch(/hostname/)
      const extra = await s.call(`${A}/enroll`, {
        body: { enrollSecret: s.enrollSecret, device: FACTS, admin: true },
      })
      expect(extra.status).toBe(400)
    })

    it('does not echo a body that is not JSON (it may hold a secret)', async () => {
      const r = await s.call(`${A}/enroll`, {
        body: `{"enrollSecret": "${s.enrollSecret}"`,
        headers: { 'content-type': 'application/json' },
      })
      expect(r.status).toBe(400)
      expect(r.body).not.toContain(s.enrollSecret)
      const wrongType = await s.call(`${A}/enroll`, {
        body: 'enrollSecret=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      expect(wrongType.status).toBe(415)
    })

    it('a revoked enroll secret no longer enrolls', async () => {
      const created = await s.call('/api/fleet/v1/enroll-secrets', {
        token: s.adminToken,
        body: { team: 'temp' },
      })
      expect(created.status).toBe(201)
      const { secret, id } = created.json()
      const revoke = await s.call(`/api/fleet/v1/enroll-secrets/${id}/revoke`, {
        method: 'POST',
        token: s.adminToken,
      })
      expect(revoke.status).toBe(200)
      const r = await s.call(`${A}/enroll`, { body: { enrollSecret: secret, device: FACTS } })
      expect(r.status).toBe(401)
    })
  })

  describe('authentication and revocation', () => {
    it('rejects requests without a token, with an unknown token and after revocation', async () => {
      for (const [path, method] of [
        ['/config', 'GET'],
        ['/token', 'POST'],
        ['/heartbeat', 'POST'],
        ['/inventory', 'POST'],
        ['/inventory/commit', 'POST'],
      ] as const) {
        const none = await s.call(`${A}${path}`, {
          method,
          body: method === 'POST' ? {} : undefined,
        })
        expect(none.status, path).toBe(401)
        expect(none.json().action).toBe('reenroll')
        const unknown = await s.call(`${A}${path}`, {
          method,
          token: 'aisd_unknown',
          body: method === 'POST' ? {} : undefined,
        })
        expect(unknown.status, path).toBe(401)
        expect(unknown.json()).toMatchObject({ error: 'reenroll', action: 'reenroll' })
      }
      // Its own hardware: a revoked hardware id + OS user refuses later enrollments of that user.
      const e = await enroll({ hardwareId: 'hw-revoked-1' })
      const revoke = await s.call(`/api/fleet/v1/devices/${e.deviceId}/revoke`, {
        method: 'POST',
        token: s.adminToken,
      })
      expect(revoke.json()).toEqual({ revoked: true })
      const after = await s.call(`${A}/heartbeat`, {
        token: e.deviceToken,
        body: { appVersion: '1', pendingChanges: 0, lastAckedSeq: 0 },
      })
      expect(after.status).toBe(401)
      expect(after.json()).toMatchObject({ error: 'device_revoked', action: 'stop' })
      const inv = await send(
        e.deviceToken,
        snapshotPart(1, 'snap_revoked1', 1, 1, [assetUpsert('x')]),
      )
      expect(inv.json().action).toBe('stop')
      // Enrolling the same install again is refused too.
      const again = await s.call(`${A}/enroll`, {
        body: {
          enrollSecret: s.enrollSecret,
          device: { ...FACTS, installationId: 'inst-revoked-x', hardwareId: 'hw-revoked-x' },
        },
      })
      expect(again.status).toBe(201)
      const revokeAgain = await s.call(`/api/fleet/v1/devices/${again.json().deviceId}/revoke`, {
        method: 'POST',
        token: s.adminToken,
      })
      expect(revokeAgain.status).toBe(200)
      const third = await s.call(`${A}/enroll`, {
        body: {
          enrollSecret: s.enrollSecret,
          device: { ...FACTS, installationId: 'inst-revoked-x', hardwareId: 'hw-revoked-x' },
        },
      })
      expect(third.status).toBe(403)
      expect(third.json()).toMatchObject({ error: 'device_revoked', action: 'stop' })
    })

    it('rotates the token: the new one works, the old one until the new one is used', async () => {
      const e = await enroll()
      const r = await s.call(`${A}/token`, { method: 'POST', token: e.deviceToken })
      expect(r.status).toBe(200)
      const next = r.json().deviceToken as string
      expect(next).not.toBe(e.deviceToken)
      expect((await s.call(`${A}/config`, { token: e.deviceToken })).status).toBe(200)
      expect((await s.call(`${A}/config`, { token: next })).status).toBe(200)
      expect((await s.call(`${A}/config`, { token: e.deviceToken })).status).toBe(401)
    })
  })

  describe('config', () => {
    it('answers with an ETag and 304 when unchanged; a settings change changes it', async () => {
      const e = await enroll()
      const c1 = await s.call(`${A}/config`, { token: e.deviceToken })
      expect(c1.status).toBe(200)
      const etag = c1.headers.etag!
      expect(c1.json()).toMatchObject({ etag, settings: { uploadPaths: 'home' } })
      const c2 = await s.call(`${A}/config`, {
        token: e.deviceToken,
        headers: { 'if-none-match': etag },
      })
      expect(c2.status).toBe(304)
      const put = await s.call('/api/fleet/v1/config/settings', {
        method: 'PUT',
        token: s.adminToken,
        body: { deviceId: e.deviceId, settings: { uploadPaths: 'full' } },
      })
      expect(put.status).toBe(200)
      const c3 = await s.call(`${A}/config`, {
        token: e.deviceToken,
        headers: { 'if-none-match': etag },
      })
      expect(c3.status).toBe(200)
      expect(c3.json().settings.uploadPaths).toBe('full')
      // Another device does not see this device's config.
      const other = await enroll()
      const c4 = await s.call(`${A}/config`, { token: other.deviceToken })
      expect(c4.json().settings.uploadPaths).toBe('home')
    })
  })

  describe('inventory', () => {
    it('applies a gzip snapshot in parts, its commit, deltas; duplicates are idempotent; a gap asks for a resync', async () => {
      const e = await enroll()
      const p1 = snapshotPart(1, 'snap_api00001', 1, 2, [assetUpsert('a'), assetUpsert('b')])
      const r1 = await send(e.deviceToken, p1)
      expect(r1.status).toBe(200)
      expect(r1.json()).toMatchObject({ ackSeq: 1, duplicate: false, applied: { assets: 2 } })
      const r2 = await send(
        e.deviceToken,
        snapshotPart(2, 'snap_api00001', 2, 2, [assetUpsert('c')], [findingUpsert('f', 'c')]),
      )
      expect(r2.json().ackSeq).toBe(2)
      const c = await commit(e.deviceToken, 3, 'snap_api00001', 2)
      expect(c.status).toBe(200)
      expect(c.json()).toMatchObject({ ackSeq: 3, action: 'none', applied: { gone: 0 } })
      expect(await presentKeys(e.deviceId)).toEqual(['a', 'b', 'c'])

      const d4 = delta(4, [{ op: 'remove', key: 'a' }, assetUpsert('d')])
      expect((await send(e.deviceToken, d4)).json()).toMatchObject({ ackSeq: 4, duplicate: false })
      const dup = await send(e.deviceToken, d4)
      expect(dup.status).toBe(200)
      expect(dup.json()).toMatchObject({ ackSeq: 4, duplicate: true })
      expect(await presentKeys(e.deviceId)).toEqual(['b', 'c', 'd'])

      const gap = await send(e.deviceToken, delta(9, [assetUpsert('e')]))
      expect(gap.status).toBe(409)
      expect(gap.json()).toMatchObject({
        error: 'resync_required',
        action: 'resync',
        expectedSeq: 5,
      })
      // Uncompressed bodies are accepted too.
      expect((await send(e.deviceToken, delta(5, [assetUpsert('e')]), false)).status).toBe(200)
    })

    it('refuses malformed and wrongly typed batches with 400 and a reason', async () => {
      const e = await enroll()
      const base = snapshotPart(1, 'snap_api00002', 1, 1, [assetUpsert('a')])
      const cases: [string, Record<string, unknown>, RegExp][] = [
        ['seq as text', { ...base, seq: '1' }, /seq/],
        ['negative seq', { ...base, seq: -1 }, /seq/],
        ['bad batch id', { ...base, batchId: 'nope' }, /batchId/],
        ['unknown mode', { ...base, mode: 'merge' }, /mode/],
        ['unknown op', { ...base, assets: [{ op: 'delete', key: 'a' }] }, /assets/],
        ['bad hash', { ...base, assets: [{ ...assetUpsert('a'), hash: 'xyz' }] }, /assets/],
        ['missing findings', { ...base, findings: undefined }, /findings/],
        ['extra field', { ...base, deviceId: 'dev_00000000000000000000' }, /./],
      ]
      for (const [name, body, reason] of cases) {
        const r = await send(e.deviceToken, body)
        expect(r.status, name).toBe(400)
        expect(r.json().error, name).toBe('bad_request')
        expect(r.json().message, name).toMatch(reason)
      }
      const notGzip = await s.call(`${A}/inventory`, {
        token: e.deviceToken,
        body: Buffer.from('this is not gzip'),
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      })
      expect(notGzip.status).toBe(400)
      expect(notGzip.json().message).toMatch(/gzip/)
      const brotli = await s.call(`${A}/inventory`, {
        token: e.deviceToken,
        body: Buffer.from('{}'),
        headers: { 'content-type': 'application/json', 'content-encoding': 'br' },
      })
      expect(brotli.status).toBe(415)
      // Nothing was applied by any of them.
      expect(await presentKeys(e.deviceId)).toEqual([])
    })

    it("a device's token only ever writes that device's inventory", async () => {
      const a = await enroll()
      const b = await enroll()
      await send(a.deviceToken, snapshotPart(1, 'snap_owner001', 1, 1, [assetUpsert('mine')]))
      await commit(a.deviceToken, 2, 'snap_owner001')
      // B cannot commit A's snapshot, nor remove A's asset by key.
      expect((await commit(b.deviceToken, 2, 'snap_owner001')).status).toBe(409)
      await send(b.deviceToken, snapshotPart(1, 'snap_owner002', 1, 1, []))
      await commit(b.deviceToken, 2, 'snap_owner002')
      await send(b.deviceToken, delta(3, [{ op: 'remove', key: 'mine' }]))
      expect(await presentKeys(a.deviceId)).toEqual(['mine'])
    })
  })

  describe('heartbeat', () => {
    it('records the app version and pending changes, and carries the directive', async () => {
      const e = await enroll()
      const r = await s.call(`${A}/heartbeat`, {
        token: e.deviceToken,
        body: {
          appVersion: '9.9.9',
          pendingChanges: 7,
          lastAckedSeq: 0,
          hardwareId: FACTS.hardwareId,
          lastScan: { id: 's1', status: 'complete', durationMs: 12 },
        },
      })
      expect(r.status).toBe(200)
      expect(r.json()).toMatchObject({ action: 'resync', commands: [] })
      expect(r.json().configEtag).toBeTruthy()
      const d = await s.call(`/api/fleet/v1/devices/${e.deviceId}`, { token: s.viewerToken })
      expect(d.json().device).toMatchObject({ appVersion: '9.9.9', pendingChanges: 7 })
      const bad = await s.call(`${A}/heartbeat`, {
        token: e.deviceToken,
        body: { appVersion: '1', pendingChanges: -1, lastAckedSeq: 0 },
      })
      expect(bad.status).toBe(400)
    })
  })
})
