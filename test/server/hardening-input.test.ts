import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_BODY_DEPTH, MAX_ITEM_BYTES } from '../../src/shared/sync-api'
import { startTestServer } from './helpers/app'
import type { TestServer } from './helpers/app'
import { assetUpsert, FACTS, findingUpsert, hashOf, snapshotPart } from './helpers/batches'
import { ENGINES, stopPg } from './helpers/engines'
import type { EngineName } from './helpers/engines'
import { startDashServer } from './dashboard/helpers'
import type { DashServer } from './dashboard/helpers'

afterAll(stopPg)

const A = '/api/agent/v1'
const F = '/api/fleet/v1'

function nested(depth: number): string {
  return '{"x":'.repeat(depth) + '1' + '}'.repeat(depth)
}

/**
 * Input the database or the serialiser cannot take answers 400 naming the field, the same on
 * both engines; never 500 (which a sync client retries unchanged, blocking its device for good).
 */
describe.each(ENGINES)('bad input answers 400 on %s', (engine: EngineName) => {
  let s: TestServer
  let token: string
  beforeAll(async () => {
    s = await startTestServer(engine, 'inject')
    const e = await s.call(`${A}/enroll`, {
      body: {
        enrollSecret: s.enrollSecret,
        device: { ...FACTS, installationId: `inst-${randomUUID()}` },
      },
    })
    token = e.json().deviceToken
  })
  afterAll(async () => s.close())

  const send = (body: unknown) => s.call(`${A}/inventory`, { token, body, gzip: true })
  /** A one-part snapshot (any sequence number starts one) carrying these items as sent. */
  const part = (assets: unknown[], findings: unknown[] = []) => ({
    ...snapshotPart(1, `snap${randomUUID().slice(0, 8)}`, 1, 1, [], []),
    assets,
    findings,
  })

  it('refuses deeply nested data with 400, not a RangeError', async () => {
    const raw = JSON.stringify(part([assetUpsert('deep')])).replace(
      '"details":{}',
      `"details":${nested(4500)}`,
    )
    const r = await s.call(`${A}/inventory`, {
      token,
      body: raw,
      gzip: true,
      headers: { 'content-type': 'application/json' },
    })
    expect(r.status).toBe(400)
    expect(r.json()).toMatchObject({ error: 'bad_request' })
    expect(r.json().message).toMatch(new RegExp(`deeper than ${MAX_BODY_DEPTH}`))
  })

  it('refuses NUL and unpaired surrogates in every stored string', async () => {
    const a = assetUpsert('ok')
    const cases: unknown[] = [
      part([{ ...a, key: 'a\u0000b' }]),
      part([{ op: 'remove', key: 'gone\u0000' }]),
      part([], [{ ...findingUpsert('f1', 'ok'), key: 'f\u0000' }]),
      part([], [{ ...findingUpsert('f2', 'ok'), ruleId: 'rule\u0000' }]),
      part([], [{ op: 'resolve', key: 'r\u0000' }]),
      part([{ ...a, key: 'lone\ud800' }]),
    ]
    for (const body of cases) {
      const r = await send(body)
      expect(r.status, JSON.stringify(body).slice(0, 200)).toBe(400)
      expect(r.json().message).toMatch(/NUL or an unpaired surrogate/)
    }
    for (const field of ['hardwareId', 'installationId', 'hostname'] as const) {
      const r = await s.call(`${A}/enroll`, {
        body: {
          enrollSecret: s.enrollSecret,
          device: { ...FACTS, installationId: `inst-${randomUUID()}`, [field]: 'x\u0000xxxxxxxx' },
        },
      })
      expect(r.status, field).toBe(400)
    }
    const hb = await s.call(`${A}/heartbeat`, {
      token,
      body: { appVersion: '1', hardwareId: 'hw\u0000', pendingChanges: 0, lastAckedSeq: 0 },
    })
    expect(hb.status).toBe(400)
    const q = await s.call(`${F}/devices?hostname=a%00b`, { token: s.adminToken })
    expect(q.status).toBe(400)
    // Inside an item's data NUL is only a JSON escape in stored text: accepted on both engines.
    const withNul = assetUpsert('nul-in-data', 'tool', { name: 'a\u0000b' })
    expect((await send(part([withNul]))).status).toBe(200)
  })

  it('refuses an item over the per-item cap with 400 naming it', async () => {
    const big = assetUpsert('big', 'model', { details: { blob: 'x'.repeat(MAX_ITEM_BYTES) } })
    const r = await send(part([assetUpsert('small'), big]))
    expect(r.status).toBe(400)
    expect(r.json().message).toMatch(/assets\[1\] \(key "big"\)/)
  })
})

describe.each(ENGINES)(
  'dashboard pages with oversized stored items on %s',
  (engine: EngineName) => {
    let d: DashServer
    beforeAll(async () => {
      d = await startDashServer(engine)
    })
    afterAll(async () => d.close())

    it('pages of assets stored before the cap stay answerable', async () => {
      const { id: deviceId } = await d.device('old-host', [assetUpsert('a')])
      // Rows as an older server stored them: far over the cap.
      const data = { name: 'huge', details: { blob: 'y'.repeat(2 * MAX_ITEM_BYTES) } }
      const at = new Date().toISOString()
      await d.storage.db
        .insertInto('device_assets')
        .values(
          [1, 2, 3].map((i) => ({
            device_id: deviceId,
            asset_key: `zbig${i}`,
            kind: 'zbig',
            name: 'huge',
            name_key: 'huge',
            path: null,
            sha256: null,
            fingerprint: null,
            mcp_command: null,
            mcp_url: null,
            content_hash: hashOf(data),
            data: JSON.stringify(data),
            status: 'present',
            snapshot_id: '',
            first_seen_at: at,
            updated_at: at,
            gone_at: null,
          })),
        )
        .execute()
      const r = await d.app.inject({
        url: `${F}/devices/${deviceId}/assets?kind=zbig`,
        headers: { authorization: `Bearer ${d.apiToken}` },
      })
      expect(r.statusCode).toBe(200)
      const items = JSON.parse(r.body).assets as {
        key: string
        name: string
        data: Record<string, unknown>
      }[]
      expect(items.map((i) => i.key)).toEqual(['zbig1', 'zbig2', 'zbig3'])
      expect(items[0]!.name).toBe('huge')
      expect(items[0]!.data).toMatchObject({ truncated: true })
    })
  },
)
