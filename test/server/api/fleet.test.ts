import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, TRANSPORTS } from '../helpers/app'
import type { TestServer, Transport } from '../helpers/app'
import { assetUpsert, FACTS, findingUpsert, snapshotPart } from '../helpers/batches'
import { ENGINES, stopPg } from '../helpers/engines'
import type { EngineName } from '../helpers/engines'

afterAll(stopPg)

const F = '/api/fleet/v1'
const SHA = 'd'.repeat(64)
const FP = 'e'.repeat(64)
const ROOT = resolve(__dirname, '../../..')

const combos = ENGINES.flatMap((e) => TRANSPORTS.map((t) => [e, t] as const))

describe.each(combos)('fleet API on %s over %s', (engine: EngineName, transport: Transport) => {
  let s: TestServer
  const devices: { id: string; token: string; host: string }[] = []

  beforeAll(async () => {
    s = await startTestServer(engine, transport)
    for (const host of ['laptop-2', 'laptop-1']) {
      const e = await s.call('/api/agent/v1/enroll', {
        body: {
          enrollSecret: s.enrollSecret,
          device: { ...FACTS, hostname: host, installationId: `inst-${randomUUID()}` },
        },
      })
      const { deviceId, deviceToken } = e.json()
      devices.push({ id: deviceId, token: deviceToken, host })
      const secretData = {
        provider: 'openai',
        fingerprint: FP,
        redacted: 'sk-…abcd',
        details: { provider: 'openai', fingerprint: FP, redacted: 'sk-…abcd', line: 3 },
      }
      const r = await s.call('/api/agent/v1/inventory', {
        token: deviceToken,
        gzip: true,
        body: snapshotPart(
          1,
          `snap_${host.replace('-', '')}`,
          1,
          1,
          [
            assetUpsert('model:1', 'model', {
              sha256: SHA,
              format: 'gguf',
              links: [{ to: 'secret:1', relation: 'uses-secret' }],
            }),
            assetUpsert('secret:1', 'secret', secretData),
            assetUpsert('mcp:1', 'mcp-server', {
              name: 'fs',
              details: {
                command: 'npx',
                args: ['-y', '@modelcontextprotocol/server-filesystem'],
                url: null,
              },
            }),
            assetUpsert('tool:1', 'tool', { name: host === 'laptop-1' ? 'Aider' : 'llm' }),
          ],
          [findingUpsert('f:1', 'model:1', 'critical', 'pickle.dangerous-callable')],
        ),
      })
      expect(r.status).toBe(200)
      const c = await s.call('/api/agent/v1/inventory/commit', {
        token: deviceToken,
        body: {
          batchId: randomUUID(),
          seq: 2,
          snapshotId: `snap_${host.replace('-', '')}`,
          parts: 1,
        },
      })
      expect(c.status).toBe(200)
    }
  })
  afterAll(async () => s.close())

  it('refuses callers without a token, with a bad token, and with a device token', async () => {
    for (const path of [
      '/devices',
      '/findings/by-rule',
      `/holders?sha256=${SHA}`,
      '/export?format=json',
    ]) {
      expect((await s.call(`${F}${path}`)).status, path).toBe(401)
      expect((await s.call(`${F}${path}`, { token: 'aisa_forged' })).status, path).toBe(401)
      expect((await s.call(`${F}${path}`, { token: devices[0]!.token })).status, path).toBe(401)
    }
  })

  it('viewers read but cannot revoke, resync, create secrets or change settings', async () => {
    const v = s.viewerToken
    expect((await s.call(`${F}/devices`, { token: v })).status).toBe(200)
    const id = devices[0]!.id
    const denied = [
      await s.call(`${F}/devices/${id}/revoke`, { method: 'POST', token: v }),
      await s.call(`${F}/devices/${id}/resync`, { method: 'POST', token: v }),
      await s.call(`${F}/enroll-secrets`, { token: v, body: {} }),
      await s.call(`${F}/enroll-secrets`, { token: v }),
      await s.call(`${F}/config/settings`, {
        method: 'PUT',
        token: v,
        body: { settings: { uploadPaths: 'full' } },
      }),
    ]
    for (const r of denied) {
      expect(r.status).toBe(403)
      expect(r.json().error).toBe('forbidden')
    }
  })

  it('lists devices with last seen, app version and open findings by severity', async () => {
    const r = await s.call(`${F}/devices?limit=1`, { token: s.viewerToken })
    expect(r.status).toBe(200)
    const page1 = r.json()
    expect(page1.devices).toHaveLength(1)
    expect(page1.devices[0]).toMatchObject({
      hostname: 'laptop-1',
      appVersion: FACTS.appVersion,
      assets: 4,
      openFindings: { critical: 1, high: 0, medium: 0, low: 0, info: 0 },
    })
    expect(Date.parse(page1.devices[0].lastSeenAt)).toBeGreaterThan(0)
    const page2 = await s.call(`${F}/devices?limit=1&after=${page1.next}`, { token: s.viewerToken })
    expect(page2.json().devices[0].hostname).toBe('laptop-2')
    expect((await s.call(`${F}/devices?limit=0`, { token: s.viewerToken })).status).toBe(400)
    expect((await s.call(`${F}/devices?after=%%%`, { token: s.viewerToken })).status).toBe(400)
    expect(
      (await s.call(`${F}/devices/dev_00000000000000000000`, { token: s.viewerToken })).status,
    ).toBe(404)
    expect((await s.call(`${F}/devices/not-an-id`, { token: s.viewerToken })).status).toBe(400)
  })

  it('finds devices by model digest, key fingerprint, MCP command and tool', async () => {
    const by = async (q: string) =>
      (await s.call(`${F}/holders?${q}`, { token: s.viewerToken })).json()
    expect(
      (await by(`sha256=${SHA}`)).devices.map(
        (d: { device: { hostname: string } }) => d.device.hostname,
      ),
    ).toEqual(['laptop-1', 'laptop-2'])
    expect((await by(`fingerprint=${FP}`)).devices).toHaveLength(2)
    expect((await by('mcpCommand=server-filesystem')).devices).toHaveLength(2)
    const tool = await by('tool=aider')
    expect(tool.devices).toHaveLength(1)
    expect(tool.devices[0].assets[0]).toMatchObject({ key: 'tool:1', kind: 'tool', name: 'Aider' })
    expect((await s.call(`${F}/holders`, { token: s.viewerToken })).status).toBe(400)
    expect(
      (await s.call(`${F}/holders?sha256=${SHA}&tool=x`, { token: s.viewerToken })).status,
    ).toBe(400)
    expect((await s.call(`${F}/holders?sha256=xyz`, { token: s.viewerToken })).status).toBe(400)
  })

  it('groups open findings by rule and severity', async () => {
    const r = await s.call(`${F}/findings/by-rule`, { token: s.viewerToken })
    expect(r.json().groups).toEqual([
      { ruleId: 'pickle.dangerous-callable', severity: 'critical', findings: 2, devices: 2 },
    ])
  })

  it('manages enroll secrets (admin): create shows the secret once, list shows prefixes only', async () => {
    const c = await s.call(`${F}/enroll-secrets`, { token: s.adminToken, body: { team: 'ml' } })
    expect(c.status).toBe(201)
    const { secret } = c.json()
    const list = await s.call(`${F}/enroll-secrets`, { token: s.adminToken })
    expect(list.body).not.toContain(secret)
    expect(list.json().secrets.some((x: { team: string }) => x.team === 'ml')).toBe(true)
    expect(
      (await s.call(`${F}/enroll-secrets`, { token: s.adminToken, body: { team: '../x' } })).status,
    ).toBe(400)
    expect(
      (
        await s.call(`${F}/enroll-secrets/es_00000000000000000000/revoke`, {
          method: 'POST',
          token: s.adminToken,
        })
      ).status,
    ).toBe(404)
  })

  it('asks a device for a resync; its next delta is refused until it sends a snapshot', async () => {
    const d = devices[1]!
    expect(
      (await s.call(`${F}/devices/${d.id}/resync`, { method: 'POST', token: s.adminToken })).status,
    ).toBe(200)
    const hb = await s.call('/api/agent/v1/heartbeat', {
      token: d.token,
      body: { appVersion: '0.1.0', pendingChanges: 0, lastAckedSeq: 2 },
    })
    expect(hb.json().action).toBe('resync')
    const r = await s.call('/api/agent/v1/inventory', {
      token: d.token,
      body: { batchId: randomUUID(), seq: 3, mode: 'delta', assets: [], findings: [] },
    })
    expect(r.status).toBe(409)
  })

  it('exports the fleet as JSON (scan shape + device), CSV and CycloneDX', async () => {
    const j = await s.call(`${F}/export?format=json`, { token: s.viewerToken })
    expect(j.status).toBe(200)
    const doc = j.json()
    const schema = JSON.parse(
      readFileSync(join(ROOT, 'resources/schemas/scan-output.schema.json'), 'utf8'),
    )
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    const validate = ajv.compile(schema)
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true)
    expect(doc.assets).toHaveLength(8)
    const model = doc.assets.find(
      (a: { kind: string; device: { hostname: string } }) =>
        a.kind === 'model' && a.device.hostname === 'laptop-1',
    )
    expect(model.id).toBe(`${devices[1]!.id}/model:1`)
    expect(model.links).toEqual([{ to: `${devices[1]!.id}/secret:1`, relation: 'uses-secret' }])
    const secret = doc.assets.find((a: { kind: string }) => a.kind === 'secret')
    expect(secret).toMatchObject({ fingerprint: FP, redacted: 'sk-…abcd' })
    expect(doc.findings.map((f: { assetId: string }) => f.assetId).sort()).toEqual(
      [`${devices[0]!.id}/model:1`, `${devices[1]!.id}/model:1`].sort(),
    )
    const csv = await s.call(`${F}/export?format=csv`, { token: s.viewerToken })
    const header = csv.body.split('\r\n')[0]!
    expect(header).toContain('device.id,device.hostname')
    expect(csv.body).toContain('laptop-2')
    const cdx = await s.call(`${F}/export?format=cyclonedx`, { token: s.viewerToken })
    expect(cdx.status).toBe(200)
    const bom = cdx.json()
    expect(bom.bomFormat).toBe('CycloneDX')
    const comp = bom.components.find((c: { type: string }) => c.type === 'machine-learning-model')
    expect(comp.properties).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'aiscout:device:hostname' })]),
    )
    expect((await s.call(`${F}/export?format=sarif`, { token: s.viewerToken })).status).toBe(400)
  })

  it('admin settings reach the device config; a bad value is refused', async () => {
    const ok = await s.call(`${F}/config/settings`, {
      method: 'PUT',
      token: s.adminToken,
      body: { team: 'default', settings: { uploadPaths: 'full', syncIntervalS: 600 } },
    })
    expect(ok.status).toBe(200)
    const cfg = await s.call('/api/agent/v1/config', { token: devices[0]!.token })
    expect(cfg.json().settings).toMatchObject({ uploadPaths: 'full', syncIntervalS: 600 })
    for (const body of [
      { settings: { uploadPaths: 'everything' } },
      { settings: { syncIntervalS: 1 } },
      { settings: {} },
      { settings: { unknown: 1 } },
      { team: 'default', deviceId: devices[0]!.id, settings: { uploadPaths: 'full' } },
    ]) {
      const r = await s.call(`${F}/config/settings`, { method: 'PUT', token: s.adminToken, body })
      expect(r.status, JSON.stringify(body)).toBe(400)
    }
  })

  it('health check answers without credentials', async () => {
    const r = await s.call('/healthz')
    expect(r.json()).toMatchObject({ ok: true, storage: engine })
  })
})
