// Child process for the benchmark: runs one engine scan and prints JSON figures.
// usage: node bench/scan-child.mjs HOME DB [--crawl-only] [--no-hash]
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const core = require('../out/core/index.js')

const [home, dbPath, ...flags] = process.argv.slice(2)
const db = core.openDb(dbPath)
const t0 = process.hrtime.bigint()
const summary = await core.scan(db, {
  home,
  crawlOnly: flags.includes('--crawl-only'),
  hash: !flags.includes('--no-hash'),
  env: {},
  analysisWorker: new URL('../out/core/analysis-worker.js', import.meta.url).pathname,
})
const ms = Number(process.hrtime.bigint() - t0) / 1e6
db.close()
process.stdout.write(
  JSON.stringify({ ms, stats: summary.stats, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) +
    '\n',
)
