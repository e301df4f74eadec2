#!/usr/bin/env node
// Query benchmark: a generated inventory (100k assets, 200k findings by default) written through
// the real store into a real SQLite file under bench/.work/, then the query layer's pages, text
// searches, details and overview, each the median of several runs. The reference is what a
// caller would do without the 0055 indexes: an OFFSET page and a LIKE scan over the same rows.
// Prints figures; asserts nothing. Needs out/core (npm run build:cli).
//
//   node bench/query-bench.mjs [--assets 100000] [--findings 200000] [--quick]
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { hex, median, msSince, now, ROOT, WORK } from './lib.mjs'

const require = createRequire(import.meta.url)
const core = require(join(ROOT, 'out', 'core', 'index.js'))

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : def
}
const quick = process.argv.includes('--quick')
const N_ASSETS = arg('assets', quick ? 20_000 : 100_000)
const N_FINDINGS = arg('findings', quick ? 40_000 : 200_000)
const RUNS = 9

const KINDS = [
  ['package', 30],
  ['model', 15],
  ['notebook', 12],
  ['python-environment', 4],
  ['dataset', 6],
  ['secret', 6],
  ['ide-extension', 8],
  ['mcp-server', 6],
  ['agent-config', 6],
  ['tool', 4],
  ['app', 2],
  ['model-server', 1],
]
const WHEEL = KINDS.flatMap(([k, w]) => Array(w).fill(k))
const FAMILIES = ['llama', 'qwen', 'mistral', 'gemma', 'phi', 'deepseek', 'granite', 'olmo']
const SEVERITIES = ['critical', 'high', 'medium', 'medium', 'low', 'low', 'low', 'info']
const RULES = [
  'pickle.dangerous-callable',
  'package.vulnerable',
  'secret.ai-api-key',
  'mcp.unpinned-package',
  'notebook.pickle-load',
  'agent.auto-approve',
]
/** Asset i: one name word in 100 is a rare family (`olmo`), paths spread over 997 projects. */
function asset(i) {
  const kind = WHEEL[i % WHEEL.length]
  const family = i % 100 === 7 ? 'olmo' : FAMILIES[i % 7]
  const dir = `/home/dev/projects/p${i % 997}/sub${i % 31}`
  const a = {
    kind,
    path: `${dir}/${family}-${i}.${kind === 'model' ? 'gguf' : 'json'}`,
    name: i % 10 === 0 ? undefined : `${family} ${kind} ${i}`,
    version: `1.${i % 20}`,
    sizeBytes: kind === 'model' ? 1_000_000 + i : undefined,
    source: ['crawl', 'ollama', 'huggingface-cache', 'pip'][i % 4],
    details: { parameters: i, quantization: 'Q4_K_M' },
  }
  if (kind === 'model')
    Object.assign(a, { sha256: hex(i, 1), verdict: i % 50 ? 'safe' : 'malicious' })
  if (kind === 'secret')
    a.details = { provider: 'OpenAI', fingerprint: hex(i, 9), redacted: 'sk-…abcd' }
  return a
}

const file = join(WORK, 'query-bench.db')
for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true })
const db = core.openDb(file)
const host = { hostname: 'bench', platform: 'linux', arch: 'x64', osRelease: '', user: '' }
const stats = {
  filesSeen: 0,
  dirsSeen: 0,
  candidates: 0,
  bytesHashed: 0,
  filesHashed: 0,
  hashCacheHits: 0,
  modelsScanned: 0,
  assets: N_ASSETS,
  findings: N_FINDINGS,
  skipped: 0,
  durationMs: 0,
}

/** One scan of the whole generated inventory; `rename(i)` may change asset i's name. */
function scanAll(rename = () => undefined) {
  const w = core.beginScan(db, host, ['/home/dev'])
  const ids = []
  for (let i = 0; i < N_ASSETS; i++) {
    const a = asset(i)
    ids.push(w.addAsset({ ...a, name: rename(i) ?? a.name }))
  }
  for (let i = 0; i < N_FINDINGS; i++) {
    const a = (i * 7919) % N_ASSETS
    w.addFinding({
      ruleId: RULES[i % RULES.length],
      severity: SEVERITIES[i % SEVERITIES.length],
      message: `finding ${i} in ${asset(a).path}`,
      path: asset(a).path,
      line: i % 100,
      assetId: ids[a],
    })
  }
  w.complete(stats)
  return ids
}

let t0 = now()
const ids = scanAll()
const writeMs = msSince(t0)
t0 = now()
const built = core.refreshDerived(db)
const buildMs = msSince(t0)

const rows = []
const report = (name, value, target, ok) => {
  rows.push({ name, value, target, ok })
  console.log(
    `${ok === undefined ? '    ' : ok ? 'PASS' : 'MISS'}  ${name.padEnd(58)} ${String(value).padEnd(24)} ${target}`,
  )
}
/** Median milliseconds of `fn` over RUNS runs after one warm-up, and its last result. */
function time(fn) {
  let out = fn()
  const xs = []
  for (let i = 0; i < RUNS; i++) {
    const t = now()
    out = fn()
    xs.push(msSince(t))
  }
  return { ms: median(xs), out }
}
const fmt = (x) => x.toFixed(1)
const TARGET = 50
const timedRow = (name, fn, ref) => {
  const r = time(fn)
  const n = r.out?.items?.length ?? ''
  report(
    `${name}${n === '' ? '' : ` (${n} rows)`}`,
    `${fmt(r.ms)} ms${ref ? ` (${(r.ms / ref).toFixed(3)}x the reference)` : ''}`,
    `< ${TARGET} ms`,
    r.ms < TARGET,
  )
  return r
}

console.log(
  `inventory: ${N_ASSETS} assets, ${N_FINDINGS} findings written in ${fmt(writeMs / 1000)} s; ` +
    `search index and links built in ${fmt(buildMs / 1000)} s (${built.assets + built.findings} rows)`,
)

// References: an OFFSET page at the same depth, and a LIKE scan (what the indexes replace).
const depth = Math.floor(N_ASSETS / 2)
const refOffset = time(() =>
  db
    .prepare(
      `SELECT * FROM assets WHERE status = 'present' ORDER BY coalesce(name, path) COLLATE NOCASE, id LIMIT 100 OFFSET ?`,
    )
    .all(depth),
).ms
const refLike = time(() =>
  db
    .prepare(
      `SELECT * FROM assets WHERE status = 'present' AND (name LIKE ? OR path LIKE ? OR sha256 LIKE ?) ORDER BY coalesce(name, path) COLLATE NOCASE, id LIMIT 100`,
    )
    .all('%olmo%', '%olmo%', '%olmo%'),
).ms
report(
  `reference: OFFSET page at row ${depth} (no keyset)`,
  `${fmt(refOffset)} ms`,
  'info',
  undefined,
)
report(`reference: LIKE scan for a 1% word (no FTS)`, `${fmt(refLike)} ms`, 'info', undefined)

timedRow('assets: first page, by name', () => core.queryAssets(db))
let cursor
for (let seen = 0; seen < depth; seen += 1000) {
  cursor = core.queryAssets(db, { limit: 1000, cursor }).nextCursor
}
timedRow(`assets: page at row ${depth} (keyset)`, () => core.queryAssets(db, { cursor }), refOffset)
timedRow('assets: kind = model, by size', () =>
  core.queryAssets(db, { kinds: ['model'], sort: { key: 'size' } }),
)
timedRow('assets: two kinds, by name', () => core.queryAssets(db, { kinds: ['model', 'dataset'] }))
timedRow('assets: source = ollama, newest first', () =>
  core.queryAssets(db, { sources: ['ollama'], sort: { key: 'firstSeen' } }),
)
timedRow('assets: text, a 1% word ("olmo")', () => core.queryAssets(db, { text: 'olmo' }), refLike)
timedRow('assets: text, a 14% word ("qwen")', () => core.queryAssets(db, { text: 'qwen' }), refLike)
timedRow('assets: text, a 14% word ("qwen"), by path', () =>
  core.queryAssets(db, { text: 'qwen', sort: { key: 'path' } }),
)
timedRow('assets: text, two words ("p42 sub11")', () => core.queryAssets(db, { text: 'p42 sub11' }))
timedRow('assets: text, SHA-256 prefix', () =>
  core.queryAssets(db, { text: hex(30, 1).slice(0, 10) }),
)
timedRow('assets: text matching every row ("projects")', () =>
  core.queryAssets(db, { text: 'projects' }),
)
timedRow('findings: first page, worst first', () => core.queryFindings(db))
timedRow('findings: severity = high', () => core.queryFindings(db, { severities: ['high'] }))
timedRow('findings: on models, worst first', () => core.queryFindings(db, { kinds: ['model'] }))
timedRow('findings: rule, by path', () =>
  core.queryFindings(db, { ruleIds: ['package.vulnerable'], sort: { key: 'path' } }),
)
timedRow('findings: text, a 1% word ("olmo")', () => core.queryFindings(db, { text: 'olmo' }))
timedRow('findings: text matching every row ("finding")', () =>
  core.queryFindings(db, { text: 'finding' }),
)
timedRow('findings: text, a rule\'s words ("package vulnerable")', () =>
  core.queryFindings(db, { text: 'package vulnerable' }),
)
// What the desktop app's screens add: its sortable columns, the severity filter, a scrollbar
// jump by row number, counts for "N items match", the Findings screen's groups; open counts
// leave out accepted risks (100 of them here).
const accept = core.queryFindings(db, { severities: ['critical'], limit: 100 }).items
for (const f of accept) core.acceptRisk(db, { findingId: f.id, note: 'bench', acceptedBy: 'bench' })
timedRow('app: assets by format', () => core.queryAssets(db, { sort: { key: 'format' } }))
timedRow('app: assets by verdict, worst first', () =>
  core.queryAssets(db, { sort: { key: 'verdict' } }),
)
timedRow('app: models by source', () =>
  core.queryAssets(db, { kinds: ['model'], sort: { key: 'source' } }),
)
timedRow('app: models by open findings', () =>
  core.queryAssets(db, { kinds: ['model'], sort: { key: 'findings' } }),
)
timedRow('app: assets by open findings (all kinds)', () =>
  core.queryAssets(db, { sort: { key: 'findings' } }),
)
timedRow('app: assets with an open critical finding', () =>
  core.queryAssets(db, { minSeverity: 'critical' }),
)
timedRow(
  `app: jump to row ${depth} (offset), by name`,
  () => core.queryAssets(db, { offset: depth }),
  refOffset,
)
timedRow('app: count, text "qwen"', () => ({ items: [core.countAssets(db, { text: 'qwen' })] }))
timedRow('app: count, open critical finding', () => ({
  items: [core.countAssets(db, { minSeverity: 'critical' })],
}))
timedRow('app: open findings, not accepted, worst first', () =>
  core.queryFindings(db, { accepted: false }),
)
timedRow('app: accepted findings', () => core.queryFindings(db, { accepted: true }))
timedRow('app: finding groups (severity x rule), open', () => {
  const g = core.findingGroups(db, { accepted: false })
  return { items: g.groups }
})
timedRow('app: finding groups, text "olmo"', () => {
  const g = core.findingGroups(db, { text: 'olmo' })
  return { items: g.groups }
})
timedRow('asset detail', () => core.assetDetail(db, ids[30]))
timedRow('overview (counts, storage, top findings)', () => core.overview(db))
timedRow('count of present assets', () => ({ items: [core.countAssets(db)] }))

// Accepted risk: open counts exclude the user's and the security team's acceptances (migration
// 0085), 500 of each. The reference is the form used before 0085: a per-finding EXISTS probe of
// the user's table alone.
{
  const sample = db.prepare(`SELECT id FROM findings WHERE status = 'open' LIMIT 1000`).all()
  for (const { id } of sample.slice(0, 500))
    core.acceptRisk(db, { findingId: id, note: 'bench', acceptedBy: 'dev' })
  const at = new Date().toISOString()
  core.applyServerAcceptances(
    db,
    sample
      .slice(500)
      .map(({ id }) => ({ findingKey: id, note: 'team', acceptedBy: 'ada', acceptedAt: at })),
  )
  const openSql = `SELECT count(*) AS n FROM findings f WHERE f.status = 'open'`
  const params = { now: new Date().toISOString() }
  const ref = time(() =>
    db
      .prepare(
        `${openSql} AND NOT EXISTS (SELECT 1 FROM local_accepted_risks ar WHERE ar.finding_id = f.id AND (ar.expires_at IS NULL OR ar.expires_at > @now))`,
      )
      .get(params),
  ).ms
  report(
    'reference: open count, per-finding probe (before 0085)',
    `${fmt(ref)} ms`,
    'info',
    undefined,
  )
  const r = time(() => db.prepare(`${openSql} AND NOT ${core.acceptedSql('f')}`).get(params))
  report(
    `open count, 1000 acceptances excluded (${r.out.n} open)`,
    `${fmt(r.ms)} ms (${(r.ms / ref).toFixed(2)}x the reference)`,
    'info',
    undefined,
  )
}

// A rescan that renames 1% of the assets: the derived tables follow in one incremental refresh.
scanAll((i) => (i % 100 === 1 ? `renamed ${i}` : undefined))
t0 = now()
const again = core.refreshDerived(db)
report(
  `refresh after a rescan that renamed 1% (${again.assets} rows, ${again.how?.assets})`,
  `${fmt(msSince(t0))} ms`,
  'info',
  undefined,
)
db.close()
