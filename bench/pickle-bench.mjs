// Pickle-family scanner benchmark. Generates its inputs under bench/.work/, then reports ratios
// measured in the same run:
//   1. opcode rate on a pickle of many small objects vs python3 pickletools.genops (target >= 10x)
//   2. a pickle of large byte payloads vs a small file of the same shape (target < 2x)
//   3. a 1 GiB benign PyTorch zip vs a 1 MB one (target < 2x)
//   4. peak RSS of a child process scanning the large pickles (target < 200 MB)
// Usage: node bench/pickle-bench.mjs [--quick]   (--quick: 10x smaller inputs)
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { bundle as bundleTs, msSince, now, workDir } from './lib.mjs'
import { genTorchZip, Out, sbu, u32 } from './torch-zip.mjs'

// Own subfolder: bench/.work is shared with other benchmarks.
const work = workDir('pickle')
const quick = process.argv.includes('--quick')
const scale = quick ? 0.1 : 1
const MB = 1024 * 1024

// ---- bundle the TypeScript scanner -----------------------------------------------------------
const bundle = bundleTs('src/core/scanners/scan-file.ts', join(work, 'scan-file.cjs'))
const require = createRequire(import.meta.url)
const { scanModelFile } = require(bundle)

// ---- generators ------------------------------------------------------------------------------

/** A list of small dicts {id: int, score: float, name: unique str, pos: (int, int)}, protocol 4 memo style. */
function genSmallObjects(path, targetBytes) {
  const o = new Out(path)
  let ops = 0
  o.byte(0x80, 0x04, 0x5d, 0x94) // PROTO 4, EMPTY_LIST, MEMOIZE
  ops += 3
  let memo = 1
  const keyIdx = {}
  const key = (k) => {
    if (keyIdx[k] === undefined) {
      o.bytes(sbu(k))
      o.byte(0x94)
      keyIdx[k] = memo++
      ops += 2
    } else {
      o.bytes(Buffer.concat([Buffer.from([0x6a]), u32(keyIdx[k])])) // LONG_BINGET
      ops++
    }
  }
  let i = 0
  const f = Buffer.alloc(9)
  f[0] = 0x47
  while (o.size < targetBytes) {
    o.byte(0x28) // MARK (batch of 1000 appends)
    ops++
    for (let j = 0; j < 1000; j++, i++) {
      o.byte(0x7d, 0x94, 0x28) // EMPTY_DICT MEMOIZE MARK
      memo++
      ops += 3
      key('id')
      o.bytes(Buffer.concat([Buffer.from([0x4a]), u32(i)]))
      key('score')
      f.writeDoubleBE(i / 7, 1)
      o.bytes(f)
      key('name')
      o.bytes(sbu(`n${i}`))
      o.byte(0x94)
      memo++
      key('pos')
      o.byte(0x4b, i & 0xff, 0x4b, (i >> 8) & 0xff, 0x86, 0x94) // BININT1 BININT1 TUPLE2 MEMOIZE
      memo++
      o.byte(0x75) // SETITEMS
      ops += 4 + 3 + 5 + 1
    }
    o.byte(0x65) // APPENDS
    ops++
  }
  o.byte(0x2e)
  ops++
  o.close()
  return ops
}

/** A list of `count` BINBYTES payloads of `payload` bytes each (each also memoized). */
function genPayloads(path, count, payload) {
  const o = new Out(path)
  o.byte(0x80, 0x04, 0x5d, 0x94, 0x28)
  const chunk = Buffer.alloc(Math.min(payload, 4 * MB), 0x61)
  for (let i = 0; i < count; i++) {
    o.bytes(Buffer.concat([Buffer.from([0x42]), u32(payload)]))
    for (let left = payload; left > 0; left -= chunk.length)
      o.bytes(left >= chunk.length ? chunk : chunk.subarray(0, left))
    o.byte(0x94)
  }
  o.byte(0x65, 0x2e)
  o.close()
}

// ---- measurement helpers ---------------------------------------------------------------------
async function timeScan(path, runs = 3) {
  let best = Infinity
  let report
  for (let i = 0; i < runs; i++) {
    const t0 = now()
    report = await scanModelFile(path, { hash: false })
    best = Math.min(best, msSince(t0))
  }
  return { ms: best, report }
}

/** Whole-process time (node start + scan), best of `runs`; what the peer figures measure. */
function childWallMs(path, runs = 5) {
  const code = `const {scanModelFile}=require(${JSON.stringify(bundle)});scanModelFile(${JSON.stringify(path)},{hash:false}).then(r=>process.stdout.write(r.verdict))`
  let best = Infinity
  for (let i = 0; i < runs; i++) {
    const t0 = now()
    const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(r.stderr)
    best = Math.min(best, msSince(t0))
  }
  return best
}

function childPeakRss(path) {
  const code = `const {scanModelFile}=require(${JSON.stringify(bundle)});scanModelFile(${JSON.stringify(path)},{hash:false}).then(r=>{process.stdout.write(JSON.stringify({verdict:r.verdict,rssKb:process.resourceUsage().maxRSS}))})`
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(r.stderr)
  return JSON.parse(r.stdout)
}

function pythonGenops(path) {
  const code =
    'import pickletools,sys,time\nt=time.time()\nn=0\nwith open(sys.argv[1],"rb") as f:\n  for _ in pickletools.genops(f): n+=1\nprint(n, time.time()-t)'
  const r = spawnSync('python3', ['-c', code, path], { encoding: 'utf8', maxBuffer: 1 << 20 })
  if (r.status !== 0) return undefined
  const [n, s] = r.stdout.trim().split(/\s+/)
  return { ops: Number(n), ms: Number(s) * 1000 }
}

const rows = []
const row = (name, value, target, ok) => rows.push({ name, value, target, ok: ok ? 'yes' : 'NO' })
const fmtMB = (bytes) => `${(bytes / MB).toFixed(1)} MB`

// 1. many small objects vs genops
const small = join(work, 'small-objects.pkl')
const smallOps = genSmallObjects(small, 200 * MB * scale)
const ours = await timeScan(small, 1)
const py = pythonGenops(small)
// Opcode count: genops' count when python3 is there (the generator's own tally otherwise).
const opsCount = py ? py.ops : smallOps
const ourRate = opsCount / (ours.ms / 1000)
row(
  `small-objects pickle ${fmtMB(statSync(small).size)}: our scan`,
  `${ours.ms.toFixed(0)} ms, ${(ourRate / 1e6).toFixed(1)} M ops/s, verdict ${ours.report.verdict}`,
  '',
  ours.report.verdict === 'safe',
)
if (py) {
  const pyRate = py.ops / (py.ms / 1000)
  row(
    '  python3 pickletools.genops same file',
    `${py.ms.toFixed(0)} ms, ${(pyRate / 1e6).toFixed(2)} M ops/s (${py.ops} opcodes)`,
    '',
    true,
  )
  row(
    '  opcode-rate ratio (ours / genops)',
    `${(ourRate / pyRate).toFixed(1)}x`,
    '>= 10x',
    ourRate / pyRate >= 10,
  )
} else row('  python3 pickletools.genops', 'python3 not available', '', false)

/** Both ratios for a big/small pair: in-process scan time, and whole process (the target). */
async function pair(label, bigPath, smallPath) {
  const a = await timeScan(bigPath, 15)
  const b = await timeScan(smallPath, 15)
  const ok = a.report.verdict === 'safe' && b.report.verdict === 'safe'
  row(
    `${label}: scan call`,
    `${a.ms.toFixed(2)} ms vs ${b.ms.toFixed(2)} ms = ${(a.ms / b.ms).toFixed(2)}x (verdicts ${a.report.verdict}/${b.report.verdict})`,
    '',
    ok,
  )
  const ca = childWallMs(bigPath)
  const cb = childWallMs(smallPath)
  row(
    `${label}: whole process`,
    `${ca.toFixed(0)} ms vs ${cb.toFixed(0)} ms = ${(ca / cb).toFixed(2)}x`,
    '< 2x',
    ok && ca / cb < 2,
  )
}

// 2. large payloads vs same shape small
const big = join(work, 'payloads-big.pkl')
const little = join(work, 'payloads-small.pkl')
const count = 200
genPayloads(big, count, Math.round(1 * MB * scale))
genPayloads(little, count, Math.round(10 * 1024 * scale))
await pair(
  `payload pickle ${fmtMB(statSync(big).size)} vs ${fmtMB(statSync(little).size)} (${count} payloads each)`,
  big,
  little,
)

// 3. torch zip 1 GiB vs 1 MB
const zBig = join(work, 'torch-big.pt')
const zSmall = join(work, 'torch-small.pt')
const bigZipBytes = Math.round(1024 * MB * scale)
if (!existsSync(zBig) || Math.abs(statSync(zBig).size - bigZipBytes) > 2 * MB)
  genTorchZip(zBig, bigZipBytes)
genTorchZip(zSmall, 1 * MB)
await pair(
  `torch zip ${fmtMB(statSync(zBig).size)} vs ${fmtMB(statSync(zSmall).size)}`,
  zBig,
  zSmall,
)

// 4. peak RSS in a child process
for (const p of [small, big]) {
  const r = childPeakRss(p)
  row(
    `peak RSS scanning ${fmtMB(statSync(p).size)} ${p.endsWith('big.pkl') ? 'payload' : 'small-objects'} pickle (child)`,
    `${(r.rssKb / 1024).toFixed(0)} MB (verdict ${r.verdict})`,
    '< 200 MB',
    r.rssKb / 1024 < 200,
  )
}

const w0 = Math.max(...rows.map((r) => r.name.length))
const w1 = Math.max(...rows.map((r) => r.value.length))
console.log(
  `\npickle-family benchmark${quick ? ' (--quick: 10x smaller inputs)' : ''}, node ${process.version}\n`,
)
console.log(`${'measure'.padEnd(w0)}  ${'result'.padEnd(w1)}  target    ok`)
for (const r of rows)
  console.log(
    `${r.name.padEnd(w0)}  ${r.value.padEnd(w1)}  ${r.target.padEnd(8)}  ${r.target ? r.ok : ''}`,
  )
