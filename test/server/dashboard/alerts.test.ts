import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseAlertsConfig } from '../../../src/server/alerts/config'
import type { FindingItem } from '../../../src/shared/sync-api'
import { assetUpsert, delta, findingUpsert } from '../helpers/batches'
import { PASSWORDS, startDashServer } from './helpers'
import type { DashServer } from './helpers'

/** A local HTTP receiver: records every request; each path answers as its behaviour says. */
type Received = { path: string; headers: IncomingHttpHeaders; body: string }
class Receiver {
  received: Received[] = []
  /** Per path: the statuses to answer in turn ('hang' never answers); then 200. */
  plan = new Map<string, (number | 'hang')[]>()
  private server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const path = req.url ?? '/'
      this.received.push({ path, headers: req.headers, body })
      const next = this.plan.get(path)?.shift() ?? 200
      if (next === 'hang') return
      res.writeHead(next).end('ok')
    })
  })
  url = ''
  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()))
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`
  }
  at(path: string) {
    return this.received.filter((r) => r.path === path)
  }
  close() {
    this.server.closeAllConnections()
    return new Promise<void>((r) => this.server.close(() => r()))
  }
}

const SECRET = `whsec_${Buffer.from('a test signing key of 32 bytes!!').toString('base64')}`

/** Standard Webhooks verification, written from the spec (not with the server's code). */
function verify(r: Received, secret: string): boolean {
  const id = r.headers['webhook-id'] as string
  const ts = r.headers['webhook-timestamp'] as string
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const want = createHmac('sha256', key).update(`${id}.${ts}.${r.body}`).digest()
  const sigs = String(r.headers['webhook-signature']).split(' ')
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false
  return sigs.some((s) => {
    const [v, b64] = s.split(',')
    const got = Buffer.from(b64 ?? '', 'base64')
    return v === 'v1' && got.length === want.length && timingSafeEqual(got, want)
  })
}

type Upsert = Extract<FindingItem, { op: 'upsert' }>
const upsert = (f: FindingItem): Upsert => f as Upsert
/** The finding with the file path the device reported. */
const at = (f: FindingItem, path: string): Upsert => {
  const u = upsert(f)
  return { ...u, hash: `${u.hash.slice(0, 60)}beef`, data: { ...u.data, path } }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const XSS = '<img src=x onerror=alert(1)>.gguf'

describe('alerts to a Slack webhook and a Standard Webhooks receiver', () => {
  const rx = new Receiver()
  let s: DashServer
  let token: string
  let deviceId: string
  let seq = 3

  beforeAll(async () => {
    await rx.start()
    s = await startDashServer('sqlite', {
      alerts: parseAlertsConfig(
        JSON.stringify({
          minSeverity: 'high',
          windowS: 3600,
          dashboardUrl: 'https://scout.example.com',
          notifiers: [
            { name: 'secops', kind: 'slack', url: `${rx.url}/slack` },
            { name: 'siem', kind: 'webhook', url: `${rx.url}/hook`, secret: 'env:HOOK_SECRET' },
          ],
        }),
        { HOOK_SECRET: SECRET },
      ),
      alertEngine: { settleMs: 0, retryBaseMs: 5, attemptTimeoutMs: 500, attempts: 3 },
    })
    await s.app.ready()
    await sleep(5)
    const d = await s.device(
      'alpha',
      [
        assetUpsert('model:evil', 'model', { path: `~/models/${XSS}` }),
        assetUpsert('model:other', 'model'),
        assetUpsert('secret:1', 'secret', { fingerprint: 'c'.repeat(64) }),
      ],
      [
        at(
          findingUpsert('f:pickle1', 'model:evil', 'critical', 'pickle.dangerous-callable'),
          `~/models/${XSS}`,
        ),
        findingUpsert('f:pickle2', 'model:other', 'critical', 'pickle.dangerous-callable'),
        findingUpsert('f:key', 'secret:1', 'high', 'secret.ai-api-key'),
        findingUpsert('f:med', 'model:other', 'medium', 'engine.extension-mismatch'),
      ],
    )
    token = d.token
    deviceId = d.id
  })
  afterAll(async () => {
    await s?.close()
    await rx.close()
  })
  afterEach(() => {
    rx.received = []
  })

  it('one message per rule with the new findings, signed; none for medium', async () => {
    const r = await s.app.alertEngine!.tick()
    expect(r).toMatchObject({ batches: 2, findings: 3, deliveries: 4 })
    const hooks = rx.at('/hook')
    expect(hooks).toHaveLength(2)
    for (const h of hooks) {
      expect(verify(h, SECRET)).toBe(true)
      expect(verify({ ...h, body: h.body.replace('"severity"', '"Severity"') }, SECRET)).toBe(false)
      expect(verify(h, `whsec_${Buffer.from('another key').toString('base64')}`)).toBe(false)
      expect(h.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/)
    }
    const bodies = hooks
      .map((h) => JSON.parse(h.body))
      .sort((a, b) => a.data.rule_id.localeCompare(b.data.rule_id))
    expect(bodies[0].data.rule_id).toBe('pickle.dangerous-callable')
    expect(bodies[0].data.findings.map((f: { findingKey: string }) => f.findingKey).sort()).toEqual(
      ['f:pickle1', 'f:pickle2'],
    )
    expect(bodies[1].data.findings).toEqual([
      expect.objectContaining({
        findingKey: 'f:key',
        fingerprint: 'c'.repeat(64),
        hostname: 'alpha',
      }),
    ])
    const slack = rx.at('/slack').map((h) => JSON.parse(h.body))
    expect(slack).toHaveLength(2)
    const pickle = slack.find((m) => m.text.includes('pickle'))
    expect(pickle.text).toMatch(/^Critical: 2 new pickle\.dangerous-callable findings on 1 device/)
    // Slack markup escaped: a file name cannot make a link or ping a channel.
    const section = pickle.blocks[1].text.text as string
    expect(section).toContain('&lt;img src=x onerror=alert(1)&gt;.gguf')
    expect(section).not.toContain('<img')
    expect(section).toContain(`<https://scout.example.com/#/devices/${deviceId}|alpha>`)
  })

  it('no repeat on the next pass, on a re-sent finding, or for an accepted risk', async () => {
    expect((await s.app.alertEngine!.tick()).deliveries).toBe(0)
    const admin = s.browser()
    await admin.signIn('ada', PASSWORDS.admin)
    // The same finding re-sent with new content, and a new critical finding accepted before the
    // engine sees it.
    const changed = upsert(
      findingUpsert('f:pickle1', 'model:evil', 'critical', 'pickle.dangerous-callable'),
    )
    const laptopAccepted = upsert(
      findingUpsert('f:laptop', 'model:third', 'critical', 'pickle.dangerous-callable'),
    )
    await s.send(
      token,
      '/inventory',
      delta(
        seq++,
        [],
        [
          { ...changed, hash: 'f'.repeat(64), data: { ...changed.data, message: 'changed' } },
          findingUpsert('f:new', 'model:other', 'critical', 'pickle.other'),
          // Accepted on the laptop by its user before it was ever sent.
          {
            ...laptopAccepted,
            hash: 'e'.repeat(64),
            data: {
              ...laptopAccepted.data,
              accepted: {
                note: 'my sandbox',
                acceptedBy: 'dev',
                acceptedAt: new Date().toISOString(),
              },
            },
          },
        ],
      ),
    )
    const acc = await admin.call('/api/fleet/v1/findings/accept', {
      body: { deviceId, findingKey: 'f:new', note: 'known sample' },
    })
    expect(acc.status).toBe(200)
    await sleep(5)
    expect((await s.app.alertEngine!.tick()).deliveries).toBe(0)
    expect(rx.received).toEqual([])
  })

  it('a finding that resolves and comes back is alerted again', async () => {
    await s.send(token, '/inventory', delta(seq++, [], [{ op: 'resolve', key: 'f:key' }]))
    await sleep(5)
    expect((await s.app.alertEngine!.tick()).deliveries).toBe(0)
    await s.send(
      token,
      '/inventory',
      delta(seq++, [], [findingUpsert('f:key', 'secret:1', 'high', 'secret.ai-api-key')]),
    )
    await sleep(5)
    expect((await s.app.alertEngine!.tick()).deliveries).toBe(2)
    expect(JSON.parse(rx.at('/hook')[0]!.body).data.findings[0].findingKey).toBe('f:key')
  })

  it('retries on 500 and on timeouts, gives up on 4xx, and logs every delivery', async () => {
    rx.plan.set('/slack', [500, 'hang'])
    rx.plan.set('/hook', [400])
    await s.send(
      token,
      '/inventory',
      delta(seq++, [], [findingUpsert('f:retry', 'model:other', 'critical', 'pickle.retry')]),
    )
    await sleep(5)
    await s.app.alertEngine!.tick()
    expect(rx.at('/slack')).toHaveLength(3)
    expect(rx.at('/hook')).toHaveLength(1)
    // The same webhook-id on every attempt of one delivery (receivers dedupe on it).
    const admin = s.browser()
    await admin.signIn('ada', PASSWORDS.admin)
    const log = (await admin.call('/api/fleet/v1/alerts')).json()
    expect(log.notifiers).toEqual([
      { name: 'secops', kind: 'slack', target: `${rx.url}/…` },
      { name: 'siem', kind: 'webhook', target: `${rx.url}/…` },
    ])
    expect(JSON.stringify(log)).not.toContain(SECRET)
    const retry = log.deliveries.filter((d: { ruleId: string }) => d.ruleId === 'pickle.retry')
    expect(retry).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          notifier: 'secops',
          status: 'delivered',
          attempts: 3,
          httpStatus: 200,
        }),
        expect.objectContaining({
          notifier: 'siem',
          status: 'failed',
          attempts: 1,
          httpStatus: 400,
          error: 'HTTP 400',
        }),
      ]),
    )
    const viewer = s.browser()
    await viewer.signIn('vic', PASSWORDS.viewer)
    expect((await viewer.call('/api/fleet/v1/alerts')).status).toBe(403)
  })

  it('a receiver that never answers is logged as failed after the attempts', async () => {
    rx.plan.set('/slack', ['hang', 'hang', 'hang'])
    await s.send(
      token,
      '/inventory',
      delta(seq++, [], [findingUpsert(`f:${randomUUID()}`, 'model:other', 'high', 'pickle.hang')]),
    )
    await sleep(5)
    await s.app.alertEngine!.tick()
    const admin = s.browser()
    await admin.signIn('ada', PASSWORDS.admin)
    const d = (await admin.call('/api/fleet/v1/alerts'))
      .json()
      .deliveries.find(
        (x: { ruleId: string; notifier: string }) =>
          x.ruleId === 'pickle.hang' && x.notifier === 'secops',
      )
    expect(d).toMatchObject({
      status: 'failed',
      attempts: 3,
      httpStatus: null,
      error: 'no answer within 500 ms',
    })
  })

  it('policy violations: alerted below the minimum severity, once per finding key, one batch per rule', async () => {
    const key = (n: number) => `pol-${n}-${randomUUID()}`
    const keys = [key(1), key(2)]
    await s.send(
      token,
      '/inventory',
      delta(
        seq++,
        [],
        [
          findingUpsert(keys[0]!, 'model:evil', 'medium', 'policy.model-format'),
          findingUpsert(keys[1]!, 'model:other', 'low', 'policy.model-format'),
          findingUpsert(key(3), 'model:other', 'medium', 'engine.extension-mismatch'),
        ],
      ),
    )
    await sleep(5)
    expect(await s.app.alertEngine!.tick()).toMatchObject({ batches: 1, findings: 2 })
    const hook = rx.at('/hook').map((h) => JSON.parse(h.body))
    expect(hook).toHaveLength(1)
    expect(hook[0].data.rule_id).toBe('policy.model-format')
    expect(hook[0].data.findings.map((f: { findingKey: string }) => f.findingKey).sort()).toEqual(
      [...keys].sort(),
    )
    // The same violation reported again by the next sync is not a new alert.
    rx.received = []
    await s.send(
      token,
      '/inventory',
      delta(
        seq++,
        [],
        [at(findingUpsert(keys[0]!, 'model:evil', 'medium', 'policy.model-format'), '~/x')],
      ),
    )
    await sleep(5)
    expect((await s.app.alertEngine!.tick()).deliveries).toBe(0)
    expect(rx.received).toEqual([])
  })
})

describe('alerts disabled', () => {
  it('sends nothing, and the configuration refuses bad input', async () => {
    const rx = new Receiver()
    await rx.start()
    const s = await startDashServer('sqlite', {
      alerts: parseAlertsConfig(
        JSON.stringify({
          enabled: false,
          notifiers: [{ name: 'x', kind: 'slack', url: `${rx.url}/slack` }],
        }),
      ),
      alertEngine: { settleMs: 0 },
    })
    try {
      await s.app.ready()
      await s.device('beta', [assetUpsert('m', 'model')], [findingUpsert('f', 'm', 'critical')])
      expect(s.app.alertEngine).toBeUndefined()
      await sleep(50)
      expect(rx.received).toEqual([])
    } finally {
      await s.close()
      await rx.close()
    }
    const bad = [
      '{',
      '[]',
      '{"notifiers":[{"name":"x","kind":"pager","url":"https://x"}]}',
      '{"notifiers":[{"name":"x","kind":"webhook","url":"https://x"}]}',
      '{"notifiers":[{"name":"x","kind":"slack","url":"ftp://x"}]}',
      '{"notifiers":[{"name":"x","kind":"slack","url":"env:NOPE"}]}',
      '{"minSeverity":"urgent","notifiers":[]}',
      '{"windowS":0,"notifiers":[]}',
      '{"notifiers":[],"extra":1}',
    ]
    for (const b of bad) expect(() => parseAlertsConfig(b, {}), b).toThrow()
  })
})
