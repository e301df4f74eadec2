import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assetUpsert } from '../helpers/batches'
import { ENGINES, stopPg } from '../helpers/engines'
import type { EngineName } from '../helpers/engines'
import { PASSWORDS, startDashServer } from './helpers'
import type { Browser, DashServer } from './helpers'

afterAll(stopPg)

const F = '/api/fleet/v1'
const BLOCK_PICKLE = {
  name: 'No pickle models',
  severity: 'critical',
  rule: { type: 'model-format', mode: 'block', formats: ['pickle'] },
}

describe.each(ENGINES)('fleet policies API on %s', (engine: EngineName) => {
  let s: DashServer
  let admin: Browser
  let viewer: Browser
  let dev: { id: string; token: string }
  let other: { id: string; token: string }

  const config = async (token: string) => {
    const r = await s.app.inject({
      url: '/api/agent/v1/config',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(r.statusCode).toBe(200)
    return r.json() as { etag: string; policies: { id: string; name: string }[] }
  }

  beforeAll(async () => {
    s = await startDashServer(engine)
    dev = await s.device('alpha', [assetUpsert('model:a', 'model', { name: 'a.pt' })])
    other = await s.device('beta', [])
    admin = s.browser()
    await admin.signIn('ada', PASSWORDS.admin)
    viewer = s.browser()
    await viewer.signIn('vic', PASSWORDS.viewer)
  })
  afterAll(async () => s?.close())

  it('create, list, edit, disable and delete; the device config and its ETag follow', async () => {
    const before = await config(dev.token)
    expect(before.policies).toEqual([])
    const c = await admin.call(`${F}/policies`, { body: BLOCK_PICKLE })
    expect(c.status, c.body).toBe(201)
    const p = c.json().policy
    expect(p).toMatchObject({
      name: 'No pickle models',
      enabled: true,
      severity: 'critical',
      rule: BLOCK_PICKLE.rule,
      scope: { kind: 'org' },
    })
    expect(p.id).toMatch(/^pol_[0-9a-f]{20}$/)
    const after = await config(dev.token)
    expect(after.etag).not.toBe(before.etag)
    expect(after.policies).toEqual([
      {
        id: p.id,
        name: 'No pickle models',
        enabled: true,
        severity: 'critical',
        rule: BLOCK_PICKLE.rule,
      },
    ])

    // Viewers list policies.
    const list = await viewer.call(`${F}/policies`)
    expect(list.status).toBe(200)
    expect(list.json().policies.map((x: { id: string }) => x.id)).toEqual([p.id])

    const edit = await admin.call(`${F}/policies/${p.id}`, {
      method: 'PUT',
      body: { ...BLOCK_PICKLE, name: 'No pickles', enabled: true, severity: 'high' },
    })
    expect(edit.status, edit.body).toBe(200)
    expect(edit.json().policy).toMatchObject({ name: 'No pickles', severity: 'high' })
    const edited = await config(dev.token)
    expect(edited.etag).not.toBe(after.etag)

    const off = await admin.call(`${F}/policies/${p.id}/enabled`, { body: { enabled: false } })
    expect(off.status).toBe(200)
    expect(off.json().policy.enabled).toBe(false)
    const disabled = await config(dev.token)
    expect(disabled.etag).not.toBe(edited.etag)
    expect(disabled.policies[0]).toMatchObject({ enabled: false })

    const del = await admin.call(`${F}/policies/${p.id}`, { method: 'DELETE' })
    expect(del.status).toBe(200)
    const gone = await config(dev.token)
    expect(gone.policies).toEqual([])
    expect(gone.etag).toBe(before.etag)
    expect((await admin.call(`${F}/policies/${p.id}`, { method: 'DELETE' })).status).toBe(404)

    // Every change is in the audit log, by whom, with what changed.
    const audit = (await admin.call(`${F}/audit`)).json().entries as {
      action: string
      actor: string
      target: string
      detail: { change: string }
    }[]
    const mine = audit.filter((e) => e.target === p.id)
    expect(mine.map((e) => `${e.action}:${e.detail.change}`).sort()).toEqual([
      'policy-delete:delete',
      'policy-put:create',
      'policy-put:disable',
      'policy-put:update',
    ])
    expect(mine.every((e) => e.actor === 'ada')).toBe(true)
  })

  it('a policy scoped to one device or a team reaches only those devices', async () => {
    const d = await admin.call(`${F}/policies`, {
      body: { ...BLOCK_PICKLE, deviceId: dev.id },
    })
    expect(d.status, d.body).toBe(201)
    expect(d.json().policy.scope).toEqual({ kind: 'device', deviceId: dev.id, hostname: 'alpha' })
    expect((await config(dev.token)).policies.map((x) => x.id)).toEqual([d.json().policy.id])
    expect((await config(other.token)).policies).toEqual([])
    const t = await admin.call(`${F}/policies`, { body: { ...BLOCK_PICKLE, team: 'research' } })
    expect(t.json().policy.scope).toEqual({ kind: 'team', team: 'research' })
    // Neither device is in that team.
    expect((await config(other.token)).policies).toEqual([])
    for (const id of [d.json().policy.id, t.json().policy.id])
      await admin.call(`${F}/policies/${id}`, { method: 'DELETE' })
  })

  it('validation: 400 with a reason naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...BLOCK_PICKLE, rule: { type: 'gpu-quota' } }, /^rule\.type must be one of/],
      [
        {
          ...BLOCK_PICKLE,
          rule: { type: 'model-format', mode: 'block', formats: ['pickle', 'zzz'] },
        },
        /^rule\.formats\.1 "zzz" is not a model format/,
      ],
      [
        { ...BLOCK_PICKLE, rule: { type: 'model-source', mode: 'allow', sources: ['github:x'] } },
        /^rule\.sources\.0 must match pattern/,
      ],
      [{ ...BLOCK_PICKLE, rule: { type: 'key-file-mode', maxMode: '0999' } }, /^rule\.maxMode /],
      [{ ...BLOCK_PICKLE, rule: { type: 'scan-settings' } }, /^rule must NOT have fewer than 2/],
      [{ ...BLOCK_PICKLE, severity: 'urgent' }, /^body\.severity /],
      [{ ...BLOCK_PICKLE, name: '' }, /^body\.name /],
      [{ ...BLOCK_PICKLE, name: '   ' }, /^name must not be blank/],
      [{ ...BLOCK_PICKLE, extra: 1 }, /^body\.extra /],
      [{ ...BLOCK_PICKLE, team: 'a', deviceId: dev.id }, /team or a device, not both/],
    ]
    for (const [body, why] of cases) {
      const r = await admin.call(`${F}/policies`, { body })
      expect(r.status, JSON.stringify(body)).toBe(400)
      expect(r.json().message).toMatch(why)
    }
    expect((await admin.call(`${F}/policies`)).json().policies).toEqual([])
    const missing = `${F}/policies/pol_${'0'.repeat(20)}`
    expect(
      (await admin.call(missing, { method: 'PUT', body: { ...BLOCK_PICKLE, enabled: true } }))
        .status,
    ).toBe(404)
  })

  it('a viewer cannot create, edit, enable, disable or delete a policy (403); nor without CSRF', async () => {
    const p = (await admin.call(`${F}/policies`, { body: BLOCK_PICKLE })).json().policy
    const attempts = [
      viewer.call(`${F}/policies`, { body: BLOCK_PICKLE }),
      viewer.call(`${F}/policies/${p.id}`, {
        method: 'PUT',
        body: { ...BLOCK_PICKLE, enabled: false },
      }),
      viewer.call(`${F}/policies/${p.id}/enabled`, { body: { enabled: false } }),
      viewer.call(`${F}/policies/${p.id}`, { method: 'DELETE' }),
    ]
    for (const r of await Promise.all(attempts)) {
      expect(r.status, r.body).toBe(403)
      expect(r.json().error).toBe('forbidden')
    }
    const noCsrf = await admin.call(`${F}/policies/${p.id}`, { method: 'DELETE', csrf: null })
    expect(noCsrf.status).toBe(403)
    const still = (await admin.call(`${F}/policies`)).json().policies
    expect(still).toEqual([expect.objectContaining({ id: p.id, enabled: true })])
    await admin.call(`${F}/policies/${p.id}`, { method: 'DELETE' })
  })
})
