// Repository benchmark: a model repository folder of 1,000 files (configs with auto_map and
// custom code, Hydra YAML configs, small weight files, docs and images) read as a repository.
// Measures the core repository analysis and the whole `aiscout scan-model DIR` process as a user
// runs it, against reading every byte of the folder once (`cat`) in the same run.
//
//   node bench/repo-bench.mjs [--quick]
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { bundle, median, msSince, now, ROOT, workDir } from './lib.mjs'

const quick = process.argv.includes('--quick')
const RUNS = quick ? 5 : 11
const work = workDir('repo')
const gen = createRequire(import.meta.url)(
  bundle('test/fixtures/generators/repo/repos.ts', join(work, 'repos.cjs')),
)
const core = createRequire(import.meta.url)(
  bundle('src/core/scanners/repo/analyze-repo.ts', join(work, 'analyze-repo.cjs'), {
    packages: 'external',
  }),
)

/** 1,000 files: the benign remote-code repository plus what a real repository folder holds. */
function makeRepo(dir) {
  rmSync(dir, { recursive: true, force: true })
  const files = gen.benignRemoteCodeRepo()
  let n = Object.keys(files).length
  const add = (rel, data) => {
    files[rel] = data
    n++
  }
  for (let i = 0; n < 1000; i++) {
    switch (i % 5) {
      case 0:
        add(`configs/exp_${i}.yaml`, gen.BENIGN_HYDRA_YAML)
        break
      case 1:
        add(`configs/run_${i}.json`, JSON.stringify({ lr: 0.001 * i, steps: i, tags: ['a', 'b'] }))
        break
      case 2:
        add(`docs/page_${i}.md`, `# Page ${i}\n\n${'text '.repeat(200)}\n`)
        break
      case 3:
        add(`assets/img_${i}.png`, Buffer.alloc(4096, i & 0xff))
        break
      default:
        add(`shards/part_${i}.bin`, Buffer.alloc(2048, 7))
    }
  }
  gen.writeRepo(dir, files)
  return n
}

const dir = join(work, 'repo-1000')
const count = makeRepo(dir)
const cli = join(ROOT, 'out/cli/aiscout.js')

const timeIt = (fn) => {
  const t0 = now()
  fn()
  return msSince(t0)
}
// Warm-up: page cache, JIT, lazily loaded libraries.
let report = core.analyzeRepository(dir, core.listRepositoryFiles(dir))
if (!report.needsTrustRemoteCode || report.verdict !== 'suspicious')
  throw new Error(`unexpected repository verdict ${report.verdict}`)
const analysis = []
const cat = []
const proc = []
for (let i = 0; i < RUNS; i++) {
  analysis.push(timeIt(() => (report = core.analyzeRepository(dir, core.listRepositoryFiles(dir)))))
  cat.push(
    timeIt(() =>
      spawnSync('bash', ['-c', `find '${dir}' -type f -exec cat {} + > /dev/null`], {
        stdio: 'ignore',
      }),
    ),
  )
  if (existsSync(cli)) {
    const r = spawnSync(
      '/usr/bin/time',
      ['-f', 'TIME %e %U %S', process.execPath, cli, 'scan-model', '--format', 'json', dir],
      { encoding: 'utf8', maxBuffer: 1 << 28 },
    )
    const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr)
    if (!m || !/"repositories"/.test(r.stdout)) throw new Error(`scan-model failed: ${r.stderr}`)
    proc.push({ wall: +m[1] * 1000, cpu: (+m[2] + +m[3]) * 1000 })
  }
}
const a = median(analysis)
const c = median(cat)
console.log(
  `repository analysis, ${count} files (${report.configsChecked} configs, ${report.codeFilesChecked.length} code files), median of ${RUNS}: ${a.toFixed(1)} ms; reading every file once (find | cat): ${c.toFixed(1)} ms; ratio ${(a / c).toFixed(2)}`,
)
if (proc.length) {
  const wall = median(proc.map((p) => p.wall))
  const cpu = median(proc.map((p) => p.cpu))
  // On a shared machine the wall time waits for a core; the CPU time is what the scan costs.
  console.log(
    `${cpu < 1000 ? 'PASS' : 'MISS'}  aiscout scan-model DIR (whole process, ${count} files): ${cpu.toFixed(0)} ms CPU, ${wall.toFixed(0)} ms wall (target < 1000 ms; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`,
  )
} else console.log('out/cli/aiscout.js missing: run npm run build:cli for the whole-process figure')
