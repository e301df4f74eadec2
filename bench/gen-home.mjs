// Deterministic synthetic developer home for benchmarks: deep node_modules, .git object fan-out,
// venvs, a few hundred model files, notebooks and .env files. Usage:
//   node bench/gen-home.mjs DIR [--files 300000] [--big-models-mb 0]
import {
  mkdirSync,
  writeFileSync,
  existsSync,
  readFileSync,
  openSync,
  writeSync,
  closeSync,
} from 'node:fs'
import { join } from 'node:path'

const args = process.argv.slice(2)
const dir = args[0]
if (!dir) {
  console.error('usage: gen-home.mjs DIR [--files N] [--big-models-mb M]')
  process.exit(2)
}
const opt = (name, def) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : def
}
const TOTAL = opt('--files', 300_000)
const BIG_MB = opt('--big-models-mb', 0)
const marker = join(dir, '.aiscout-bench.json')
const want = JSON.stringify({ TOTAL, BIG_MB, v: 3 })
if (existsSync(marker) && readFileSync(marker, 'utf8') === want) {
  console.log(`reusing ${dir}`)
  process.exit(0)
}

let seed = 12345
const rnd = () => {
  seed ^= seed << 13
  seed ^= seed >>> 17
  seed ^= seed << 5
  return (seed >>> 0) / 4294967296
}
const pick = (a) => a[Math.floor(rnd() * a.length)]
let files = 0
let dirs = 0
const made = new Set()
const mk = (d) => {
  if (!made.has(d)) {
    mkdirSync(d, { recursive: true })
    made.add(d)
    dirs++
  }
}
const put = (p, data) => {
  writeFileSync(p, data)
  files++
}
const small = Buffer.alloc(64, 'x')

// Shares of the tree (as measured on real homes): half node_modules, 15% .git, 15% venvs.
const nm = Math.floor(TOTAL * 0.5)
const git = Math.floor(TOTAL * 0.15)
const venv = Math.floor(TOTAL * 0.15)
const projects = 40

// node_modules: nested packages, 3 files per package dir.
for (let p = 0; files < nm; p++) {
  const proj = join(dir, 'code', `proj${p % projects}`, 'node_modules')
  const depth = 1 + Math.floor(rnd() * 4)
  let d = proj
  for (let k = 0; k < depth; k++)
    d = join(d, `pkg${Math.floor(rnd() * 400)}`, k < depth - 1 ? 'node_modules' : '')
  mk(d)
  for (let f = 0; f < 3 && files < nm; f++) put(join(d, `f${files}.js`), small)
}
// .git objects fan-out.
for (let p = 0; files < nm + git; p++) {
  const d = join(
    dir,
    'code',
    `proj${p % projects}`,
    '.git',
    'objects',
    (p % 256).toString(16).padStart(2, '0'),
  )
  mk(d)
  put(join(d, `${files.toString(16).padStart(38, '0')}`), small)
}
// venvs: site-packages trees.
for (let p = 0; files < nm + git + venv; p++) {
  const d = join(
    dir,
    'code',
    `proj${p % projects}`,
    '.venv',
    'lib',
    'python3.11',
    'site-packages',
    `mod${p % 900}`,
    `sub${p % 7}`,
  )
  mk(d)
  put(join(d, `m${files}.py`), small)
}
// Models: tiny safetensors, pickles and GGUF headers (300), notebooks (500), .env (80).
const st = () => {
  const h = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }))
  const l = Buffer.alloc(8)
  l.writeBigUInt64LE(BigInt(h.length))
  return Buffer.concat([l, h, Buffer.alloc(16)])
}
const pkl = Buffer.from([
  0x80, 0x02, 0x7d, 0x71, 0x00, 0x58, 0x01, 0x00, 0x00, 0x00, 0x61, 0x4b, 0x01, 0x73, 0x2e,
])
for (let i = 0; i < 300; i++) {
  const d = join(
    dir,
    pick(['models', 'Downloads', 'code/proj1/checkpoints', 'code/proj2/weights']),
    `set${i % 20}`,
  )
  mk(d)
  if (i % 2 === 0) put(join(d, `m${i}.safetensors`), st())
  else put(join(d, `m${i}.pkl`), pkl)
}
for (let i = 0; i < 500; i++) {
  const d = join(dir, 'code', `proj${i % projects}`, 'notebooks')
  mk(d)
  put(
    join(d, `nb${i}.ipynb`),
    JSON.stringify({
      cells: [
        { cell_type: 'code', source: ['import torch\n', 'x = 1\n'], outputs: [], metadata: {} },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    }),
  )
}
for (let i = 0; i < 80; i++) {
  const d = join(dir, 'code', `proj${i % projects}`, `svc${i}`)
  mk(d)
  put(join(d, '.env'), `DEBUG=1\nPORT=${3000 + i}\n`)
}
// The rest: ordinary project files spread over many directories (~3 files per dir).
while (files < TOTAL) {
  const d = join(
    dir,
    'code',
    `proj${files % projects}`,
    'src',
    `a${Math.floor(rnd() * 60)}`,
    `b${Math.floor(rnd() * 60)}`,
  )
  mk(d)
  put(join(d, `file${files}.ts`), small)
}
// Big model files for the hashing / unchanged-rescan figures.
if (BIG_MB > 0) {
  const d = join(dir, 'models', 'big')
  mk(d)
  const chunk = Buffer.alloc(1024 * 1024)
  for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((i * 2654435761) >>> 0, i)
  const per = Math.ceil(BIG_MB / 4)
  for (let n = 0; n < 4; n++) {
    const h = Buffer.from(
      JSON.stringify({
        w: { dtype: 'U8', shape: [per * 1024 * 1024], data_offsets: [0, per * 1024 * 1024] },
      }),
    )
    const l = Buffer.alloc(8)
    l.writeBigUInt64LE(BigInt(h.length))
    const fd = openSync(join(d, `big${n}.safetensors`), 'w')
    writeSync(fd, Buffer.concat([l, h]))
    for (let m = 0; m < per; m++) writeSync(fd, chunk)
    closeSync(fd)
    files++
  }
}
writeFileSync(marker, want)
console.log(`generated ${files} files in ${dirs} directories under ${dir}`)
