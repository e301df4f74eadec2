// What a command pays before and around its real work, each measured in fresh Node processes
// (first-call costs do not repeat in one process): the four start-up and probe costs the scan
// trimmed (README, "Physical reference"). Medians of 7 processes; printed, never asserted.
//   node bench/startup-bench.mjs [--quick]
import { execFileSync } from 'node:child_process'
import { ROOT, median } from './lib.mjs'

const runs = process.argv.includes('--quick') ? 3 : 7

/** Runs `body` (which prints one JSON number array) in a fresh process, `runs` times. */
function fresh(body) {
  const out = []
  for (let i = 0; i < runs; i++) {
    const text = execFileSync(process.execPath, ['-e', body], { cwd: ROOT, encoding: 'utf8' })
    out.push(JSON.parse(text))
  }
  return out[0].map((_, k) => median(out.map((o) => o[k])))
}
const ms = (x) => `${x.toFixed(1)} ms`
const line = (name, value) => console.log(`      ${name.padEnd(62)} ${value}`)

const [icu, regex] = fresh(`
  let t = performance.now(); (60005).toLocaleString('en-US'); const a = performance.now() - t
  t = performance.now(); String(60005).replace(/\\B(?=(\\d{3})+$)/g, ','); const b = performance.now() - t
  process.stdout.write(JSON.stringify([a, b]))`)
line('first toLocaleString (ICU) / the CLI grouping thousands itself', `${ms(icu)} / ${ms(regex)}`)

const [ajv] = fresh(`
  const t = performance.now()
  const Ajv = require('ajv')
  new Ajv({ allErrors: false, strict: true, coerceTypes: false, useDefaults: false })
  process.stdout.write(JSON.stringify([performance.now() - t]))`)
line('loading Ajv and making its instance (now on the first check)', ms(ajv))

// A fork copies the page tables of the whole process: measured from a process the size of a
// scan's (about 120 MiB resident), CPU of the calling thread until the spawn reports ENOENT.
const [spawnCpu, lookupCpu] = fresh(`
  const { spawn } = require('node:child_process')
  const { statSync } = require('node:fs')
  const { join, delimiter } = require('node:path')
  const ballast = Buffer.alloc(120 * 1024 * 1024, 1)
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000 }
  let c = cpu()
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    try { statSync(join(dir, 'aiscout-no-such-program')) } catch {}
  }
  const lookup = cpu() - c
  c = cpu()
  const child = spawn('aiscout-no-such-program', [], { stdio: 'ignore' })
  child.on('error', () => {
    process.stdout.write(JSON.stringify([cpu() - c, lookup, ballast.length > 0 ? 0 : 1].slice(0, 2)))
  })`)
line(
  'spawning a program that is not installed / looking it up on PATH',
  `${ms(spawnCpu)} / ${ms(lookupCpu)} CPU`,
)

if (process.platform === 'linux') {
  // Socket inode owners: every /proc/<pid>/fd link this user may read, as promises (thread-pool
  // round trips) and synchronously (procfs answers from kernel memory). CPU of the whole process.
  const [promises, sync, links] = fresh(`
    const fs = require('node:fs')
    const fsp = require('node:fs/promises')
    const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000 }
    const pids = () => fs.readdirSync('/proc').filter((n) => /^\\d+$/.test(n))
    ;(async () => {
      let c = cpu()
      let n = 0
      for (const pid of pids()) {
        let fds = []
        try { fds = await fsp.readdir('/proc/' + pid + '/fd') } catch { continue }
        for (const fd of fds) { try { await fsp.readlink('/proc/' + pid + '/fd/' + fd); n++ } catch {} }
      }
      const a = cpu() - c
      c = cpu()
      for (const pid of pids()) {
        let fds = []
        try { fds = fs.readdirSync('/proc/' + pid + '/fd') } catch { continue }
        for (const fd of fds) { try { fs.readlinkSync('/proc/' + pid + '/fd/' + fd) } catch {} }
      }
      process.stdout.write(JSON.stringify([a, cpu() - c, n]))
    })()`)
  line(
    `socket owners from /proc (${links} fd links): promises / synchronous`,
    `${ms(promises)} / ${ms(sync)} CPU`,
  )
}
