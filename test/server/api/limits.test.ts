import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../../src/server/app'
import { createEnrollSecret } from '../../../src/server/storage/enroll-secrets'
import { openStorage } from '../../../src/server/storage/open'
import { startTestServer } from '../helpers/app'
import type { TestServer } from '../helpers/app'
import { assetUpsert, FACTS, snapshotPart } from '../helpers/batches'
import { freshTarget, stopPg } from '../helpers/engines'

afterAll(stopPg)

const A = '/api/agent/v1'

async function enroll(s: TestServer) {
  const r = await s.call(`${A}/enroll`, {
    body: {
      enrollSecret: s.enrollSecret,
      device: { ...FACTS, installationId: `inst-${randomUUID()}` },
    },
  })
  return r.json() as { deviceId: string; deviceToken: string }
}

describe('body limits', () => {
  it('413 for a body over the wire limit, compressed or not, and for a gzip bomb', async () => {
    const s = await startTestServer('sqlite', 'http', {
      limits: { maxWireBytes: 64 * 1024, maxInflatedBytes: 1024 * 1024 },
    })
    try {
      const e = await enroll(s)
      // 200 KiB of incompressible-ish JSON, sent plain: over the wire limit.
      const big = snapshotPart(1, 'snap_limits01', 1, 1, [
        assetUpsert('a', 'model', { details: { blob: randomUUID().repeat(6000) } }),
      ])
      const plain = await s.call(`${A}/inventory`, { token: e.deviceToken, body: big })
      expect(plain.status).toBe(413)
      expect(plain.json().error).toBe('payload_too_large')
      // A gzip bomb: 50 KiB on the wire, 50 MiB inflated. Refused once 1 MiB was inflated.
      const bomb = gzipSync(
        Buffer.concat([Buffer.from('{"batchId":"'), Buffer.alloc(50 * 1024 * 1024, 0x61)]),
        {
          level: 9,
        },
      )
      expect(bomb.length).toBeLessThan(64 * 1024)
      const t0 = process.hrtime.bigint()
      const r = await s.call(`${A}/inventory`, {
        token: e.deviceToken,
        body: bomb,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      })
      expect(r.status).toBe(413)
      // (Not a timing assertion: a sanity bound that the server did not inflate 50 MiB first.)
      expect(Number(process.hrtime.bigint() - t0) / 1e9).toBeLessThan(30)
      // Over the wire limit while compressed: random bytes do not compress.
      const noise = gzipSync(Buffer.from(JSON.stringify({ pad: randomUUID().repeat(10_000) })), {
        level: 0,
      })
      const r2 = await s.call(`${A}/inventory`, {
        token: e.deviceToken,
        body: noise,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      })
      expect(r2.status).toBe(413)
      // Small routes have their own, smaller limit.
      const hb = await s.call(`${A}/heartbeat`, {
        token: e.deviceToken,
        body: { appVersion: 'x'.repeat(200_000), pendingChanges: 0, lastAckedSeq: 0 },
      })
      expect(hb.status).toBe(413)
      // The server is fine afterwards.
      const ok = await s.call(`${A}/inventory`, {
        token: e.deviceToken,
        gzip: true,
        body: snapshotPart(1, 'snap_limits01', 1, 1, [assetUpsert('a')]),
      })
      expect(ok.status).toBe(200)
    } finally {
      await s.close()
    }
  })
})

describe('rate limits', () => {
  it('429 with Retry-After per device; other devices are not affected', async () => {
    const s = await startTestServer('sqlite', 'inject', { limits: { deviceRequestsPerMinute: 3 } })
    try {
      const a = await enroll(s)
      const b = await enroll(s)
      const statuses: number[] = []
      let last
      for (let i = 0; i < 5; i++) {
        last = await s.call(`${A}/config`, { token: a.deviceToken })
        statuses.push(last.status)
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429])
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0)
      expect(last!.json()).toMatchObject({ error: 'rate_limited' })
      expect(last!.json().retryAfterS).toBeGreaterThan(0)
      expect((await s.call(`${A}/config`, { token: b.deviceToken })).status).toBe(200)
    } finally {
      await s.close()
    }
  })

  it('limits enrollment attempts per client address', async () => {
    const s = await startTestServer('sqlite', 'inject', { limits: { enrollPerMinute: 2 } })
    try {
      const codes: number[] = []
      for (let i = 0; i < 4; i++) {
        const r = await s.call(`${A}/enroll`, {
          body: { enrollSecret: 'aise_guess_guess', device: FACTS },
        })
        codes.push(r.status)
      }
      expect(codes).toEqual([401, 401, 429, 429])
    } finally {
      await s.close()
    }
  })
})

describe('structured logs', () => {
  it('log JSON lines without any token, secret or fingerprint key', async () => {
    const lines: string[] = []
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk))
        cb()
      },
    })
    const s = await startTestServer('sqlite', 'http', { logger: { level: 'debug', stream } })
    try {
      const e = await s.call(`${A}/enroll`, {
        body: {
          enrollSecret: s.enrollSecret,
          device: { ...FACTS, installationId: `inst-${randomUUID()}` },
        },
      })
      const { deviceToken, fingerprintKey } = e.json()
      await s.call(`${A}/inventory`, {
        token: deviceToken,
        gzip: true,
        body: snapshotPart(1, 'snap_logs0001', 1, 1, [assetUpsert('a')]),
      })
      await s.call(`${A}/enroll`, {
        body: `{"enrollSecret":"${s.enrollSecret}" broken`,
        headers: { 'content-type': 'application/json' },
      })
      await s.call('/api/fleet/v1/devices', { token: s.adminToken })
      await s.call(`${A}/config`, { token: `${deviceToken}x` })
      expect(lines.length).toBeGreaterThan(5)
      for (const l of lines) JSON.parse(l)
      const all = lines.join('')
      for (const secret of [deviceToken, s.enrollSecret, s.adminToken, fingerprintKey]) {
        expect(all).not.toContain(secret)
      }
      expect(all).toContain('"msg":"device enrolled"')
      expect(all).toContain('"msg":"inventory batch"')
    } finally {
      await s.close()
    }
  })
})

describe('TLS', () => {
  it('serves HTTPS when given a certificate and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiscout-tls-'))
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    const cert = readFileSync(join(dir, 'cert.pem'))
    const storage = await openStorage(await freshTarget('sqlite'))
    const app = await buildApp({
      storage,
      https: { cert, key: readFileSync(join(dir, 'key.pem')) },
    })
    try {
      const url = new URL(await app.listen({ host: '127.0.0.1', port: 0 }))
      expect(url.protocol).toBe('https:')
      const secret = (await createEnrollSecret(storage)).secret
      const body = JSON.stringify({ enrollSecret: secret, device: FACTS })
      const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpsRequest(
          {
            host: '127.0.0.1',
            port: Number(url.port),
            path: `${A}/enroll`,
            method: 'POST',
            ca: cert,
            headers: { 'content-type': 'application/json' },
          },
          (r) => {
            let text = ''
            r.on('data', (c) => (text += c))
            r.on('end', () => resolve({ status: r.statusCode ?? 0, text }))
          },
        )
        req.on('error', reject)
        req.end(body)
      })
      expect(res.status).toBe(201)
      expect(JSON.parse(res.text).deviceToken).toMatch(/^aisd_/)
      // Plain HTTP to the TLS port gets nothing useful.
      await expect(fetch(`http://127.0.0.1:${url.port}/healthz`)).rejects.toThrow()
    } finally {
      await app.close()
      await storage.close()
    }
  })
})
