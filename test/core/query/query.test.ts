import { afterEach, describe, expect, it } from 'vitest'
import {
  assetDetail,
  countAssets,
  countFindings,
  findingDetail,
  overview,
  queryAssets,
  queryFindings,
  QueryError,
  refreshDerived,
} from '../../../src/core/query'
import type { Db } from '../../../src/core/storage/db'
import { openDb } from '../../../src/core/storage/db'
import { compactChanges } from '../../../src/core/storage/change-log'
import { beginScan } from '../../../src/core/storage/inventory-store'
import type { NewAsset, NewFinding, ScanScope } from '../../../src/core/types'
import type {
  AssetQuery,
  AssetRow,
  FindingQuery,
  FindingRow,
  Page,
} from '../../../src/shared/query'
import { ASSET_SORT_KEYS, FINDING_SORT_KEYS } from '../../../src/shared/query'
import { HOST, STATS, storeScan, tempDb } from './helpers'

const SHA_A = 'a'.repeat(63) + '1'
const SHA_B = '0123456789abcdef'.repeat(4)
const FP = 'fe'.repeat(32)

/** A small inventory with every filterable field and many ties in every sort key. */
function seed(db: Db): { ids: string[]; scanId: string } {
  const assets: NewAsset[] = []
  for (let i = 0; i < 60; i++) {
    assets.push({
      kind: i % 3 === 0 ? 'model' : i % 3 === 1 ? 'package' : 'notebook',
      path: `/home/u/p${i % 4}/file-${i}.bin`,
      // Many assets share a name (and some have none, so they sort by path).
      name: i % 5 === 0 ? undefined : `Same Name ${i % 2}`,
      sizeBytes: i % 7 === 0 ? undefined : 1000 * (i % 3),
      source: i % 2 ? 'ollama' : 'crawl',
      ...(i % 3 === 0 ? { verdict: i % 6 === 0 ? ('malicious' as const) : ('safe' as const) } : {}),
      ...(i === 3 ? { sha256: SHA_A, name: 'TinyLlama Chat' } : {}),
      ...(i === 6 ? { sha256: SHA_B } : {}),
    })
  }
  assets.push({
    kind: 'secret',
    path: '/home/u/.env',
    identity: `${FP}@/home/u/.env:1`,
    name: 'OpenAI key',
    details: { provider: 'OpenAI', fingerprint: FP, redacted: 'sk-…abcd' },
  })
  assets.push({
    kind: 'mcp-server',
    path: '/home/u/.cursor/mcp.json',
    identity: 'mcp:files',
    name: 'files',
    links: [{ to: 'placeholder', relation: 'uses-secret' }],
  })
  const { ids, scanId } = storeScan(db, {
    assets,
    findings: assets.map((_, i) =>
      i < 60
        ? [
            {
              ruleId: i % 2 ? 'pickle.dangerous-callable' : 'package.vulnerable',
              severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4],
              message: `finding ${i} about thing-${i % 3}`,
              path: assets[i]!.path,
            },
          ]
        : [],
    ),
    at: new Date('2026-01-01T00:00:00Z'),
  })
  return { ids, scanId }
}

function allPages<T extends { id: string }>(
  fetch: (cursor?: string) => Page<T>,
): { ids: string[]; pages: number } {
  const ids: string[] = []
  let cursor: string | undefined
  let pages = 0
  do {
    const p = fetch(cursor)
    pages++
    ids.push(...p.items.map((x) => x.id))
    cursor = p.nextCursor
    if (pages > 1000) throw new Error('paging does not end')
  } while (cursor)
  return { ids, pages }
}

describe('query layer (real SQLite file)', () => {
  const cleanups: (() => void)[] = []
  const open = () => {
    const t = tempDb()
    cleanups.push(t.cleanup)
    return t.db
  }
  afterEach(() => cleanups.splice(0).forEach((c) => c()))

  it('pages every sort in both directions without skipping or repeating a row under ties', () => {
    const db = open()
    seed(db)
    const everyAsset = queryAssets(db, { statuses: ['present', 'gone'], limit: 1000 }).items
    expect(everyAsset).toHaveLength(62)
    for (const key of ASSET_SORT_KEYS) {
      for (const direction of ['asc', 'desc'] as const) {
        const q: AssetQuery = { sort: { key, direction }, limit: 7 }
        const { ids, pages } = allPages((cursor) => queryAssets(db, { ...q, cursor }))
        expect(new Set(ids).size, `${key} ${direction}`).toBe(ids.length)
        expect([...ids].sort(), `${key} ${direction}`).toEqual(everyAsset.map((a) => a.id).sort())
        expect(pages).toBe(Math.ceil(62 / 7))
        // One query with no page limit gives the same order.
        const whole = queryAssets(db, { sort: { key, direction }, limit: 1000 }).items
        expect(ids).toEqual(whole.map((a) => a.id))
      }
    }
    const everyFinding = queryFindings(db, { limit: 1000 }).items.map((f) => f.id)
    expect(everyFinding).toHaveLength(60)
    for (const key of FINDING_SORT_KEYS) {
      for (const direction of ['asc', 'desc'] as const) {
        const q: FindingQuery = { sort: { key, direction }, limit: 4 }
        const { ids } = allPages((cursor) => queryFindings(db, { ...q, cursor }))
        expect(new Set(ids).size).toBe(60)
        expect([...ids].sort()).toEqual([...everyFinding].sort())
      }
    }
  })

  it('sorts as documented: names case-insensitively (path when there is none), severity worst first', () => {
    const db = open()
    seed(db)
    const names = queryAssets(db, { limit: 1000 }).items.map((a) =>
      (a.name ?? a.path).toLowerCase(),
    )
    expect(names).toEqual([...names].sort())
    const sizes = queryAssets(db, { sort: { key: 'size' }, limit: 1000 }).items.map(
      (a) => a.sizeBytes ?? -1,
    )
    expect(sizes).toEqual([...sizes].sort((x, y) => y - x))
    const ranks = queryFindings(db, { limit: 1000 }).items.map((f) =>
      ['info', 'low', 'medium', 'high', 'critical'].indexOf(f.severity),
    )
    expect(ranks).toEqual([...ranks].sort((x, y) => y - x))
    const kinds = queryAssets(db, { sort: { key: 'kind' }, limit: 1000 }).items.map((a) => a.kind)
    expect(kinds).toEqual([...kinds].sort())
  })

  it('filters assets by kind, source, verdict and status', () => {
    const db = open()
    seed(db)
    const models = queryAssets(db, { kinds: ['model'], limit: 1000 }).items
    expect(models).toHaveLength(20)
    expect(models.every((a) => a.kind === 'model')).toBe(true)
    expect(countAssets(db, { kinds: ['model'] })).toBe(20)
    const bad = queryAssets(db, { verdicts: ['malicious'], limit: 1000 }).items
    expect(bad.map((a) => a.verdict)).toEqual(Array(10).fill('malicious'))
    const ollama = queryAssets(db, {
      sources: ['ollama'],
      kinds: ['model', 'package'],
      limit: 1000,
    })
    expect(ollama.items.every((a) => a.source === 'ollama' && a.kind !== 'notebook')).toBe(true)
    expect(ollama.items).toHaveLength(20)
    expect(queryAssets(db, { kinds: [] }).items).toEqual([])
    expect(queryAssets(db, { statuses: ['gone'] }).items).toEqual([])
    // Rows carry their open findings.
    const m = models.find((a) => a.path.endsWith('/file-0.bin'))!
    expect(m).toMatchObject({ openFindings: 1, maxSeverity: 'critical', status: 'present' })
  })

  it('filters findings by severity, status, rule, the asset’s kind/source/verdict and the asset', () => {
    const db = open()
    const { ids } = seed(db)
    const crit = queryFindings(db, { severities: ['critical'], limit: 1000 }).items
    expect(crit).toHaveLength(15)
    expect(crit.every((f) => f.severity === 'critical' && f.status === 'open')).toBe(true)
    for (const key of FINDING_SORT_KEYS) {
      const rows = queryFindings(db, {
        severities: ['critical', 'low'],
        sort: { key },
        limit: 1000,
      })
      expect(rows.items).toHaveLength(30)
    }
    expect(countFindings(db, { ruleIds: ['package.vulnerable'] })).toBe(30)
    const onModels = queryFindings(db, { kinds: ['model'], limit: 1000 }).items
    expect(onModels).toHaveLength(20)
    expect(onModels.every((f) => f.asset?.kind === 'model')).toBe(true)
    expect(queryFindings(db, { verdicts: ['malicious'], limit: 1000 }).items).toHaveLength(10)
    expect(queryFindings(db, { sources: ['crawl'], limit: 1000 }).items).toHaveLength(30)
    const one = queryFindings(db, { assetId: ids[4] }).items
    expect(one).toHaveLength(1)
    expect(one[0]!.asset).toMatchObject({ id: ids[4], kind: 'package' })
    expect(queryFindings(db, { statuses: ['resolved'] }).items).toEqual([])
  })

  it('finds assets by words of the name, path, SHA-256 prefix and key fingerprint', () => {
    const db = open()
    seed(db)
    const text = (t: string, q: AssetQuery = {}) =>
      queryAssets(db, { ...q, text: t, limit: 1000 }).items.map((a) => a.path)
    expect(text('tinyllama')).toEqual(['/home/u/p3/file-3.bin'])
    expect(text('TINYLL chat')).toEqual(['/home/u/p3/file-3.bin'])
    expect(text('llama')).toEqual([]) // words match from their start
    expect(text(SHA_A.slice(0, 12))).toEqual(['/home/u/p3/file-3.bin'])
    expect(text(SHA_B)).toEqual(['/home/u/p2/file-6.bin'])
    expect(text(FP.slice(0, 10))).toEqual(['/home/u/.env'])
    expect(text('p1 file', { kinds: ['package'] })).toHaveLength(5)
    expect(countAssets(db, { text: 'p1' })).toBe(15)
    expect(text('cursor mcp')).toEqual(['/home/u/.cursor/mcp.json'])
    // Findings: rule id, title, message, path.
    const ft = (t: string) => queryFindings(db, { text: t, limit: 1000 }).items.length
    expect(ft('thing')).toBe(60)
    // A one-character word is left out rather than matching nearly every row.
    expect(ft('thing 1')).toBe(60)
    expect(ft('dangerous callable')).toBe(30)
    expect(ft('file 42')).toBe(1)
  })

  it('pages a text search with many matches (walking the sort index) like one with few', () => {
    const db = open()
    const assets = Array.from({ length: 1200 }, (_, i) => ({
      kind: 'package' as const,
      path: `/v/${i % 2 ? 'common' : 'rare'}/pkg-${i}`,
      name: `pkg ${i % 3}`,
    }))
    storeScan(db, {
      assets,
      findings: assets.map((a, i) => [
        { ruleId: 'package.vulnerable', message: `m ${i % 2 ? 'common' : 'rare'}`, path: a.path },
      ]),
    })
    for (const [text, n] of [
      ['common', 600],
      ['rare pkg', 600],
      ['common pkg 11', 56],
    ] as const) {
      const { ids } = allPages((cursor) => queryAssets(db, { text, limit: 70, cursor }))
      expect(new Set(ids).size, text).toBe(n)
      const whole = queryAssets(db, { text, limit: 1000 }).items
      expect(ids, text).toEqual(whole.map((a) => a.id))
      expect(whole.every((a) => a.path.includes(text.split(' ')[0]!))).toBe(true)
    }
    const f = allPages((cursor) => queryFindings(db, { text: 'common', limit: 90, cursor }))
    expect(new Set(f.ids).size).toBe(600)
  })

  it('keeps SQL, LIKE and FTS5 metacharacters in free text inert', () => {
    const db = open()
    seed(db)
    const hostile = [
      '%',
      '_',
      '%%',
      "'",
      '"',
      '""',
      '*',
      '\\',
      "'; DROP TABLE assets; --",
      '" OR 1=1 --',
      'NEAR(file p1)',
      'file NOT p1',
      'file OR zzz',
      '^file',
      'file:*',
      '{p1}',
      '(',
      'a'.repeat(10_000),
      '\u0000file',
    ]
    for (const t of hostile) {
      expect(() => queryAssets(db, { text: t }), t).not.toThrow()
      expect(() => queryFindings(db, { text: t }), t).not.toThrow()
      expect(() => countAssets(db, { text: t }), t).not.toThrow()
    }
    // Operators are words like any other: "OR" must occur, it does not widen the match.
    expect(queryAssets(db, { text: 'file OR zzz' }).items).toEqual([])
    expect(queryAssets(db, { text: '%' }).items).toEqual([])
    expect(queryAssets(db, { text: "'; DROP TABLE assets; --" }).items).toEqual([])
    // "p1%" is the word p1.
    expect(countAssets(db, { text: 'p1%' })).toBe(15)
    expect(countAssets(db)).toBe(62)
  })

  it('refuses a cursor from another sort and a forged one, and bad limits', () => {
    const db = open()
    seed(db)
    const p = queryAssets(db, { limit: 5 })
    expect(p.nextCursor).toBeDefined()
    expect(() => queryAssets(db, { sort: { key: 'path' }, cursor: p.nextCursor })).toThrow(
      QueryError,
    )
    for (const bad of ['', 'x', Buffer.from('[1,"asset:name:asc",1]').toString('base64url')])
      expect(() => queryAssets(db, { cursor: bad }), bad).toThrow(QueryError)
    expect(() => queryAssets(db, { limit: 0 })).toThrow(QueryError)
    expect(() => queryAssets(db, { limit: 1.5 })).toThrow(QueryError)
    expect(queryAssets(db, { limit: 5000 }).items).toHaveLength(62)
    expect(() => queryAssets(db, { sort: { key: 'nope' as 'name' } })).toThrow(QueryError)
  })

  it('gives an asset’s findings and its links in both directions, and a finding with its rule', () => {
    const db = open()
    const first = storeScan(db, {
      assets: [
        { kind: 'secret', path: '/home/u/.env', identity: 'k1', name: 'key' },
        { kind: 'model', path: '/m/a.gguf', sha256: SHA_A, name: 'a' },
        { kind: 'model', path: '/m/b.gguf', sha256: SHA_A, name: 'b' },
      ],
    })
    const [secretId, modelA, modelB] = first.ids as [string, string, string]
    storeScan(db, {
      assets: [
        { kind: 'secret', path: '/home/u/.env', identity: 'k1', name: 'key' },
        { kind: 'model', path: '/m/a.gguf', sha256: SHA_A, name: 'a' },
        { kind: 'model', path: '/m/b.gguf', sha256: SHA_A, name: 'b' },
        {
          kind: 'mcp-server',
          path: '/home/u/.cursor/mcp.json',
          identity: 'srv',
          name: 'srv',
          links: [
            { to: secretId, relation: 'uses-secret' },
            { to: 'model:missing', relation: 'references-model' },
          ],
        },
      ],
      findings: [
        [
          {
            ruleId: 'secret.ai-api-key',
            severity: 'high',
            message: 'key in .env',
            path: '/home/u/.env',
          },
        ],
      ],
    })
    const d = assetDetail(db, secretId)!
    expect(d.asset.id).toBe(secretId)
    expect(d.findings.map((f) => f.ruleId)).toEqual(['secret.ai-api-key'])
    expect(d.findingsTotal).toBe(1)
    expect(d.links).toEqual([
      {
        direction: 'in',
        relation: 'uses-secret',
        id: expect.stringMatching(/^mcp-server:/),
        asset: expect.objectContaining({ kind: 'mcp-server', name: 'srv' }),
      },
    ])
    const srv = d.links[0]!.id
    const out = assetDetail(db, srv)!.links
    expect(out).toEqual([
      {
        direction: 'out',
        relation: 'uses-secret',
        id: secretId,
        asset: expect.objectContaining({ kind: 'secret' }),
      },
      { direction: 'out', relation: 'references-model', id: 'model:missing' },
    ])
    // Same weights are linked both ways by the store.
    const a = assetDetail(db, modelA)!
    expect(
      a.links
        .filter((l) => l.id === modelB)
        .map((l) => l.direction)
        .sort(),
    ).toEqual(['in', 'out'])
    expect(assetDetail(db, 'model:none')).toBeUndefined()
    const fd = findingDetail(db, d.findings[0]!.id)!
    expect(fd.rule).toMatchObject({ id: 'secret.ai-api-key' })
    expect(fd.rule!.why.length).toBeGreaterThan(10)
    expect(fd.rule!.fix.length).toBeGreaterThan(10)
    expect(fd.asset?.id).toBe(secretId)
    expect(findingDetail(db, 'nope')).toBeUndefined()
  })

  it('keeps the search index and links in step with later scans', () => {
    const db = open()
    storeScan(db, {
      assets: [{ kind: 'model', path: '/m/x.gguf', name: 'Alpha' }],
      at: new Date('2026-01-01T00:00:00Z'),
    })
    expect(queryAssets(db, { text: 'alpha' }).items).toHaveLength(1)
    expect(refreshDerived(db).refreshed).toBe(false)
    storeScan(db, {
      assets: [
        { kind: 'model', path: '/m/x.gguf', name: 'Beta' },
        { kind: 'model', path: '/m/y.gguf', name: 'Gamma' },
      ],
      at: new Date('2026-01-02T00:00:00Z'),
    })
    expect(queryAssets(db, { text: 'alpha' }).items).toHaveLength(0)
    expect(queryAssets(db, { text: 'beta' }).items).toHaveLength(1)
    expect(queryAssets(db, { text: 'gamma' }).items).toHaveLength(1)
    storeScan(db, {
      assets: [{ kind: 'model', path: '/m/x.gguf', name: 'Beta' }],
      at: new Date('2026-01-03T00:00:00Z'),
    })
    // Gone assets stay searchable under the gone status.
    expect(queryAssets(db, { text: 'gamma' }).items).toHaveLength(0)
    expect(queryAssets(db, { text: 'gamma', statuses: ['gone'] }).items).toHaveLength(1)
  })

  it('indexes new findings, and drops removed or renumbered ones', () => {
    const db = open()
    const f = (m: string) => ({ ruleId: 'pickle.dangerous-callable', message: m, path: '/m/x' })
    const asset = { kind: 'model' as const, path: '/m/x', name: 'x' }
    storeScan(db, { assets: [asset], findings: [[f('first words')]], at: new Date(1e12) })
    expect(countFindings(db, { text: 'first' })).toBe(1)
    storeScan(db, { assets: [asset], findings: [[f('second words')]], at: new Date(1e12 + 1) })
    expect(countFindings(db, { text: 'second', statuses: ['open'] })).toBe(1)
    expect(countFindings(db, { text: 'first', statuses: ['resolved'] })).toBe(1)
    // Another writer removes a row and renumbers one (a store that rewrites rows).
    db.exec(`DELETE FROM findings WHERE message = 'first words'`)
    db.exec(`UPDATE findings SET rowid = rowid + 100 WHERE message = 'second words'`)
    storeScan(db, { assets: [asset], findings: [[f('second words')]], at: new Date(1e12 + 2) })
    // The change log does not name them: the refresh finds its counts off and compares.
    expect(refreshDerived(db).how).toEqual({ assets: 'changes', findings: 'compared' })
    expect(countFindings(db, { statuses: ['open', 'resolved'] })).toBe(1)
    expect(countFindings(db, { text: 'first', statuses: ['open', 'resolved'] })).toBe(0)
    expect(queryFindings(db, { text: 'second words' }).items.map((x) => x.message)).toEqual([
      'second words',
    ])
  })

  it('answers from what is indexed on a read-only connection, and counts from the inventory', () => {
    const t = tempDb()
    cleanups.push(t.cleanup)
    storeScan(t.db, { assets: [{ kind: 'model', path: '/m/x.gguf', name: 'Alpha' }] })
    refreshDerived(t.db)
    const ro = openDb(t.file, { readonly: true })
    try {
      expect(queryAssets(ro, { text: 'alpha' }).items).toHaveLength(1)
      expect(overview(ro).assetsByKind).toEqual({ model: 1 })
      // A scan the read-only side cannot index: search answers from the last refresh, counts
      // come from the inventory itself.
      storeScan(t.db, {
        assets: [
          { kind: 'model', path: '/m/x.gguf', name: 'Alpha' },
          { kind: 'package', path: '/p', name: 'Alpha tools' },
        ],
        findings: [[{ ruleId: 'pickle.dangerous-callable', message: 'm', path: '/m/x.gguf' }]],
      })
      expect(queryAssets(ro, { text: 'alpha' }).items).toHaveLength(1)
      expect(overview(ro).assetsByKind).toEqual({ model: 1, package: 1 })
      expect(countAssets(ro)).toBe(2)
      expect(countFindings(ro)).toBe(1)
      expect(overview(ro).openFindingsBySeverity).toEqual({ critical: 1 })
    } finally {
      ro.close()
    }
  })

  it('keeps the overview equal to counts of the inventory through scoped scans and compaction', () => {
    const db = open()
    const home = '/home/u'
    const model = (n: string, sha: string, size: number): NewAsset => ({
      kind: 'model',
      path: `${home}/${n}.gguf`,
      sha256: sha,
      sizeBytes: size,
    })
    const run = (
      scope: ScanScope,
      assets: NewAsset[],
      findings: (NewFinding | undefined)[] = [],
    ) => {
      const w = beginScan(db, HOST, [home], { scope })
      assets.forEach((a, i) => {
        const origin = { key: `file:${a.path}`, rank: 100_000 }
        w.cover(origin)
        const id = w.addAsset(a, origin)
        const f = findings[i]
        if (f) w.addFinding({ ...f, assetId: id }, origin)
      })
      return w.complete(STATS)
    }
    const bad = (p: string, severity: NewFinding['severity']): NewFinding => ({
      ruleId: 'pickle.dangerous-callable',
      severity,
      message: 'os.system',
      path: p,
    })
    run(
      { kind: 'full' },
      [model('a', SHA_A, 100), model('b', SHA_A, 100), model('c', SHA_B, 7)],
      [bad(`${home}/a.gguf`, 'critical'), undefined, bad(`${home}/c.gguf`, 'high')],
    )
    const o1 = overview(db)
    expect([o1.totalAssets, o1.modelStorageBytes, o1.totalOpenFindings]).toEqual([3, 107, 2])
    // A scoped scan: c.gguf is gone (its finding resolved), b.gguf grew.
    run({ kind: 'paths', paths: [`${home}/c.gguf`] }, [])
    run({ kind: 'paths', paths: [`${home}/b.gguf`] }, [model('b', SHA_A, 250)])
    const o2 = overview(db)
    expect(o2.assetsByKind).toEqual({ model: 2 })
    expect(o2.modelStorageBytes).toBe(250)
    expect(o2.openFindingsBySeverity).toEqual({ critical: 1 })
    expect(countFindings(db, { statuses: ['resolved'] })).toBe(1)
    // Compaction leaves each key's latest change; the next refresh still follows the log.
    compactChanges(db, { keepDays: 0, now: new Date(Date.now() + 86_400_000) })
    run({ kind: 'paths', paths: [`${home}/a.gguf`] }, [model('a', SHA_B, 100)])
    expect(refreshDerived(db).how).toEqual({ assets: 'changes', findings: 'changes' })
    const o3 = overview(db)
    expect(o3.modelStorageBytes).toBe(350)
    expect(o3.totalOpenFindings).toBe(0)
    expect(countAssets(db, { statuses: ['present', 'gone'] })).toBe(3)
  })

  it('sums up the inventory for an overview', () => {
    const db = open()
    storeScan(db, {
      assets: [
        { kind: 'model', path: '/m/a', sha256: SHA_A, sizeBytes: 100 },
        { kind: 'model', path: '/m/b', sha256: SHA_A, sizeBytes: 100 },
        { kind: 'model', path: '/m/c', sizeBytes: 7 },
        { kind: 'package', path: '/p', sizeBytes: 1000 },
      ],
      findings: [
        [{ ruleId: 'pickle.dangerous-callable', severity: 'critical', message: 'x', path: '/m/a' }],
        [{ ruleId: 'pickle.unknown-import', severity: 'medium', message: 'y', path: '/m/b' }],
        [{ ruleId: 'pickle.unknown-import', severity: 'high', message: 'z', path: '/m/c' }],
      ],
    })
    const o = overview(db)
    expect(o.assetsByKind).toEqual({ model: 3, package: 1 })
    expect(o.totalAssets).toBe(4)
    expect(o.openFindingsBySeverity).toEqual({ critical: 1, high: 1, medium: 1 })
    expect(o.totalOpenFindings).toBe(3)
    expect(o.modelStorageBytes).toBe(107)
    expect(o.topFindings.map((f) => f.severity)).toEqual(['critical', 'high'])
    expect(o.lastScan?.status).toBe('complete')
  })

  it('returns JSON-serialisable rows', () => {
    const db = open()
    const { ids } = seed(db)
    const values: unknown[] = [
      queryAssets(db),
      queryFindings(db),
      assetDetail(db, ids[3]!),
      overview(db),
    ]
    for (const v of values) expect(JSON.parse(JSON.stringify(v))).toEqual(v)
    const row: AssetRow = queryAssets(db).items[0]!
    const f: FindingRow = queryFindings(db).items[0]!
    expect(typeof row.firstSeenScan).toBe('string')
    expect(typeof f.firstSeenScan).toBe('string')
  })
})
