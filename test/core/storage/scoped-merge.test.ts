import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { assetIdFor } from '../../../src/core/engine/asset-id'
import type { Db } from '../../../src/core/storage/db'
import { openDb } from '../../../src/core/storage/db'
import { beginScan } from '../../../src/core/storage/inventory-store'
import type { InventoryWriter, Origin } from '../../../src/core/storage/inventory-writer'
import type { NewAsset, NewFinding, ScanScope, ScanStats } from '../../../src/core/types'

const host = { hostname: 'h', platform: 'linux', arch: 'x64', osRelease: '6', user: 'u' }
const stats: ScanStats = {
  filesSeen: 0,
  dirsSeen: 0,
  candidates: 0,
  bytesHashed: 0,
  filesHashed: 0,
  hashCacheHits: 0,
  modelsScanned: 0,
  assets: 0,
  findings: 0,
  skipped: 0,
  durationMs: 0,
}
const loc = (id: string, rank = 0): Origin => ({ key: `locator:${id}`, rank })
const file = (p: string): Origin => ({ key: `file:${p}`, rank: 100_000 })
const secrets = (p: string): Origin => ({ key: `secrets:${p}`, rank: 200_000 })

type Emission = Readonly<{ origin: Origin; assets?: NewAsset[]; findings?: NewFinding[] }>

/** The inventory's present assets and open findings, as comparable text. */
function snapshot(db: Db) {
  return {
    assets: db
      .prepare(
        `SELECT id, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links
         FROM assets WHERE status = 'present' ORDER BY id`,
      )
      .all(),
    findings: db
      .prepare(
        `SELECT id, rule_id, severity, title, message, path, line, asset_id FROM findings
         WHERE status = 'open' ORDER BY id`,
      )
      .all(),
  }
}

function changesOf(db: Db, scanId: string) {
  return db
    .prepare(`SELECT entity, key, change FROM changes WHERE scan_id = ? ORDER BY seq`)
    .all(scanId) as { entity: string; key: string; change: string }[]
}

describe('scoped commits (real SQLite file)', () => {
  const dirs: string[] = []
  const open = () => {
    const d = mkdtempSync(join(tmpdir(), 'aiscout-scoped-'))
    dirs.push(d)
    return openDb(join(d, 'inv.db'))
  }
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

  const emit = (w: InventoryWriter, es: readonly Emission[]) => {
    for (const e of es) {
      w.cover(e.origin)
      for (const a of e.assets ?? []) w.addAsset(a, e.origin)
      for (const f of e.findings ?? []) w.addFinding(f, e.origin)
    }
  }
  const run = (db: Db, scope: ScanScope, es: readonly Emission[]) => {
    const w = beginScan(db, host, ['/h'], { scope })
    emit(w, es)
    return { id: w.scanId, ...w.complete(stats) }
  }
  const full = (db: Db, es: readonly Emission[]) => run(db, { kind: 'full' }, es)
  const paths = (db: Db, ps: string[], es: readonly Emission[]) =>
    run(db, { kind: 'paths', paths: ps }, es)

  const ollama = (tag: string): Emission => ({
    origin: loc('ollama'),
    assets: [{ kind: 'model', path: '/h/.ollama/m', identity: 'ollama:m', version: tag }],
  })
  const loose = (p: string, sha = 'aa'): Emission => ({
    origin: file(p),
    assets: [{ kind: 'model', path: p, sha256: sha, format: 'gguf' }],
    findings: [{ ruleId: 'model.invalid-structure', message: `bad ${p}`, path: p }],
  })

  it('replaces only what the units it covers emitted before', () => {
    const db = open()
    full(db, [ollama('v1'), loose('/h/a.gguf'), loose('/h/d/b.gguf', 'bb')])
    const before = snapshot(db)
    // A scoped scan of /h/d/b.gguf re-ran its unit, which now emits a different digest.
    const r = paths(db, ['/h/d/b.gguf'], [loose('/h/d/b.gguf', 'cc')])
    const b = assetIdFor('model', '/h/d/b.gguf')
    expect(r.delta.assets).toEqual({ added: [], changed: [b], gone: [] })
    expect(r.delta.findings).toEqual({ opened: [], changed: [], resolved: [] })
    const after = snapshot(db)
    expect(after.assets.filter((a) => (a as { id: string }).id !== b)).toEqual(
      before.assets.filter((a) => (a as { id: string }).id !== b),
    )
    // A locator scope replaces that locator's output only.
    const l = run(db, { kind: 'locators', ids: ['ollama'] }, [ollama('v2')])
    expect(l.delta.assets.changed).toEqual([assetIdFor('model', 'ollama:m')])
    db.close()
  })

  it('a file unit at or under a scope path that emits nothing now is gone (a deleted file)', () => {
    const db = open()
    full(db, [loose('/h/d/x.gguf'), loose('/h/d/e/y.gguf', 'bb'), loose('/h/dd.gguf', 'cc')])
    const r = paths(db, ['/h/d'], [])
    expect([...r.delta.assets.gone].sort()).toEqual(
      [assetIdFor('model', '/h/d/x.gguf'), assetIdFor('model', '/h/d/e/y.gguf')].sort(),
    )
    expect(r.delta.findings.resolved).toHaveLength(2)
    // `/h/dd.gguf` is not under `/h/d`.
    expect(snapshot(db).assets.map((a) => (a as { path: string }).path)).toEqual(['/h/dd.gguf'])
    db.close()
  })

  it('composes an asset several units emit in rank order, whichever unit a scoped scan re-runs', () => {
    const platform = (extra: Record<string, string>): Emission => ({
      origin: loc('aws', 5),
      assets: [
        {
          kind: 'secret',
          path: '/h/.aws/credentials',
          identity: 'fp@/h/.aws/credentials:2',
          source: 'aws',
          details: { fingerprint: 'fp', line: 2, ...extra },
        },
      ],
    })
    const pass: Emission = {
      origin: secrets('/h/.aws/credentials'),
      assets: [
        {
          kind: 'secret',
          path: '/h/.aws/credentials',
          identity: 'fp@/h/.aws/credentials:2',
          source: 'secrets',
          details: { fingerprint: 'fp', line: 2 },
        },
      ],
    }
    // Emission order differs from rank order: the result is the same.
    const a = open()
    full(a, [pass, platform({ profile: 'default' })])
    const b = open()
    full(b, [platform({ profile: 'default' }), pass])
    expect(snapshot(a)).toEqual(snapshot(b))
    expect((snapshot(a).assets[0] as { source: string }).source).toBe('secrets')
    // Re-running only the locator with another detail keeps the pass's part, drops the old one.
    run(a, { kind: 'locators', ids: ['aws'] }, [platform({ profile: 'work' })])
    full(b, [platform({ profile: 'work' }), pass])
    expect(snapshot(a)).toEqual(snapshot(b))
    // The locator no longer emits it: the asset stays, held by the secrets pass alone.
    run(a, { kind: 'locators', ids: ['aws'] }, [{ origin: loc('aws', 5) }])
    full(b, [pass])
    expect(snapshot(a)).toEqual(snapshot(b))
    a.close()
    b.close()
  })

  it('keeps same-weights links and key-reused findings as a full scan would, after scoped changes', () => {
    const key = (p: string, line: number): Emission => ({
      origin: secrets(p),
      assets: [
        {
          kind: 'secret',
          path: p,
          identity: `fp@${p}:${line}`,
          source: 'secrets',
          details: { fingerprint: 'fp', line, provider: 'OpenAI', redacted: 'sk-…AbCd' },
        },
      ],
    })
    const a = open()
    const b = open()
    const start = [loose('/h/a.gguf', 'ee'), loose('/h/b.gguf', 'ee'), key('/h/.env', 1)]
    full(a, start)
    // A copy of the weights and a second place for the key appear.
    const r = paths(a, ['/h/c.gguf', '/h/p/.env'], [loose('/h/c.gguf', 'ee'), key('/h/p/.env', 3)])
    full(b, [...start, loose('/h/c.gguf', 'ee'), key('/h/p/.env', 3)])
    expect(snapshot(a)).toEqual(snapshot(b))
    expect(r.delta.findings.opened.length).toBe(2) // c.gguf's finding and the key-reused one
    expect(r.delta.assets.changed.length).toBe(2) // a and b gained a same-weights link
    const links = JSON.parse(
      (
        snapshot(a).assets.find((x) => (x as { path: string }).path === '/h/a.gguf') as {
          links: string
        }
      ).links,
    )
    expect(links.map((l: { relation: string }) => l.relation)).toEqual([
      'same-weights',
      'same-weights',
    ])
    // One copy and one place go again.
    paths(a, ['/h/c.gguf', '/h/.env'], [])
    full(b, [loose('/h/a.gguf', 'ee'), loose('/h/b.gguf', 'ee'), key('/h/p/.env', 3)])
    expect(snapshot(a)).toEqual(snapshot(b))
    expect(
      snapshot(a).findings.some((f) => (f as { rule_id: string }).rule_id === 'posture.key-reused'),
    ).toBe(false)
    a.close()
    b.close()
  })

  it('overlapping scans: each unit keeps the result of the latest-begun scan that ran it', () => {
    const db = open()
    full(db, [loose('/h/a.gguf', 'a1'), loose('/h/b.gguf', 'b1')])
    // A full scan begins and reads a.gguf (a1) and b.gguf (b1) ...
    const f = beginScan(db, host, ['/h'])
    emit(f, [loose('/h/a.gguf', 'a1'), loose('/h/b.gguf', 'b1')])
    // ... then a.gguf changes, and a scoped scan that began later commits first.
    paths(db, ['/h/a.gguf'], [loose('/h/a.gguf', 'a2')])
    const fr = f.complete(stats)
    const row = (p: string) =>
      db.prepare(`SELECT sha256 FROM assets WHERE path = ?`).get(p) as { sha256: string }
    // The full scan's older view of a.gguf does not overwrite the newer one.
    expect(row('/h/a.gguf').sha256).toBe('a2')
    expect(fr.delta.assets.changed).toEqual([])
    // The reverse: a scoped scan that began before a full scan commits after it: superseded.
    const s = beginScan(db, host, ['/h'], { scope: { kind: 'paths', paths: ['/h/b.gguf'] } })
    emit(s, [loose('/h/b.gguf', 'stale')])
    full(db, [loose('/h/a.gguf', 'a2'), loose('/h/b.gguf', 'b2')])
    const sr = s.complete(stats)
    expect(row('/h/b.gguf').sha256).toBe('b2')
    expect(sr.delta.assets).toEqual({ added: [], changed: [], gone: [] })
    // A file created and deleted again while a full scan ran: the scoped scan that saw it gone
    // began later, so the full scan's sighting is not applied.
    const f2 = beginScan(db, host, ['/h'])
    emit(f2, [loose('/h/a.gguf', 'a2'), loose('/h/b.gguf', 'b2'), loose('/h/t/tmp.gguf', 'tt')])
    paths(db, ['/h/t'], [])
    f2.complete(stats)
    expect(
      db.prepare(`SELECT count(*) AS n FROM assets WHERE path = '/h/t/tmp.gguf'`).get(),
    ).toEqual({
      n: 0,
    })
    db.close()
  })

  it('every commit logs exactly the changes it applied; an unchanged rescan logs none', () => {
    const db = open()
    const r1 = full(db, [ollama('v1'), loose('/h/a.gguf')])
    expect(
      changesOf(db, r1.id)
        .map((c) => c.change)
        .sort(),
    ).toEqual(['added', 'added', 'opened'])
    const r2 = full(db, [ollama('v1'), loose('/h/a.gguf')])
    expect(changesOf(db, r2.id)).toEqual([])
    expect(r2.delta).toEqual({
      assets: { added: [], changed: [], gone: [] },
      findings: { opened: [], changed: [], resolved: [] },
    })
    const r3 = full(db, [ollama('v2')])
    expect(changesOf(db, r3.id)).toEqual([
      { entity: 'asset', key: assetIdFor('model', 'ollama:m'), change: 'changed' },
      { entity: 'asset', key: assetIdFor('model', '/h/a.gguf'), change: 'gone' },
      { entity: 'finding', key: r1.delta.findings.opened[0], change: 'resolved' },
    ])
    const r4 = paths(db, ['/h/a.gguf'], [loose('/h/a.gguf')])
    expect(changesOf(db, r4.id)).toEqual([
      { entity: 'asset', key: assetIdFor('model', '/h/a.gguf'), change: 'added' },
      { entity: 'finding', key: r1.delta.findings.opened[0], change: 'opened' },
    ])
    expect(r4.delta.seq!.last - r4.delta.seq!.first).toBe(1)
    db.close()
  })
})
