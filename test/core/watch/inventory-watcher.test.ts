import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  countInotifyWatches,
  createInventoryWatcher,
  openDb,
  readChanges,
  scan,
} from '../../../src/core'
import type { Db, ScanSummary, WatchService } from '../../../src/core'
import { maliciousPickle } from '../../fixtures/generators/fake-home'
import { ggufBytes, safetensorsBytes } from '../../fixtures/generators/homes/stores-files'
import { fakeHomeScanOptions } from '../../helpers/scan-options'
import { sleep, waitFor } from '../../helpers/wait'

const options = fakeHomeScanOptions

const mcp = (servers: Record<string, unknown>): string => JSON.stringify({ mcpServers: servers })

type AssetRow = {
  id: string
  kind: string
  path: string
  name: string
  status: string
  verdict: string | null
  size_bytes: number | null
}

describe('the watcher over a real inventory (real files, real events, scoped scans)', () => {
  let home: string
  let db: Db
  let dbPath: string
  let watcher: WatchService | undefined
  const scans: ScanSummary[] = []

  beforeEach(async () => {
    const work = mkdtempSync(join(tmpdir(), 'inv-watch-'))
    home = join(work, 'home')
    for (const d of ['Downloads', 'models', '.cursor'])
      mkdirSync(join(home, d), { recursive: true })
    writeFileSync(join(home, 'models', 'a.safetensors'), safetensorsBytes('a'))
    writeFileSync(
      join(home, '.cursor', 'mcp.json'),
      mcp({
        files: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] },
      }),
    )
    dbPath = join(work, 'inventory.db')
    db = openDb(dbPath)
    await scan(db, options(home))
    scans.length = 0
    watcher = createInventoryWatcher({
      db,
      dbPath,
      scan: options(home),
      settle: { quietMs: 150 },
      onEvent: (e) => {
        if (e.type === 'scanned') scans.push(e.result)
      },
    })
    await watcher.start()
  })
  afterEach(async () => {
    await watcher?.stop()
    db.close()
  })

  const asset = (path: string): AssetRow | undefined =>
    db.prepare(`SELECT * FROM assets WHERE path = ? ORDER BY status DESC`).get(path) as
      AssetRow | undefined
  const present = (path: string): AssetRow | undefined => {
    const a = asset(path)
    return a?.status === 'present' ? a : undefined
  }

  it('detects and scans a new GGUF, safetensors and malicious pickle, and notes the finding in the change log', async () => {
    const after = readChanges(db, { limit: 1 }).next
    const seqBefore = (db.prepare(`SELECT max(seq) AS s FROM changes`).get() as { s: number }).s
    writeFileSync(join(home, 'Downloads', 'tiny.gguf'), ggufBytes('tiny'))
    writeFileSync(join(home, 'models', 'b.safetensors'), safetensorsBytes('b'))
    writeFileSync(join(home, 'Downloads', 'evil.pkl'), maliciousPickle())
    const gguf = await waitFor(() => present(join(home, 'Downloads', 'tiny.gguf')), 'the GGUF')
    expect(gguf).toMatchObject({ kind: 'model', verdict: 'safe' })
    expect(
      await waitFor(() => present(join(home, 'models', 'b.safetensors')), 'the safetensors'),
    ).toMatchObject({ verdict: 'safe' })
    const evil = await waitFor(() => present(join(home, 'Downloads', 'evil.pkl')), 'the pickle')
    expect(evil.verdict).toBe('malicious')
    const critical = db
      .prepare(
        `SELECT id FROM findings WHERE path = ? AND status = 'open' AND severity = 'critical'`,
      )
      .all(join(home, 'Downloads', 'evil.pkl')) as { id: string }[]
    expect(critical.length).toBeGreaterThan(0)
    const opened = readChanges(db, { after: seqBefore }).changes.filter(
      (c) => c.entity === 'finding' && c.change === 'opened',
    )
    expect(opened.map((c) => c.key)).toEqual(expect.arrayContaining(critical.map((c) => c.id)))
    expect(after).toBeGreaterThanOrEqual(0)
    // Only scoped scans ran.
    expect(scans.every((s) => s.scope.kind === 'paths')).toBe(true)
  })

  it('marks a deleted model file gone', async () => {
    const p = join(home, 'models', 'a.safetensors')
    expect(present(p)).toBeDefined()
    rmSync(p)
    await waitFor(() => asset(p)?.status === 'gone', 'the model gone')
  })

  it('follows an edited MCP config as servers are added and removed', async () => {
    const cfg = join(home, '.cursor', 'mcp.json')
    const servers = (): string[] =>
      (
        db
          .prepare(
            `SELECT name FROM assets WHERE kind = 'mcp-server' AND status = 'present' ORDER BY name`,
          )
          .all() as { name: string }[]
      ).map((r) => r.name)
    expect(servers()).toEqual(['files'])
    writeFileSync(
      cfg,
      mcp({
        files: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] },
        search: { command: 'uvx', args: ['mcp-server-fetch'] },
      }),
    )
    await waitFor(() => servers().includes('search'), 'the new server')
    expect(servers()).toEqual(['files', 'search'])
    writeFileSync(cfg, mcp({ search: { command: 'uvx', args: ['mcp-server-fetch'] } }))
    await waitFor(() => !servers().includes('files'), 'the removed server')
    expect(servers()).toEqual(['search'])
  })

  it('scans a slowly written file once, complete', async () => {
    const p = join(home, 'models', 'slow.gguf')
    const full = ggufBytes('slow', 64 * 1024)
    const chunk = Math.ceil(full.length / 12)
    for (let i = 0; i < full.length; i += chunk) {
      appendFileSync(p, full.subarray(i, i + chunk))
      await sleep(60)
    }
    const a = await waitFor(() => present(p), 'the slow file')
    await watcher!.idle()
    expect(a).toMatchObject({ verdict: 'safe', size_bytes: full.length })
    const covering = scans.filter(
      (s) =>
        s.scope.kind === 'paths' && s.scope.paths.some((x) => p === x || p.startsWith(x + '/')),
    )
    expect(covering).toHaveLength(1)
  })

  it('pausing releases its watches; resuming rescans what changed meanwhile', async () => {
    await watcher!.idle()
    const held = countInotifyWatches()
    if (held !== undefined) expect(held).toBeGreaterThan(0)
    await watcher!.pause()
    if (held !== undefined) expect(countInotifyWatches()).toBe(0)
    const p = join(home, 'Downloads', 'paused.gguf')
    writeFileSync(p, ggufBytes('paused'))
    rmSync(join(home, 'models', 'a.safetensors'))
    await sleep(600)
    expect(present(p)).toBeUndefined()
    await watcher!.resume()
    await waitFor(() => present(p), 'the file added while paused')
    await waitFor(
      () => asset(join(home, 'models', 'a.safetensors'))?.status === 'gone',
      'the file removed while paused',
    )
    expect(scans.every((s) => s.scope.kind === 'paths')).toBe(true)
  })
})
