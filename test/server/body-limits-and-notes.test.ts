import { randomUUID } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { afterAll, describe, expect, it } from 'vitest'
import { startTestServer } from './helpers/app'
import { assetUpsert, FACTS, findingUpsert, snapshotPart } from './helpers/batches'
import { stopPg } from './helpers/engines'
import { startDashServer } from './dashboard/helpers'

afterAll(stopPg)

/** POSTs `body` over a real socket in chunks, without Content-Length; resolves with the status. */
function postChunked(url: string, token: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      },
    })
    req.on('response', (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    // The server may answer and close before the whole body is written.
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET') reject(e)
    })
    for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.subarray(i, i + 16 * 1024))
    req.end()
  })
}

describe('--max-body-mb holds for uncompressed chunked bodies', () => {
  it('refuses a chunked body over the wire limit with 413', async () => {
    const s = await startTestServer('sqlite', 'http', { limits: { maxWireBytes: 100_000 } })
    try {
      const port = (s.app.server.address() as { port: number }).port
      const e = await s.call('/api/agent/v1/enroll', {
        body: {
          enrollSecret: s.enrollSecret,
          device: { ...FACTS, installationId: `inst-${randomUUID()}` },
        },
      })
      const token = e.json().deviceToken as string
      const big = assetUpsert('big', 'model', { details: { blob: 'x'.repeat(200_000) } })
      const body = Buffer.from(JSON.stringify(snapshotPart(1, 'snap_chunked1', 1, 1, [big])))
      const url = `http://127.0.0.1:${port}/api/agent/v1/inventory`
      expect(await postChunked(url, token, body)).toBe(413)
      // Under the limit, chunked is fine.
      const small = Buffer.from(
        JSON.stringify(snapshotPart(1, 'snap_chunked2', 1, 1, [assetUpsert('s')])),
      )
      expect(await postChunked(url, token, small)).toBe(200)
    } finally {
      await s.close()
    }
  })
})

describe('accepting a risk needs a real note', () => {
  it('refuses a note of blanks with 400 instead of storing it empty', async () => {
    const d = await startDashServer('sqlite')
    try {
      const { id } = await d.device('note-host', [assetUpsert('a')], [findingUpsert('f1', 'a')])
      const accept = (note: string) =>
        d.app.inject({
          method: 'POST',
          url: '/api/fleet/v1/findings/accept',
          headers: { authorization: `Bearer ${d.apiToken}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ deviceId: id, findingKey: 'f1', note }),
        })
      const blank = await accept('  \t ')
      expect(blank.statusCode).toBe(400)
      expect(JSON.parse(blank.body).message).toMatch(/note/)
      expect((await accept('  reviewed ')).statusCode).toBe(200)
    } finally {
      await d.close()
    }
  })
})
