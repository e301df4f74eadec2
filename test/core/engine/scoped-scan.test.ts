import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { FileAnalyzer } from '../../../src/core/discovery/types'
import { scan } from '../../../src/core/engine/scan'
import type { ScanOptions } from '../../../src/core/engine/scan'
import { ScopeError } from '../../../src/core/engine/scope'
import type { Db } from '../../../src/core/storage/db'
import { openDb } from '../../../src/core/storage/db'
import type { ScanScope } from '../../../src/core/types'
import { applyChange, SLOTS, snapshotInventory } from '../../fixtures/generators/changing-home'

const slot = (name: string) => SLOTS.find((s) => s.name === name)!

const cleanup: string[] = []
afterEach(() => cleanup.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

function setup(states: Record<string, number>) {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-scoped-scan-'))
  cleanup.push(dir)
  const home = join(dir, 'home')
  mkdirSync(home)
  for (const [name, state] of Object.entries(states)) applyChange(home, slot(name), state)
  return { dir, home, db: openDb(join(dir, 'inv.db')) }
}

const options = (home: string, scope?: ScanScope): ScanOptions => ({
  home,
  env: { HOME: home },
  platform: 'linux',
  scope,
  systemInfo: {
    graphics: async () => ({ controllers: [] }),
    cpu: async () => ({}),
    mem: async () => ({ total: 0 }),
    osInfo: async () => ({}),
  },
  sockets: { listening: async () => [] },
})

const paths = (home: string, ps: string[]) => options(home, { kind: 'paths', paths: ps })
const asset = (db: Db, kind: string, like: string) =>
  db
    .prepare(`SELECT * FROM assets WHERE kind = ? AND path LIKE ? AND status = 'present'`)
    .all(kind, like) as { id: string; version: string | null; links: string; details: string }[]

/** A full scan on a copy of the inventory changes nothing: the scoped scans were exact. */
async function expectFullAgrees(db: Db, home: string, dir: string) {
  const copy = join(dir, `copy-${Date.now()}.db`)
  db.exec(`VACUUM INTO '${copy}'`)
  const c = openDb(copy)
  const r = await scan(c, options(home))
  expect(snapshotInventory(c)).toEqual(snapshotInventory(db))
  expect(r.delta.assets).toEqual({ added: [], changed: [], gone: [] })
  c.close()
}

describe('scoped scans', () => {
  it('re-reads a locator-owned file through its locator (Ollama manifest, MCP config, HF snapshot)', async () => {
    const { dir, home, db } = setup({
      'ollama manifest': 1,
      'MCP config': 1,
      'hugging face snapshot': 1,
    })
    await scan(db, options(home))
    const ollama = asset(db, 'model', '%.ollama%')
    expect(ollama).toHaveLength(1)
    // A new model blob and manifest: only the Ollama locator runs again, and updates its model.
    const changed = applyChange(home, slot('ollama manifest'), 2)
    const r = await scan(db, paths(home, changed))
    expect(r.delta.assets.changed).toContain(ollama[0]!.id)
    expect(r.stats.filesSeen).toBe(0) // nothing was crawled: the paths are the store's
    // A second server in the MCP config appears through the MCP locator.
    const servers = asset(db, 'mcp-server', '%').length
    const m = await scan(db, paths(home, applyChange(home, slot('MCP config'), 2)))
    expect(m.delta.assets.added.length).toBeGreaterThanOrEqual(1)
    expect(asset(db, 'mcp-server', '%').length).toBe(servers + 1)
    // A path deep inside the Hugging Face cache re-runs the cache's locator (it claimed the folder).
    const hf = applyChange(home, slot('hugging face snapshot'), 2)
    const h = await scan(
      db,
      paths(home, [join(hf[0]!, 'snapshots', 'b'.repeat(40), 'model.safetensors')]),
    )
    expect(h.delta.assets.changed.length).toBeGreaterThanOrEqual(1)
    await expectFullAgrees(db, home, dir)
    db.close()
  })

  it('re-runs analyses of other files that depend on a changed path (a notebook linking a cached model, a .env and its .gitignore)', async () => {
    const { dir, home, db } = setup({
      'hugging face snapshot': 1,
      notebook: 1,
      'git working tree': 1,
      'project .env': 3,
    })
    await scan(db, options(home))
    const nb = () => asset(db, 'notebook', '%analysis.ipynb')[0]!
    expect(JSON.parse(nb().links)).toEqual([
      expect.objectContaining({ relation: 'references-model' }),
    ])
    const open = (rule: string) =>
      db
        .prepare(`SELECT count(*) AS n FROM findings WHERE rule_id = ? AND status = 'open'`)
        .get(rule)
    expect(open('posture.env-not-gitignored')).toEqual({ n: 1 })
    // The cached model goes: the notebook (not in scope) is analysed again and loses its link.
    const r = await scan(db, paths(home, applyChange(home, slot('hugging face snapshot'), 0)))
    expect(r.delta.assets.changed).toContain(nb().id)
    expect(JSON.parse(nb().links)).toEqual([])
    // A .gitignore rule now covers the .env: its finding is resolved without naming the .env.
    const g = await scan(db, paths(home, applyChange(home, slot('.gitignore'), 1)))
    expect(g.delta.findings.resolved).toHaveLength(1)
    expect(open('posture.env-not-gitignored')).toEqual({ n: 0 })
    await expectFullAgrees(db, home, dir)
    db.close()
  })

  it('a deleted folder takes what was found in it; the crawl keeps its pruning inside scopes', async () => {
    const { dir, home, db } = setup({ 'a folder of files': 1 })
    await scan(db, options(home))
    expect(asset(db, 'model', '%deep%')).toHaveLength(1)
    // A path inside a pruned folder is not crawled by a scoped scan either.
    const pruned = await scan(
      db,
      paths(home, [join(home, 'deep', 'node_modules', 'p', 'evil.pkl')]),
    )
    expect(pruned.delta.assets.added).toEqual([])
    const r = await scan(db, paths(home, applyChange(home, slot('a folder of files'), 0)))
    expect(r.delta.assets.gone.length).toBe(2) // the model and the key
    expect(asset(db, 'model', '%deep%')).toHaveLength(0)
    await expectFullAgrees(db, home, dir)
    db.close()
  })

  it('a locator scope runs those locators only; an unknown locator is an error', async () => {
    const { home, db } = setup({ 'ollama manifest': 1, 'loose model': 1 })
    await scan(db, options(home))
    applyChange(home, slot('loose model'), 2)
    applyChange(home, slot('ollama manifest'), 0)
    const r = await scan(db, options(home, { kind: 'locators', ids: ['ollama'] }))
    // The Ollama model went; the changed loose file was not looked at.
    expect(r.delta.assets.gone).toHaveLength(1)
    expect(r.delta.assets.changed).toEqual([])
    await expect(scan(db, options(home, { kind: 'locators', ids: ['nope'] }))).rejects.toThrow(
      ScopeError,
    )
    db.close()
  })

  it('a full scan and a scoped scan running at once: what both ran keeps the result of the one that began later', async () => {
    const { dir, home, db } = setup({ 'loose model': 1 })
    const gate = join(home, 'gate.cfg')
    writeFileSync(gate, 'v1')
    // A file analyzer that reads the file, then (in the full scan only) waits before emitting:
    // the full scan holds a stale view of gate.cfg while the scoped scan sees the new one.
    let entered!: () => void
    const inside = new Promise<void>((r) => (entered = r))
    let release!: () => void
    const released = new Promise<void>((r) => (release = r))
    let hold = true
    const analyzers: FileAnalyzer[] = [
      {
        id: 'gate',
        names: ['gate.cfg'],
        async analyze(path, ctx) {
          const content = readFileSync(path, 'utf8')
          if (hold) {
            hold = false
            entered()
            await released
          }
          ctx.emitAsset({ kind: 'agent-config', path, details: { content } })
        },
      },
    ]
    await scan(db, { ...options(home), analyzers: [] })
    const full = scan(db, { ...options(home), analyzers })
    await inside
    writeFileSync(gate, 'v2')
    const other = openDb(join(dir, 'inv.db'))
    const s = await scan(other, { ...paths(home, [gate]), analyzers })
    expect(s.delta.assets.added).toHaveLength(1)
    release()
    const f = await full
    expect(f.status).toBe('complete')
    const row = db.prepare(`SELECT details FROM assets WHERE path = ?`).get(gate) as {
      details: string
    }
    expect(JSON.parse(row.details)).toEqual({ content: 'v2' })
    // The full scan applied the rest of what it saw, and neither scan interrupted the other.
    expect(f.delta.assets.changed).toEqual([])
    expect(db.prepare(`SELECT DISTINCT status FROM scans`).all()).toEqual([{ status: 'complete' }])
    other.close()
    const again = await scan(db, { ...options(home), analyzers })
    expect(again.delta.assets).toEqual({ added: [], changed: [], gone: [] })
    db.close()
  })
})
