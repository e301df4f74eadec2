import { gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syncNow } from '../../../src/core/sync/client'
import { fitItemData } from '../../../src/core/sync/payload'
import { fetchTransport } from '../../../src/core/sync/transport'
import type { Transport } from '../../../src/core/sync/transport'
import { readState } from '../../../src/core/sync/state'
import { MAX_ITEM_BYTES } from '../../../src/shared/sync-api'
import { makeFakeHome } from '../../fixtures/generators/fake-home'
import { startTestServer } from '../../server/helpers/app'
import type { TestServer } from '../../server/helpers/app'
import { stopPg } from '../../server/helpers/engines'
import { laptop, scanLaptop, tokensOf } from './helpers'

afterAll(stopPg)

describe('item data fits the server', () => {
  it('keeps small items as they are', () => {
    const d = { id: 'a', name: 'm', details: { x: [1, 2] } }
    expect(fitItemData(d)).toEqual(d)
  })

  it('trims an oversized item to the cap with a marker, keeping its identity', () => {
    const d = {
      id: 'a',
      kind: 'model',
      name: 'big',
      details: { blob: 'x'.repeat(2 * MAX_ITEM_BYTES) },
    }
    const out = fitItemData(d)
    expect(Buffer.byteLength(JSON.stringify(out))).toBeLessThanOrEqual(MAX_ITEM_BYTES)
    expect(out).toMatchObject({ id: 'a', kind: 'model', name: 'big' })
    expect(String(out.truncated)).toMatch(/details omitted/)
    const wide = { id: 'b', name: 'n'.repeat(2 * MAX_ITEM_BYTES), details: {} }
    const out2 = fitItemData(wide)
    expect(Buffer.byteLength(JSON.stringify(out2))).toBeLessThanOrEqual(MAX_ITEM_BYTES)
    expect(out2.id).toBe('b')
  })

  it('cuts hostile nesting', () => {
    let deep: Record<string, unknown> = { v: 1 }
    for (let i = 0; i < 5000; i++) deep = { x: deep }
    const out = fitItemData({ id: 'c', details: deep })
    expect(() => JSON.stringify(out)).not.toThrow()
    expect(JSON.stringify(out)).toContain('nested too deep')
  })
})

describe('a batch the server refuses', () => {
  let s: TestServer
  let url: string
  beforeAll(async () => {
    s = await startTestServer('sqlite', 'http')
    url = `http://127.0.0.1:${(s.app.server.address() as { port: number }).port}`
  })
  afterAll(async () => s.close())

  it('stops the run with the server reason instead of looping or retrying it unchanged', async () => {
    const fake = makeFakeHome()
    const l = laptop(fake.home)
    await scanLaptop(l)
    let inventoryCalls = 0
    // A poison batch (as a buggy or older client could build): every inventory body gets an item
    // key with a NUL, which the server refuses with 400.
    const poison: Transport = (u, o) => {
      if (!u.endsWith('/inventory') || !o.gzipBody) return fetchTransport(u, o)
      inventoryCalls++
      const b = JSON.parse(gunzipSync(o.gzipBody).toString()) as { assets: { key: string }[] }
      if (b.assets[0]) b.assets[0].key += '\u0000'
      return fetchTransport(u, { ...o, gzipBody: gzipSync(JSON.stringify(b)) })
    }
    const r = await syncNow(l.db, {
      serverUrl: url,
      enrollSecret: s.enrollSecret,
      tokens: tokensOf(l),
      appVersion: '1.2.3',
      retry: { attempts: 3, baseMs: 1, capMs: 2 },
      env: { AISCOUT_HARDWARE_ID: 'hw-poison' },
      transport: poison,
    })
    expect(r.kind).toBe('rejected')
    if (r.kind !== 'rejected') return
    expect(r.message).toMatch(/refused batch \d+ \(HTTP 400\).*NUL/)
    // One send, one smaller replan, then stop.
    expect(inventoryCalls).toBe(2)
    expect(readState(l.db).lastError).toMatch(/HTTP 400/)
  })
})
