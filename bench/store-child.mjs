// Child process: inventory write throughput (rows/s) through the real store, one scan of N assets.
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const core = require('../out/core/index.js')

const [dbPath, nArg] = process.argv.slice(2)
const n = Number(nArg ?? 200000)
const db = core.openDb(dbPath)
const host = { hostname: 'bench', platform: 'linux', arch: 'x64', osRelease: '', user: '' }
// Only the store's work is timed: the asset objects are built in chunks outside the timed region
// (a scan builds them anyway, in its scanners), so the figure is the store's own throughput.
const CHUNK = 4096
const makeAsset = (i) => ({
  kind: 'model',
  path: `/bench/home/models/set${i % 100}/model-${i}.safetensors`,
  sha256: ((i * 2654435761) >>> 0).toString(16).padStart(64, '0'),
  sizeBytes: 1000 + i,
  format: 'safetensors',
  source: 'crawl',
  verdict: 'safe',
  details: { tensorCount: 10, dtypes: ['F16'] },
})
let timed = 0n
let t0 = process.hrtime.bigint()
const w = core.beginScan(db, host, ['/bench'])
timed += process.hrtime.bigint() - t0
for (let at = 0; at < n; at += CHUNK) {
  const chunk = []
  for (let i = at; i < Math.min(n, at + CHUNK); i++) chunk.push(makeAsset(i))
  t0 = process.hrtime.bigint()
  // Each asset from its own unit of work, as a crawl records them (one file, one unit).
  for (const a of chunk) w.addAsset(a, { key: `file:${a.path}`, rank: 100000 })
  timed += process.hrtime.bigint() - t0
}
const added = timed
t0 = process.hrtime.bigint()
w.complete({
  filesSeen: n,
  dirsSeen: 0,
  candidates: n,
  bytesHashed: 0,
  filesHashed: 0,
  hashCacheHits: 0,
  modelsScanned: n,
  assets: n,
  findings: 0,
  skipped: 0,
  durationMs: 0,
})
timed += process.hrtime.bigint() - t0
const s = Number(timed) / 1e9
db.close()
const addSeconds = Number(added) / 1e9
process.stdout.write(
  JSON.stringify({
    rows: n,
    seconds: s,
    rowsPerSecond: n / s,
    streamRowsPerSecond: n / addSeconds,
  }) + '\n',
)
