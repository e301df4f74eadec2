// Physical reference of a scan: the least work its result needs on this machine, listing the
// tree with the same pruning (fdfind, multi-threaded) and reading exactly the files the scan
// opened (bench/physical-reader.mjs over the list the engine itself records under
// AISCOUT_TRACE_OPENS), measured beside `aiscout scan --no-hash` in the same run, for a first
// scan (fresh inventory) and an unchanged rescan. Five alternating runs each, medians.
//   node bench/physical-bench.mjs [--quick] [--runs N] [--baseline OTHER_CLI]
// --baseline times another build of the CLI (e.g. main's) in the same alternation: a before/after
// on a shared machine. Also timed in the same runs: the Node floor (bench/node-floor.mjs), the
// least a Node process does toward the same result (a two-thread bare walk plus the same reads).
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { benchHome, median, ROOT, timed, workDir } from './lib.mjs'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 5
const work = workDir('physical')
const home = benchHome(quick)
const cli = join(ROOT, 'out/cli/aiscout.js')
const baseline = args.includes('--baseline') ? args[args.indexOf('--baseline') + 1] : undefined
if (!existsSync(cli)) throw new Error('build the CLI first: npm run build:cli')

/** The CLI exits 1 when the inventory holds findings at or above medium: a finished scan. */
const timedScan = (cmd, cmdArgs, opts) => timed(cmd, cmdArgs, opts, [0, 1])

const db = join(work, 'physical.db')
const clean = () => ['', '-wal', '-shm'].forEach((s) => rmSync(db + s, { force: true }))
const scan = (trace, program = cli) =>
  timedScan(
    process.execPath,
    [program, 'scan', '--home', home, '--db', db, '--no-hash', '--format', 'json', '--quiet'],
    {
      env: trace ? { ...process.env, AISCOUT_TRACE_OPENS: trace } : process.env,
      // The JSON report is read from a pipe.
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )

// The same pruned names as the crawl's figure (the names the engine prunes on this home).
const pruned = ['node_modules', '.git', '__pycache__', 'site-packages', 'dist-packages']
const fdCmd = `fdfind -uu -t f ${pruned.map((p) => `-E '${p}'`).join(' ')} . '${home}' > /dev/null`
const reference = (list) =>
  timed('bash', [
    '-c',
    `${fdCmd} && '${process.execPath}' '${join(ROOT, 'bench/physical-reader.mjs')}' '${list}'`,
  ])

// The lists: one traced first scan and one traced unchanged rescan (the page cache is warm after).
const firstList = join(work, 'first.list')
const rescanList = join(work, 'rescan.list')
rmSync(firstList, { force: true })
rmSync(rescanList, { force: true })
clean()
const tracedFirst = JSON.parse(scan(firstList).stdout)
scan(rescanList)
const count = (list) =>
  existsSync(list) ? new Set(readFileSync(list, 'utf8').split('\0').filter(Boolean)).size : 0
const fdFiles = execFileSync('bash', ['-c', fdCmd.replace('> /dev/null', '| wc -l')], {
  encoding: 'utf8',
}).trim()

const floor = (list) =>
  timed(process.execPath, [join(ROOT, 'bench/node-floor.mjs'), home, list, ...pruned])

const rows = {
  refFirst: [],
  first: [],
  refRescan: [],
  rescan: [],
  baseFirst: [],
  baseRescan: [],
  floor: [],
}
for (let i = 0; i < runs; i++) {
  rows.refFirst.push(reference(firstList))
  rows.floor.push(floor(firstList))
  clean()
  rows.first.push(scan())
  rows.refRescan.push(reference(rescanList))
  rows.rescan.push(scan())
  if (baseline) {
    clean()
    rows.baseFirst.push(scan(undefined, baseline))
    rows.baseRescan.push(scan(undefined, baseline))
  }
}
const f2 = (x) => x.toFixed(2)
const med = (rs, k) => median(rs.map((r) => r[k]))
const line = (ok, name, value, target) =>
  console.log(
    `${ok === undefined ? '    ' : ok ? 'PASS' : 'MISS'}  ${name.padEnd(58)} ${String(value).padEnd(24)} ${target}`,
  )
const ratio = (name, scans, refs, target) => {
  const w = med(scans, 'wall') / med(refs, 'wall')
  const c = med(scans, 'cpu') / med(refs, 'cpu')
  line(
    target === undefined ? undefined : w <= target,
    name,
    `${f2(w)}x wall (${f2(med(scans, 'wall'))} s vs ${f2(med(refs, 'wall'))} s), ${f2(c)}x CPU (${f2(med(scans, 'cpu'))} s vs ${f2(med(refs, 'cpu'))} s)`,
    target === undefined ? 'info' : `≤ ${target}x`,
  )
  const each = scans.map((s, i) => f2(s.wall / refs[i].wall)).join(', ')
  console.log(`      per run: ${each}`)
}
console.log(
  `home: ${tracedFirst.scan.stats.filesSeen} files seen (fdfind lists ${fdFiles}); the first scan opened ${count(firstList)} files, the rescan ${count(rescanList)}`,
)
ratio('first aiscout scan --no-hash vs its physical reference', rows.first, rows.refFirst, 1.5)
ratio('unchanged rescan vs its physical reference', rows.rescan, rows.refRescan, undefined)
ratio(
  'Node floor (two-thread bare walk + the same reads) vs the reference',
  rows.floor,
  rows.refFirst,
  undefined,
)
ratio('  first scan vs the Node floor', rows.first, rows.floor, undefined)
if (baseline) {
  ratio(`  baseline ${baseline}: first scan`, rows.baseFirst, rows.refFirst, undefined)
  ratio(`  baseline: unchanged rescan`, rows.baseRescan, rows.refRescan, undefined)
}
line(
  undefined,
  'peak RSS, first scan / rescan',
  `${med(rows.first, 'rssMiB').toFixed(0)} / ${med(rows.rescan, 'rssMiB').toFixed(0)} MiB`,
  'info',
)
