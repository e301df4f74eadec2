// `npm run bench`: generates its inputs under bench/.work and prints figures measured in the same
// run as ratios against reference tools on this machine. Never used by tests; times are not asserted.
//   node bench/run.mjs [--quick] [--only foundation,pickle,headers,secrets,export,discovery,query,scan-model,repository,fleet,sync-load,watch,physical,startup]
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, statSync, openSync, writeSync, closeSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchHome, timed } from './lib.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const WORK = join(ROOT, 'bench', '.work')
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined
const want = (s) => !only || only.includes(s)
mkdirSync(WORK, { recursive: true })

const rows = []
const report = (name, value, target, ok) => {
  rows.push({ name, value, target, ok })
  console.log(
    `${ok === undefined ? '    ' : ok ? 'PASS' : 'MISS'}  ${name.padEnd(58)} ${String(value).padEnd(24)} ${target}`,
  )
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (x, d = 2) => x.toFixed(d)

function foundation() {
  console.log('\n== Foundation: crawl, hashing, rescan, inventory writes, memory ==')
  const home = benchHome(quick)
  const pruned = ['node_modules', '.git', '__pycache__', 'site-packages', 'dist-packages']
  const fdArgs = ['-uu', '-t', 'f', ...pruned.flatMap((p) => ['-E', p]), '.', home]
  const fdShell = (a) => ['-c', `fdfind ${a.map((x) => `'${x}'`).join(' ')} > /dev/null`]
  timed('bash', fdShell(fdArgs)) // warm the page cache
  const db = (n) => join(WORK, `bench-${n}.db`)
  const clean = (f) => ['', '-wal', '-shm'].forEach((s) => rmSync(f + s, { force: true }))
  const fd = []
  const eng = []
  const bare = []
  const crawl = () => {
    clean(db('crawl'))
    return timed(process.execPath, [
      join(ROOT, 'bench/scan-child.mjs'),
      home,
      db('crawl'),
      '--crawl-only',
      '--no-hash',
    ])
  }
  // Five alternating runs each (medians): single runs on a shared VM vary by ±15%.
  for (let i = 0; i < 5; i++) {
    fd.push(timed('bash', fdShell(fdArgs)))
    bare.push(timed(process.execPath, [join(ROOT, 'bench/bare-walk.mjs'), home, ...pruned]))
    eng.push(crawl())
  }
  const fdWall = median(fd.map((r) => r.wall))
  const fdCpu = median(fd.map((r) => r.cpu))
  const enWall = median(eng.map((r) => r.wall))
  const enCpu = median(eng.map((r) => r.cpu))
  const files = JSON.parse(eng[0].stdout).stats.filesSeen
  report(
    `crawl+classify wall vs fdfind (${files} files after pruning)`,
    `${fmt(enWall / fdWall)}x (${fmt(enWall)} s vs ${fmt(fdWall)} s)`,
    '≤ 2.0x',
    enWall / fdWall <= 2,
  )
  report(
    'crawl+classify CPU vs fdfind',
    `${fmt(enCpu / fdCpu)}x (${fmt(enCpu)} s vs ${fmt(fdCpu)} s)`,
    '≤ 1.3x',
    enCpu / fdCpu <= 1.3,
  )
  const bareWall = median(bare.map((r) => r.wall))
  const bareCpu = median(bare.map((r) => r.cpu))
  report(
    '  reference: a bare one-thread Node readdirSync walk vs fdfind',
    `${fmt(bareWall / fdWall)}x wall, ${fmt(bareCpu / fdCpu)}x CPU`,
    'info',
    undefined,
  )

  // Full scan, then an unchanged rescan, on the 300k tree (walk-dominated) ...
  clean(db('full'))
  const first = timed(process.execPath, [join(ROOT, 'bench/scan-child.mjs'), home, db('full')])
  const firstJ = JSON.parse(first.stdout)
  const again = timed(process.execPath, [join(ROOT, 'bench/scan-child.mjs'), home, db('full')])
  const againJ = JSON.parse(again.stdout)
  report(
    `300k tree: unchanged rescan vs first scan (first hashed ${fmt(firstJ.stats.bytesHashed / 1e9)} GB)`,
    `${fmt((100 * again.wall) / first.wall, 1)}% (${fmt(again.wall)} s vs ${fmt(first.wall)} s; ${againJ.stats.bytesHashed} B rehashed)`,
    'info',
    undefined,
  )
  report(
    'peak RSS of a full scan of the 300k tree (hashing on)',
    `${fmt(Math.max(first.rssMiB, again.rssMiB), 0)} MiB`,
    '< 150 MB',
    Math.max(first.rssMiB, again.rssMiB) * 1.048576 < 150,
  )
  // ... and on a model-heavy home, where the first scan's cost is hashing: nothing unchanged is reread.
  const models = join(WORK, quick ? 'models-1g' : 'models-8g')
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'bench/gen-home.mjs'),
      models,
      '--files',
      '2000',
      '--big-models-mb',
      quick ? '1024' : '8192',
    ],
    { stdio: 'inherit' },
  )
  clean(db('models'))
  const m1 = timed(process.execPath, [join(ROOT, 'bench/scan-child.mjs'), models, db('models')])
  const m1J = JSON.parse(m1.stdout)
  // The rescan is short: the median of three.
  const rescans = [0, 1, 2].map(() =>
    timed(process.execPath, [join(ROOT, 'bench/scan-child.mjs'), models, db('models')]),
  )
  const m2 = rescans.sort((x, y) => x.wall - y.wall)[1]
  const m2J = JSON.parse(m2.stdout)
  report(
    `model-heavy home: unchanged rescan vs first scan (first hashed ${fmt(m1J.stats.bytesHashed / 1e9)} GB)`,
    `${fmt((100 * m2.wall) / m1.wall, 1)}% (${fmt(m2.wall)} s vs ${fmt(m1.wall)} s; ${m2J.stats.bytesHashed} B rehashed)`,
    '< 5%',
    m2.wall / m1.wall < 0.05,
  )

  const big = join(WORK, 'sha-2g.bin')
  const size = quick ? 256 * 1024 * 1024 : 2 * 1024 * 1024 * 1024
  if (!existsSync(big) || statSync(big).size !== size) {
    const fdh = openSync(big, 'w')
    const chunk = Buffer.alloc(8 * 1024 * 1024)
    for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((i * 40503) >>> 0, i)
    for (let w = 0; w < size; w += chunk.length) writeSync(fdh, chunk)
    closeSync(fdh)
  }
  timed('openssl', ['dgst', '-sha256', big])
  const os = []
  const nd = []
  for (let i = 0; i < 3; i++) {
    os.push(timed('openssl', ['dgst', '-sha256', big]).wall)
    nd.push(
      JSON.parse(timed(process.execPath, [join(ROOT, 'bench/hash-child.mjs'), big]).stdout).seconds,
    )
  }
  const mb = size / 1e6
  report(
    `SHA-256 throughput vs openssl dgst -sha256 (${fmt(size / 2 ** 30)} GiB)`,
    `${fmt(median(os) / median(nd))}x (${fmt(mb / median(nd), 0)} vs ${fmt(mb / median(os), 0)} MB/s)`,
    '≥ 0.9x',
    median(os) / median(nd) >= 0.9,
  )

  // Median of five, each on a fresh file after `sync`: the hashing and model scans above leave
  // gigabytes of writeback that would otherwise land in the store's checkpoint fsync, and the
  // merge's writes vary by up to 1.8x between runs on these VMs.
  const stores = [0, 1, 2, 3, 4].map(() => {
    clean(db('store'))
    execFileSync('sync')
    return JSON.parse(
      timed(process.execPath, [
        join(ROOT, 'bench/store-child.mjs'),
        db('store'),
        quick ? '50000' : '200000',
      ]).stdout,
    )
  })
  stores.sort((x, y) => x.rowsPerSecond - y.rowsPerSecond)
  const st = stores[2]
  const k = (r) => fmt(r.rowsPerSecond / 1000, 0)
  report(
    `inventory writes (${st.rows} assets, one scan, staged + merged)`,
    `${k(st)}k rows/s (runs ${k(stores[0])}k–${k(stores[4])}k; streaming ${fmt(st.streamRowsPerSecond / 1000, 0)}k/s before the merge)`,
    '≥ 100k rows/s',
    st.rowsPerSecond >= 100_000,
  )
}

const EXTRA = [
  ['pickle', 'bench/pickle-bench.mjs'],
  ['headers', 'bench/headers-bench.mjs'],
  ['secrets', 'bench/secrets-bench.mjs'],
  ['export', 'bench/export-bench.mjs'],
  ['discovery', 'bench/discovery-bench.mjs'],
  ['query', 'bench/query-bench.mjs'],
  ['scan-model', 'bench/scan-model-bench.mjs'],
  ['repository', 'bench/repo-bench.mjs'],
  ['fleet', 'bench/fleet-bench.mjs'],
  ['sync-load', 'bench/sync-load-bench.mjs'],
  ['watch', 'bench/watch-bench.mjs'],
  ['physical', 'bench/physical-bench.mjs'],
  ['startup', 'bench/startup-bench.mjs'],
]

if (want('foundation')) foundation()
for (const [name, file] of EXTRA) {
  if (!want(name) || !existsSync(join(ROOT, file))) continue
  console.log(`\n== ${name} (${file}) ==`)
  // The secrets pass is measured over the synthetic home's candidate files, like the crawl.
  const extra =
    name === 'secrets'
      ? ['--home', join(WORK, quick ? 'home-30k' : 'home-300k')]
      : quick
        ? ['--quick']
        : []
  const r = spawnSync(process.execPath, [join(ROOT, file), ...extra], {
    stdio: 'inherit',
    cwd: ROOT,
  })
  if (r.status !== 0) console.log(`${file} exited with ${r.status}`)
}
