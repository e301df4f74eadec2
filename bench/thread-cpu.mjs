// Where a scan's CPU goes, thread by thread (Linux only): runs `aiscout scan --no-hash` of the
// benchmark home on a fresh inventory and samples /proc/<pid>/task/*/stat every few milliseconds,
// keeping each thread's last CPU time and when it was first seen. Every thread of the process is
// named `node`, so they are told apart by when they start: the scan thread at once, V8's
// background threads with it, then the workers (GPU probe, analysis, the walk's readers).
// Sampling costs a little CPU itself; figures are for orientation, printed, never asserted.
//   node bench/thread-cpu.mjs [--quick]
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { benchHome, ROOT, workDir } from './lib.mjs'

const home = benchHome(process.argv.includes('--quick'))
const db = join(workDir('thread-cpu'), 'scan.db')
for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true })
const TICK_MS = 10 // USER_HZ is 100 on Linux

const t0 = performance.now()
const child = spawn(
  process.execPath,
  [join(ROOT, 'out/cli/aiscout.js'), 'scan', '--home', home, '--db', db, '--no-hash', '--quiet'],
  { stdio: 'ignore' },
)
const threads = new Map()
let running = true
child.on('exit', () => {
  running = false
})
while (running) {
  let tids = []
  try {
    tids = readdirSync(`/proc/${child.pid}/task`)
  } catch {
    break
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const cpu = (Number(f[11]) + Number(f[12])) * TICK_MS
      const t = threads.get(tid) ?? { firstMs: Math.round(performance.now() - t0), cpu: 0 }
      t.cpu = cpu
      threads.set(tid, t)
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  await new Promise((r) => setTimeout(r, 3))
}
const wall = Math.round(performance.now() - t0)
const rows = [...threads.values()].filter((t) => t.cpu > 0).sort((a, b) => a.firstMs - b.firstMs)
console.log(`aiscout scan --no-hash of ${home}: ${wall} ms wall`)
for (const t of rows)
  console.log(`  thread first seen at ${String(t.firstMs).padStart(4)} ms: ${t.cpu} ms CPU`)
console.log(`  total sampled: ${rows.reduce((n, t) => n + t.cpu, 0)} ms CPU`)
