// `aiscout scan-model` as a user runs it (the built CLI, whole process), measured against
// references in the same run:
//   1. start-up on one small file vs a bare `node -e 0` (target: within 0.15 s)
//   2. a 1 GiB benign PyTorch zip with --no-hash vs a Python stdlib pass doing what picklescan
//      does on it (open the zip, read data.pkl, walk its opcodes) (target: no slower)
//   3. the same file with hashing vs `sha256sum` alone (hashing and analysis side by side)
//   4. peak RSS on hostile chat templates: 99 MB of repeated filters (one expression, and small
//      tags), a 16 MiB GGUF template (target < 300 MB each)
// Usage: node bench/scan-model-bench.mjs [--quick]   (needs `npm run build:cli` first)
import { spawnSync } from 'node:child_process'
import { closeSync, existsSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { median, ROOT, workDir } from './lib.mjs'
import { genTorchZip } from './torch-zip.mjs'

const work = workDir('scan-model')
const quick = process.argv.includes('--quick')
const MB = 1024 * 1024
const CLI = join(ROOT, 'out/cli/aiscout.js')
if (!existsSync(CLI)) throw new Error('build the CLI first: npm run build:cli')

const rows = []
const row = (name, value, target, ok) => {
  rows.push({ name, value, target, ok })
  console.log(
    `${ok === undefined ? '    ' : ok ? 'PASS' : 'MISS'}  ${name.padEnd(62)} ${value}  ${target}`,
  )
}

/** Whole-process wall and CPU seconds, peak RSS (MiB) and exit status of one command. */
function run(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M %U %S', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  })
  const m = /TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr)
  if (!m) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.slice(-400)}`)
  return {
    wall: +m[1],
    rssMiB: +m[2] / 1024,
    cpu: +m[3] + +m[4],
    status: r.status,
    stdout: r.stdout,
  }
}
const medianWall = (n, cmd, args) => median(Array.from({ length: n }, () => run(cmd, args).wall))

// 1. start-up
const tiny = join(work, 'tiny.pkl')
writeFileSync(tiny, Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]))
const reps = quick ? 7 : 15
// Alternate the two so load on a shared machine hits both alike.
const bare = []
const cli = []
for (let i = 0; i < reps; i++) {
  bare.push(run(process.execPath, ['-e', '0']))
  cli.push(run(process.execPath, [CLI, 'scan-model', '--no-hash', tiny]))
}
const gap = median(cli.map((r) => r.wall)) - median(bare.map((r) => r.wall))
const cpuGap = median(cli.map((r) => r.cpu)) - median(bare.map((r) => r.cpu))
row(
  'start-up: scan-model --no-hash on one small file minus node -e 0',
  `${gap.toFixed(3)} s wall, ${cpuGap.toFixed(3)} s CPU (medians of ${reps})`,
  '<= 0.15 s',
  gap <= 0.15,
)

// 2 and 3. the 1 GiB benign torch zip
const zip = join(work, 'torch-1g.pt')
const zipBytes = (quick ? 128 : 1024) * MB
if (!existsSync(zip) || Math.abs(statSync(zip).size - zipBytes) > 2 * MB) genTorchZip(zip, zipBytes)
const py =
  'import zipfile,pickletools,sys\n' +
  'z=zipfile.ZipFile(sys.argv[1])\n' +
  'n=[x for x in z.namelist() if x.endswith(".pkl")]\n' +
  'print(sum(1 for _ in pickletools.genops(z.read(n[0]))))'
const hasPython = spawnSync('python3', ['-c', '0']).status === 0
run(process.execPath, [CLI, 'scan-model', zip]) // warm the page cache
const noHash = medianWall(5, process.execPath, [CLI, 'scan-model', '--no-hash', zip])
if (hasPython) {
  const ref = medianWall(5, 'python3', ['-c', py, zip])
  row(
    `${zipBytes / MB} MiB torch zip: scan-model --no-hash vs stdlib zip+genops`,
    `${noHash.toFixed(3)} s vs ${ref.toFixed(3)} s = ${(noHash / ref).toFixed(2)}x`,
    '<= 1.0x',
    noHash <= ref,
  )
} else
  row(
    `${zipBytes / MB} MiB torch zip: scan-model --no-hash`,
    `${noHash.toFixed(3)} s (python3 missing)`,
    '',
  )
const withHash = medianWall(3, process.execPath, [CLI, 'scan-model', zip])
const sha = medianWall(3, 'sha256sum', [zip])
row(
  `${zipBytes / MB} MiB torch zip: scan-model (hash beside analysis) vs sha256sum`,
  `${withHash.toFixed(3)} s vs ${sha.toFixed(3)} s = ${(withHash / sha).toFixed(2)}x`,
  '<= 1.3x',
  withHash <= sha * 1.3,
)

// 4. hostile chat templates
const size = (quick ? 20 : 99) * MB
const one = join(work, 'one-expression', 'chat_template.jinja')
const many = join(work, 'many-tags', 'chat_template.jinja')
const write = (p, unit, head = '', tail = '') => {
  spawnSync('mkdir', ['-p', join(p, '..')])
  const fd = openSync(p, 'w')
  writeSync(fd, head)
  const block = Buffer.from(unit.repeat(Math.ceil(MB / unit.length)))
  for (let n = head.length; n < size; n += block.length) writeSync(fd, block)
  writeSync(fd, tail)
  closeSync(fd)
}
write(one, '|trim', '{{ messages[0].content', ' }}')
write(many, '{{ m|trim|upper }}\n')
const tpl = Buffer.from('{{ m|trim|upper }}\n'.repeat(Math.ceil((16 * MB) / 19)))
const key = Buffer.from('tokenizer.chat_template')
const u64 = (n) => {
  const b = Buffer.alloc(8)
  b.writeBigUInt64LE(BigInt(n))
  return b
}
const gguf = join(work, 'template-16m.gguf')
writeFileSync(
  gguf,
  Buffer.concat([
    Buffer.from('GGUF'),
    Buffer.from([3, 0, 0, 0]),
    u64(0),
    u64(1),
    u64(key.length),
    key,
    Buffer.from([8, 0, 0, 0]),
    u64(tpl.length),
    tpl,
  ]),
)
for (const [label, p] of [
  [`${size / MB} MB chat_template.jinja, one expression of repeated filters`, one],
  [`${size / MB} MB chat_template.jinja, small tags of repeated filters`, many],
  ['16 MiB GGUF chat template of repeated filters', gguf],
]) {
  const r = run(process.execPath, [CLI, 'scan-model', '--no-hash', '--format', 'json', p])
  const verdict = JSON.parse(r.stdout).files[0].verdict
  row(
    `peak RSS: ${label}`,
    `${r.rssMiB.toFixed(0)} MB in ${r.wall.toFixed(1)} s (verdict ${verdict})`,
    '< 300 MB',
    r.rssMiB < 300 && verdict === 'malicious',
  )
}
console.log(`\nscan-model benchmark${quick ? ' (--quick)' : ''}, node ${process.version}`)
