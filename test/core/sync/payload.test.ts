import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syncNow } from '../../../src/core/sync/client'
import { assetItem, redactPaths } from '../../../src/core/sync/payload'
import { previewSync } from '../../../src/core/sync/preview'
import type { Asset } from '../../../src/core/types'
import { fakeOpenAiKey, makeFakeHome, write } from '../../fixtures/generators/fake-home'
import { startTestServer } from '../../server/helpers/app'
import type { TestServer } from '../../server/helpers/app'
import { stopPg } from '../../server/helpers/engines'
import { laptop, scanLaptop, tokensOf } from './helpers'

afterAll(stopPg)

describe('paths in the payload', () => {
  const home = '/home/alice'
  const r = (v: unknown) => redactPaths(v, { uploadPaths: 'home', home })

  it('replaces the home where it starts a path, and nowhere else', () => {
    expect(r('/home/alice/.env')).toBe('~/.env')
    expect(r('/home/alice')).toBe('~')
    expect(r('/home/alice/')).toBe('~/')
    expect(r('key in /home/alice/p/.env:3 (sk-…abcd)')).toBe('key in ~/p/.env:3 (sk-…abcd)')
    expect(r('file:///home/alice/x.ipynb')).toBe('file://~/x.ipynb')
    expect(r('/home/alice2/x')).toBe('/home/alice2/x')
    expect(r('/mnt/home/alice/x')).toBe('/mnt/home/alice/x')
    expect(r({ a: ['/home/alice/a', 1, null, { b: '/home/alice/b' }] })).toEqual({
      a: ['~/a', 1, null, { b: '~/b' }],
    })
    expect(redactPaths('C:\\Users\\bob\\x', { uploadPaths: 'home', home: 'C:\\Users\\bob' })).toBe(
      '~\\x',
    )
    expect(redactPaths('/home/alice/x', { uploadPaths: 'full', home })).toBe('/home/alice/x')
  })

  it('builds the scan-JSON shape, scrubs secret values, and hashes the content', () => {
    const a = {
      id: 'secret:abc',
      kind: 'secret',
      path: '/home/alice/.env',
      name: 'OpenAI key',
      details: {
        provider: 'openai',
        fingerprint: 'f'.repeat(64),
        redacted: 'sk-…abcd',
        line: 2,
        value: 'sk-LEAK',
      },
      links: [],
    } as unknown as Asset
    const item = assetItem(a, { uploadPaths: 'home', home })
    expect(item).toMatchObject({ op: 'upsert', key: 'secret:abc', kind: 'secret' })
    expect(item.data).toMatchObject({
      id: 'secret:abc',
      path: '~/.env',
      fingerprint: 'f'.repeat(64),
      redacted: 'sk-…abcd',
    })
    expect(JSON.stringify(item)).not.toContain('sk-LEAK')
    expect(item.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(assetItem(a, { uploadPaths: 'home', home }).hash).toBe(item.hash)
    expect(assetItem(a, { uploadPaths: 'full', home }).hash).not.toBe(item.hash)
  })
})

describe('what never leaves the device', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer('sqlite', 'http')
  })
  afterAll(async () => s.close())

  it('file contents, key values and notebook code are in neither the dry run nor the server', async () => {
    const fake = makeFakeHome()
    const codeMarker = `NOTEBOOK_CODE_${randomUUID().replace(/-/g, '')}`
    const outputMarker = `NOTEBOOK_OUTPUT_${randomUUID().replace(/-/g, '')}`
    const fileMarker = `FILE_CONTENT_${randomUUID().replace(/-/g, '')}`
    const notebookKey = fakeOpenAiKey(4242)
    write(
      join(fake.home, 'lab', 'secret-work.ipynb'),
      JSON.stringify({
        cells: [
          {
            cell_type: 'code',
            source: [
              `${codeMarker} = 1\n`,
              `client = OpenAI(api_key="${notebookKey}")\n`,
              "model = torch.load('w.pt')\n",
            ],
            outputs: [{ output_type: 'stream', name: 'stdout', text: [`${outputMarker}\n`] }],
            metadata: {},
          },
        ],
        metadata: { kernelspec: { name: 'python3', language: 'python' } },
        nbformat: 4,
        nbformat_minor: 5,
      }),
    )
    write(
      join(fake.home, 'proj', 'config.yaml'),
      `openai:\n  note: ${fileMarker}\n  api_key: ${fakeOpenAiKey(99)}\n`,
    )
    write(
      join(fake.home, 'models', 'marked.safetensors'),
      Buffer.concat([Buffer.from(fileMarker), Buffer.alloc(64)]),
    )
    const l = laptop(fake.home)
    await scanLaptop(l)
    const forbidden = [
      fake.key,
      notebookKey,
      fakeOpenAiKey(99),
      codeMarker,
      outputMarker,
      fileMarker,
      readFileSync(fake.paths.env, 'utf8').trim(),
    ]
    // The dry run: exactly what would be sent.
    const preview = previewSync(l.db, { enrolled: false })
    const dry = JSON.stringify([...preview.batches])
    expect(dry.length).toBeGreaterThan(1000)
    // The notebook and the model are listed (their facts travel, their bytes do not).
    expect(dry).toContain('secret-work.ipynb')
    expect(dry).toContain('tiny.safetensors')
    for (const x of forbidden) expect(dry).not.toContain(x)
    // The real thing: enroll, rescan under the organisation's key, sync; then read every row the
    // server stored for this device.
    const o = {
      serverUrl: `http://127.0.0.1:${(s.app.server.address() as { port: number }).port}`,
      enrollSecret: s.enrollSecret,
      tokens: tokensOf(l),
      appVersion: 't',
    }
    expect((await syncNow(l.db, o)).kind).toBe('synced')
    await scanLaptop(l)
    expect((await syncNow(l.db, o)).kind).toBe('synced')
    const stored = JSON.stringify([
      await s.storage.db.selectFrom('device_assets').selectAll().execute(),
      await s.storage.db.selectFrom('device_findings').selectAll().execute(),
    ])
    expect(stored).toContain('secret-work.ipynb')
    expect(stored).toMatch(/"kind":"secret"/)
    for (const x of forbidden) expect(stored).not.toContain(x)
    expect(stored).not.toContain(fake.home)
  })
})
