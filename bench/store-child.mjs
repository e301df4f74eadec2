// Child process: inventory write throughput (rows/s) through the real store, one scan of N assets.
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const core = require('../out/core/index.js')

const [dbPath, nArg] = process.argv.slice(2)
const n = Number(nArg ?? 200000)
const db = core.openDb(dbPath)
const host = { hostname: 'bench', platform: 'linux', arch: 'x64', osRelease: '', user: '' }
const t0 = process.hrtime.bigint()
const w = core.beginScan(db, host, ['/bench'])
for (let i = 0; i < n; i++) {
  w.addAsset({
    kind: 'model',
    path: `/bench/home/models/set${i % 100}/model-${i}.safetensors`,
    sha256: ((i * 2654435761) >>> 0).toString(16).padStart(64, '0'),
    sizeBytes: 1000 + i,
    format: 'safetensors',
    source: 'crawl',
    verdict: 'safe',
    details: { tensorCount: 10, dtypes: ['F16'] },
  })
}
const tAdded = process.hrtime.bigint()
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
const s = Number(process.hrtime.bigint() - t0) / 1e9
db.close()
const addSeconds = Number(tAdded - t0) / 1e9
process.stdout.write(
  JSON.stringify({
    rows: n,
    seconds: s,
    rowsPerSecond: n / s,
    streamRowsPerSecond: n / addSeconds,
  }) + '\n',
)
