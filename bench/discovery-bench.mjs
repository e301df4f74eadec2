// Whole-CLI scan of a complete fake home (every kind of planted asset + a few thousand files).
//   node bench/discovery-bench.mjs [--quick]
import { execFileSync, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, WORK, bundle, median } from './lib.mjs'

const out = join(WORK, 'discovery-home.cjs')
bundle('bench/discovery-home.ts', out)
const require = createRequire(import.meta.url)
const { buildDiscoveryHome } = require(out)
const home = join(WORK, 'discovery-home')
const { path } = buildDiscoveryHome(home, 3000)
const files = Number(execFileSync('bash', ['-c', `find '${home}' -type f | wc -l`]).toString())
const walls = []
for (let i = 0; i < 3; i++) {
  const db = join(WORK, 'discovery.db')
  for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true })
  const t0 = process.hrtime.bigint()
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'out/cli/aiscout.js'),
      'scan',
      '--home',
      home,
      '--db',
      db,
      '--format',
      'json',
      '--out',
      join(WORK, 'discovery.json'),
      '--quiet',
    ],
    {
      env: { PATH: path, HOME: home },
      encoding: 'utf8',
    },
  )
  walls.push(Number(process.hrtime.bigint() - t0) / 1e9)
  if (r.status !== 0 && r.status !== 1) throw new Error(r.stderr)
}
const m = median(walls)
console.log(
  `${m < 1 ? 'PASS' : 'MISS'}  full CLI scan of a fake home (${files} files, every asset kind)   ${m.toFixed(2)} s (median of 3, whole process)   < 1 s`,
)
