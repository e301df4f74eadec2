// The background watcher, as the desktop app runs it (the watcher process, below-normal
// priority): how soon a change is in the inventory or notified after the write finished, what it
// costs while nothing changes, and how many OS watches it holds on the 300k-file home.
//   node bench/watch-bench.mjs [--quick]
// Latencies are measured from the moment the copy or write returned to the moment the bench
// process saw the result (the asset with its verdict in the inventory, the notice message), and
// printed beside the time a one-off scoped scan of the same file takes (`aiscout scan --path`,
// whole process): the part of the latency that is the watcher's own is the difference.
import { execFileSync, fork, spawnSync } from 'node:child_process'
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { ROOT, WORK, benchHome, bundle, median } from './lib.mjs'

const quick = process.argv.includes('--quick')
const require = createRequire(import.meta.url)
const Database = require('better-sqlite3')
const dir = join(WORK, 'watch')
mkdirSync(dir, { recursive: true })
const CLI = join(ROOT, 'out/cli/aiscout.js')
const PROC = bundle('src/main/watcher-process.ts', join(dir, 'watcher-process.cjs'), {
  packages: 'external',
})
// Main's logic without Electron (bench/app-host.ts), over the built workers in out/main.
const APP_HOST = bundle('bench/app-host.ts', join(dir, 'app-host.cjs'), { packages: 'external' })
// The malicious pickle the tests use (built opcode by opcode; never executed).
const { maliciousPickle } = require(
  bundle('test/fixtures/generators/fake-home.ts', join(dir, 'fake-home.cjs')),
)

const line = (ok, name, value, target) =>
  console.log(
    `${ok === undefined ? '    ' : ok ? 'PASS' : 'MISS'}  ${name.padEnd(58)} ${String(value).padEnd(24)} ${target}`,
  )
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const clean = (f) => ['', '-wal', '-shm'].forEach((s) => rmSync(f + s, { force: true }))

/** A valid safetensors file of `mib` MiB (one U8 tensor), written once and reused. */
function bigModel(path, mib) {
  const size = mib * 1024 * 1024
  const header = Buffer.from(
    JSON.stringify({ w: { dtype: 'U8', shape: [size], data_offsets: [0, size] } }),
  )
  if (existsSync(path) && statSync(path).size === 8 + header.length + size) return
  const len = Buffer.alloc(8)
  len.writeBigUInt64LE(BigInt(header.length))
  const fd = openSync(path, 'w')
  writeSync(fd, Buffer.concat([len, header]))
  const chunk = Buffer.alloc(8 * 1024 * 1024)
  for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((i * 2654435761) >>> 0, i)
  for (let w = 0; w < size; w += chunk.length) writeSync(fd, chunk)
  closeSync(fd)
}

/** Starts the watcher process on `home`; resolves once it watches. */
async function startWatcher(home, db) {
  const child = fork(PROC, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const listeners = new Set()
  let report
  child.on('message', (m) => {
    if (m.type === 'report') report = m.report
    for (const l of listeners) l(m)
  })
  const until = (test, what, timeoutMs = 600_000) =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs)
      const l = (m) => {
        if (!test(m)) return
        clearTimeout(t)
        listeners.delete(l)
        resolve(m)
      }
      listeners.add(l)
    })
  child.send({
    type: 'start',
    config: { dbPath: db, home, roots: [], exclude: [], hash: true, quiet: false },
  })
  await until((m) => m.type === 'report' && m.report.state === 'watching', 'the watcher')
  // The catch-up after the first scan settles before anything is measured.
  while (report.scanning) await until((m) => m.type === 'report', 'a report')
  return {
    child,
    until,
    report: () => report,
    async stop() {
      child.send({ type: 'stop' })
      await new Promise((r) => child.on('exit', r))
    },
  }
}

/** Inotify watches held by a process (Linux), from /proc/<pid>/fdinfo. */
function inotifyWatches(pid) {
  let n = 0
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== 'anon_inode:inotify') continue
      n += readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'latin1')
        .split('\n')
        .filter((l) => l.startsWith('inotify wd:')).length
    } catch {
      // closed meanwhile
    }
  }
  return n
}

/** CPU seconds a process has used (all its threads), from /proc/<pid>/stat. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(f[11]) + Number(f[12])) / 100
}

/** Wall seconds of `aiscout scan --path P` (whole process) against a copy of an inventory. */
function scopedScanSeconds(home, db, path) {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(
    process.execPath,
    [CLI, 'scan', '--home', home, '--db', db, '--path', path, '--format', 'json'],
    { encoding: 'utf8', env: { ...process.env, HOME: home } },
  )
  if (r.status !== 0 && r.status !== 1) throw new Error(r.stderr)
  return Number(process.hrtime.bigint() - t0) / 1e9
}

// --- Latency: a 1 GB model copied into a store, a malicious pickle dropped into ~/Downloads ---
{
  const home = join(dir, 'latency-home')
  rmSync(home, { recursive: true, force: true })
  const store = join(home, '.lmstudio', 'models', 'acme', 'tiny')
  mkdirSync(store, { recursive: true })
  mkdirSync(join(home, 'Downloads'))
  bigModel(join(store, 'tiny.safetensors'), 1)
  const mib = quick ? 256 : 1024
  const source = join(dir, `model-${mib}m.safetensors`)
  bigModel(source, mib)
  const db = join(dir, 'latency.db')
  clean(db)
  const w = await startWatcher(home, db)
  const inv = new Database(db, { readonly: true })
  const verdictOf = (p) =>
    inv.prepare(`SELECT verdict FROM assets WHERE path = ? AND status = 'present'`).get(p)?.verdict
  const digestOf = (p) =>
    inv.prepare(`SELECT sha256 FROM assets WHERE path = ? AND status = 'present'`).get(p)?.sha256
  // The inventory before the measured writes: the references scan against copies of it.
  const base = join(dir, 'latency-base.db')
  clean(base)
  inv.exec(`VACUUM INTO '${base}'`)

  const copies = []
  const copyScans = []
  const digests = []
  const digestScans = []
  const picks = []
  const dests = []
  for (let i = 0; i < 3; i++) {
    const dest = join(home, '.lmstudio', 'models', 'acme', `big${i}`, 'model.safetensors')
    dests.push(dest)
    mkdirSync(join(dest, '..'))
    const seen = w.until((m) => m.type === 'changed' && verdictOf(dest) === 'safe', 'the copy')
    copyFileSync(source, dest)
    const t0 = process.hrtime.bigint()
    const done = await seen
    copies.push(Number(process.hrtime.bigint() - t0) / 1e9)
    copyScans.push(done.change.durationMs / 1000)
    // The digest follows in its own rescan (the verdict does not wait for a read of 1 GiB).
    const hashed = digestOf(dest)
      ? done
      : await w.until((m) => m.type === 'changed' && digestOf(dest), 'the digest')
    digests.push(Number(process.hrtime.bigint() - t0) / 1e9)
    if (hashed !== done) digestScans.push(hashed.change.durationMs / 1000)

    const evil = join(home, 'Downloads', `evil${i}.pkl`)
    const notice = w.until(
      (m) => m.type === 'notices' && m.notices.some((n) => n.body.includes(evil)),
      'the notice',
    )
    writeFileSync(evil, maliciousPickle())
    const t1 = process.hrtime.bigint()
    const n = await notice
    picks.push(Number(process.hrtime.bigint() - t1) / 1e9)
    if (n.notices.find((x) => x.body.includes(evil)).urgency !== 'critical')
      throw new Error('the pickle notice is not critical')
  }
  inv.close()
  await w.stop()
  // References, with the watcher stopped: the same files scanned once by `aiscout scan --path`.
  const ref = join(dir, 'latency-ref.db')
  const fresh = () => {
    clean(ref)
    copyFileSync(base, ref)
    return ref
  }
  const copyRefs = dests.map((d) => scopedScanSeconds(home, fresh(), d))
  const pickRefs = [0, 1, 2].map((i) =>
    scopedScanSeconds(home, fresh(), join(home, 'Downloads', `evil${i}.pkl`)),
  )
  const c = median(copies)
  line(
    c < 2,
    `${mib} MiB model copied into a store: in the inventory, verdict`,
    `${c.toFixed(2)} s (runs ${copies.map((x) => x.toFixed(2)).join(', ')})`,
    '< 2 s after the copy',
  )
  line(
    undefined,
    '  of which the rescan itself (static scan, commit; digest pending)',
    `${median(copyScans).toFixed(2)} s (runs ${copyScans.map((x) => x.toFixed(2)).join(', ')})`,
    'info',
  )
  line(
    undefined,
    '  its SHA-256 in the inventory (follow-up rescan)',
    `${median(digests).toFixed(2)} s after the copy (rescan ${digestScans.length ? median(digestScans).toFixed(2) : '-'} s)`,
    'info',
  )
  line(
    undefined,
    '  reference: aiscout scan --path of that file (whole process)',
    `${median(copyRefs).toFixed(2)} s`,
    'info',
  )
  const p = median(picks)
  line(
    p < 2,
    'malicious pickle dropped into ~/Downloads: critical notice',
    `${p.toFixed(2)} s (runs ${picks.map((x) => x.toFixed(2)).join(', ')})`,
    '< 2 s after the write',
  )
  line(
    undefined,
    '  reference: aiscout scan --path of that file (whole process)',
    `${median(pickRefs).toFixed(2)} s`,
    'info',
  )
}

// --- Watches and idle CPU on the benchmark home ---
{
  const home = benchHome(quick)
  const db = join(dir, quick ? 'home-30k.db' : 'home-300k.db')
  clean(db)
  const w = await startWatcher(home, db)
  const pid = w.child.pid
  const held = inotifyWatches(pid)
  const r = w.report()
  const dirs = Number(
    execFileSync('bash', [
      '-c',
      `find '${home}' \\( -name node_modules -o -name .git -o -name site-packages -o -name __pycache__ \\) -prune -o -type d -print | wc -l`,
    ]).toString(),
  )
  line(
    held <= r.budget,
    `inotify watches on the ${quick ? '30k' : '300k'}-file home (default roots)`,
    `${held} (${r.folders} folders planned; the home has ${dirs} after pruning)`,
    `≤ budget ${r.budget}`,
  )
  await w.stop()

  // Idle CPU of every process of the app that runs without Electron: main's logic (handlers, the
  // database worker thread, the background controller with a daily schedule armed; the scan
  // worker exists only during a scan) in one Node process, and the watcher process it starts.
  const host = fork(APP_HOST, [home, db, join(ROOT, 'out/main')], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const ready = await new Promise((resolve, reject) => {
    host.on('message', (m) => m.type === 'ready' && resolve(m))
    host.on('exit', (code) => reject(new Error(`the app host exited (${code})`)))
  })
  const seconds = quick ? 15 : 60
  const parts = {
    'main logic (handlers, db worker, scheduler)': host.pid,
    watcher: ready.watcherPid,
  }
  // Idle means after start-up: the watcher's catch-up and replans, the db worker's first queries
  // are over once both processes use under 0.2% of a core for 5 s (at most 2 minutes).
  const both = () => Object.values(parts).reduce((a, p) => a + cpuSeconds(p), 0)
  for (let i = 0; i < 24; i++) {
    const before = both()
    await sleep(5000)
    if (both() - before < 0.01) break
  }
  const c0 = Object.fromEntries(Object.entries(parts).map(([k, p]) => [k, cpuSeconds(p)]))
  await sleep(seconds * 1000)
  const used = Object.fromEntries(Object.entries(parts).map(([k, p]) => [k, cpuSeconds(p) - c0[k]]))
  const total = Object.values(used).reduce((a, b) => a + b, 0)
  const pct = (100 * total) / seconds
  line(
    pct < 0.5,
    `idle CPU of the app without Electron over ${seconds} s`,
    `${pct.toFixed(3)}% of one core (${total.toFixed(2)} s)`,
    '< 0.5%',
  )
  for (const [k, u] of Object.entries(used))
    line(undefined, `  ${k}`, `${((100 * u) / seconds).toFixed(3)}%`, 'info')
  host.send({ type: 'stop' })
  await new Promise((r) => host.on('exit', r))
}
