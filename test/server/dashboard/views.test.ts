import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assetUpsert, findingUpsert } from '../helpers/batches'
import { ENGINES, stopPg } from '../helpers/engines'
import type { EngineName } from '../helpers/engines'
import { PASSWORDS, startDashServer } from './helpers'
import type { Browser, DashServer } from './helpers'

afterAll(stopPg)

const F = '/api/fleet/v1'
const SHA = 'a'.repeat(64)
const FP = 'b'.repeat(64)
const XSS = '<img src=x onerror=alert(1)>.gguf'

describe.each(ENGINES)('dashboard fleet views on %s', (engine: EngineName) => {
  let s: DashServer
  let admin: Browser
  const dev: Record<string, { id: string; token: string }> = {}

  beforeAll(async () => {
    s = await startDashServer(engine)
    for (const host of ['alpha', 'beta']) {
      dev[host] = await s.device(
        host,
        [
          assetUpsert('model:shared', 'model', { sha256: SHA, name: 'llama-3-8b.Q4.gguf' }),
          assetUpsert('secret:1', 'secret', { fingerprint: FP, name: 'OPENAI_API_KEY' }),
          assetUpsert('pkg:torch', 'package', { name: 'torch' }),
          assetUpsert(`model:${host}`, 'model', { name: host === 'alpha' ? XSS : '100%_real.bin' }),
        ],
        [
          findingUpsert('f:crit', 'model:shared', 'critical', 'pickle.dangerous-callable'),
          findingUpsert('f:med', 'secret:1', 'medium', 'secret.plaintext-file'),
          findingUpsert('f:adv', 'pkg:torch', 'high', 'package.known-advisory'),
        ],
      )
    }
    admin = s.browser()
    await admin.signIn('ada', PASSWORDS.admin)
  })
  afterAll(async () => s?.close())

  it('device inventory pages by kind and key; kind counts per device', async () => {
    const r = await admin.call(`${F}/devices/${dev.alpha!.id}/assets?limit=2`)
    expect(r.status).toBe(200)
    expect(r.json().assets.map((a: { kind: string }) => a.kind)).toEqual(['model', 'model'])
    const r2 = await admin.call(
      `${F}/devices/${dev.alpha!.id}/assets?limit=10&after=${encodeURIComponent(r.json().next)}`,
    )
    expect(r2.json().assets.map((a: { kind: string }) => a.kind)).toEqual(['package', 'secret'])
    const k = await admin.call(`${F}/device-kinds?ids=${dev.alpha!.id},${dev.beta!.id}`)
    expect(k.json().kinds[dev.alpha!.id]).toEqual({ model: 2, package: 1, secret: 1 })
    expect((await admin.call(`${F}/devices/${dev.alpha!.id}/assets?after=zzz`)).status).toBe(400)
    expect((await admin.call(`${F}/devices/dev_${'0'.repeat(20)}/assets`)).status).toBe(404)
  })

  it('findings across the fleet, worst first, filtered by severity, rule, device and status', async () => {
    const all = (await admin.call(`${F}/findings`)).json().findings
    expect(all).toHaveLength(6)
    expect(all.map((f: { severity: string }) => f.severity)).toEqual([
      'critical',
      'critical',
      'high',
      'high',
      'medium',
      'medium',
    ])
    const crit = (await admin.call(`${F}/findings?severity=critical&device=${dev.beta!.id}`)).json()
    expect(crit.findings).toHaveLength(1)
    expect(crit.findings[0]).toMatchObject({ hostname: 'beta', key: 'f:crit', status: 'open' })
    const rule = (await admin.call(`${F}/findings?rule=package.known-advisory`)).json().findings
    expect(rule.map((f: { hostname: string }) => f.hostname).sort()).toEqual(['alpha', 'beta'])
    const page = (await admin.call(`${F}/findings?limit=4`)).json()
    const rest = (await admin.call(`${F}/findings?limit=4&after=${page.next}`)).json()
    expect([...page.findings, ...rest.findings].map((f: { key: string }) => f.key)).toEqual(
      all.map((f: { key: string }) => f.key),
    )
    expect((await admin.call(`${F}/findings?severity=urgent`)).status).toBe(400)
  })

  it('accepted risk: listed as accepted, in the device config with note and expiry, removable', async () => {
    const expiresAt = new Date(Date.now() + 30 * 86400_000).toISOString()
    const a = await admin.call(`${F}/findings/accept`, {
      body: { deviceId: dev.alpha!.id, findingKey: 'f:crit', note: 'research sandbox', expiresAt },
    })
    expect(a.status, a.body).toBe(200)
    const open = (await admin.call(`${F}/findings?severity=critical`)).json().findings
    expect(open.map((f: { hostname: string }) => f.hostname)).toEqual(['beta'])
    const acc = (await admin.call(`${F}/findings?status=accepted`)).json().findings
    expect(acc).toHaveLength(1)
    expect(acc[0].acceptedRisk).toMatchObject({
      note: 'research sandbox',
      acceptedBy: 'ada',
      expiresAt,
    })
    const cfg = await s.app.inject({
      url: '/api/agent/v1/config',
      headers: { authorization: `Bearer ${dev.alpha!.token}` },
    })
    expect(cfg.json().acceptedRisks).toEqual([
      expect.objectContaining({ findingKey: 'f:crit', note: 'research sandbox', expiresAt }),
    ])
    const other = await s.app.inject({
      url: '/api/agent/v1/config',
      headers: { authorization: `Bearer ${dev.beta!.token}` },
    })
    expect(other.json().acceptedRisks).toEqual([])
    // Refused: unknown finding, a past expiry, an empty note.
    const bad = [
      { deviceId: dev.alpha!.id, findingKey: 'f:none', note: 'x' },
      {
        deviceId: dev.alpha!.id,
        findingKey: 'f:med',
        note: 'x',
        expiresAt: '2001-01-01T00:00:00Z',
      },
      { deviceId: dev.alpha!.id, findingKey: 'f:med', note: '' },
    ]
    expect(
      await Promise.all(
        bad.map(async (body) => (await admin.call(`${F}/findings/accept`, { body })).status),
      ),
    ).toEqual([404, 400, 400])
    const un = await admin.call(`${F}/findings/unaccept`, {
      body: { deviceId: dev.alpha!.id, findingKey: 'f:crit' },
    })
    expect(un.status).toBe(200)
    expect((await admin.call(`${F}/findings?status=accepted`)).json().findings).toEqual([])
  })

  it('one-box search: digest, fingerprint, model name, package; SQL- and LIKE-shaped input is text', async () => {
    const q = (text: string) =>
      admin.call(`${F}/search?q=${encodeURIComponent(text)}`).then((r) => {
        expect(r.status).toBe(200)
        return r.json().sections as { by: string; devices: { device: { hostname: string } }[] }[]
      })
    const hosts = (sections: Awaited<ReturnType<typeof q>>, by: string) =>
      sections.find((x) => x.by === by)?.devices.map((d) => d.device.hostname)
    expect(hosts(await q(SHA.toUpperCase()), 'sha256')).toEqual(['alpha', 'beta'])
    expect(hosts(await q(FP), 'fingerprint')).toEqual(['alpha', 'beta'])
    expect(hosts(await q('LLAMA-3'), 'model-name')).toEqual(['alpha', 'beta'])
    const pkg = (await q('torch')).find((x) => x.by === 'package')!
    expect(pkg.devices.map((d) => d.device.hostname)).toEqual(['alpha', 'beta'])
    expect(
      (pkg.devices[0] as unknown as { assets: { openFindings: number }[] }).assets[0]!.openFindings,
    ).toBe(1)
    expect(hosts(await q('<img src=x'), 'model-name')).toEqual(['alpha'])
    // % and _ are literal: only the name that holds "100%_" matches.
    expect(hosts(await q('100%_'), 'model-name')).toEqual(['beta'])
    expect(await q('_%')).toEqual([])
    for (const evil of ["' OR 1=1 --", "x'); DROP TABLE devices; --", '" OR ""="']) {
      expect(await q(evil)).toEqual([])
    }
    expect((await admin.call(`${F}/devices`)).json().devices).toHaveLength(2)
  })

  it('a revoked device is refused on its next sync', async () => {
    const r = await admin.call(`${F}/devices/${dev.beta!.id}/revoke`, { method: 'POST' })
    expect(r.status).toBe(200)
    const cfg = await s.app.inject({
      url: '/api/agent/v1/config',
      headers: { authorization: `Bearer ${dev.beta!.token}` },
    })
    expect(cfg.statusCode).toBe(401)
    expect(cfg.json()).toMatchObject({ error: 'device_revoked', action: 'stop' })
  })
})
