// Secrets pass benchmark: the engine's overhead over plain I/O on the same candidate files.
//
//   node bench/secrets-bench.mjs [--files N] [--home DIR]
//
// Without --home it writes a synthetic tree under bench/.work/secrets (gitignored): N files of the
// kinds a home holds (dotenv, shell rc/history, JSON/YAML/TOML configs, notebooks, source, docs),
// about 2% of them holding generated keys, plus non-candidate files (models, images, lockfiles,
// node_modules) that exercise the name-only classifier. Keys are built from random characters at
// run time; none is a literal here. With --home it measures an existing tree (e.g. the one
// bench/gen-home.mjs writes).
//
// It prints: classifier cost per file, plain-read time, secrets-pass time and their ratio.
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { bundle as bundleTs, msSince, now, WORK } from './lib.mjs'

const require = createRequire(import.meta.url)
const work = WORK
const args = process.argv.slice(2)
const arg = (name, def) => {
  const i = args.indexOf(name)
  return i >= 0 && args[i + 1] ? args[i + 1] : def
}
const N = Number(arg('--files', '20000'))
const homeArg = arg('--home', undefined)

// --bundle <file>: use a prebuilt self-contained bundle (for machines without node_modules).
const prebuilt = arg('--bundle', undefined)
const bundle = prebuilt
  ? path.resolve(prebuilt)
  : bundleTs('src/core/secrets/index.ts', path.join(work, 'secrets.cjs'), {
      // Like the CLI build: dependencies stay in node_modules (jsonc-parser's UMD build cannot be inlined).
      packages: 'external',
    })
const secrets = require(bundle)

// --- synthetic tree -------------------------------------------------------------------------
let seed = 12345
// mulberry32 (integer maths only: a float LCG loses precision and repeats quickly).
const rnd = () => {
  seed = (seed + 0x6d2b79f5) >>> 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const HEX = '0123456789abcdef'
const pick = (cs, n) => Array.from({ length: n }, () => cs[Math.floor(rnd() * cs.length)]).join('')
const keyLines = [
  () => `OPENAI_API_KEY=sk-proj-${pick(B62, 74)}${'T3Blbk'}FJ${pick(B62, 74)}`,
  () => `ANTHROPIC_API_KEY=sk-ant-api03-${pick(B62, 93)}AA`,
  () => `HF_TOKEN=hf_${pick(B62.slice(0, 52), 34)}`,
  () => `GROQ_API_KEY=gsk_${pick(B62, 52)}`,
  () => `MISTRAL_API_KEY=${pick(B62, 32)}`,
  () => `WANDB_API_KEY=${pick(HEX, 40)}`,
]
const filler = (lines) =>
  Array.from(
    { length: lines },
    (_, i) =>
      `setting_${i} = "${pick(B62, 12)}"  # value ${pick(HEX, 8)} ${'lorem ipsum '.repeat(3)}`,
  ).join('\n')

function generate(dir, n) {
  const marker = path.join(dir, `.complete-v2-${n}`)
  if (fs.existsSync(marker)) return
  fs.rmSync(dir, { recursive: true, force: true })
  const kinds = [
    ['.env', (t) => t],
    ['config.json', (t) => JSON.stringify({ settings: t.split('\n') }, null, 2)],
    ['config.yaml', (t) => t.replace(/ = /g, ': ')],
    ['pyproject.toml', (t) => `[tool.x]\n${t}`],
    ['main.py', (t) => t],
    ['README.md', (t) => t],
    [
      'notes.ipynb',
      (t) =>
        JSON.stringify(
          { cells: [{ cell_type: 'code', source: t.split('\n'), outputs: [] }] },
          null,
          1,
        ),
    ],
  ]
  for (let i = 0; i < n; i++) {
    const d = path.join(dir, `p${Math.floor(i / 50)}`, `m${i % 50}`)
    fs.mkdirSync(d, { recursive: true })
    const [name, wrap] = kinds[i % kinds.length]
    let text = filler(20 + Math.floor(rnd() * 60))
    if (rnd() < 0.02) text += `\n${keyLines[i % keyLines.length]()}`
    fs.writeFileSync(path.join(d, name), wrap(text))
    // Non-candidates the classifier must reject cheaply.
    fs.writeFileSync(path.join(d, `w${i}.bin`), 'x')
    if (i % 10 === 0) {
      fs.mkdirSync(path.join(d, 'node_modules', 'pkg'), { recursive: true })
      fs.writeFileSync(path.join(d, 'node_modules', 'pkg', 'index.js'), 'module.exports = 1')
      fs.writeFileSync(path.join(d, 'package-lock.json'), '{}')
    }
  }
  fs.writeFileSync(marker, '')
}

function walk(dir) {
  const out = []
  const stack = [dir]
  while (stack.length) {
    const d = stack.pop()
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) stack.push(p)
      else if (e.isFile()) out.push(p)
    }
  }
  return out
}

async function pool(items, width, fn) {
  let next = 0
  const worker = async () => {
    while (next < items.length) await fn(items[next++])
  }
  await Promise.all(Array.from({ length: width }, worker))
}

async function main() {
  const home = homeArg ? path.resolve(homeArg) : path.join(work, 'secrets')
  if (!homeArg) generate(home, N)
  const files = walk(home)

  const t = now()
  const candidates = []
  for (const f of files) {
    const kind = secrets.secretFileKind(f, home)
    if (kind) candidates.push([f, kind])
  }
  const classifyNs = (msSince(t) * 1e6) / files.length

  const key = new Uint8Array(32).fill(1)
  const plainRead = async () => {
    const s = now()
    await pool(candidates, 16, async ([f]) => {
      await fsp.readFile(f, 'utf8')
    })
    return msSince(s)
  }
  const secretsPass = async () => {
    const pass = secrets.createSecretsPass({ fingerprintKey: key, home })
    let hits = 0
    const s = now()
    await pool(candidates, 16, async ([f, kind]) => {
      const r = await pass.analyzeFile(f, kind)
      hits += r.assets.length
    })
    pass.finish()
    return [msSince(s), hits]
  }
  // Warm the page cache and the JIT, then take the best of three runs each.
  await plainRead()
  await secretsPass()
  const reads = []
  const passes = []
  let hits = 0
  for (let i = 0; i < 3; i++) {
    reads.push(await plainRead())
    const [ms, h] = await secretsPass()
    passes.push(ms)
    hits = h
  }
  const read = Math.min(...reads)
  const scan = Math.min(...passes)
  // Matching alone (text already in memory): where the engine's CPU time goes.
  const texts = candidates.map(([f, kind]) => [f, kind, fs.readFileSync(f, 'utf8')])
  const scanner = secrets.createSecretScanner({ fingerprintKey: key })
  const m0 = now()
  for (const [f, kind, text] of texts) scanner.scanText(text, { path: f, kind })
  const matchMs = msSince(m0)
  const bytes = candidates.reduce((n, [f]) => n + fs.statSync(f).size, 0)
  console.log(`tree: ${home}`)
  console.log(
    `files: ${files.length}, candidates: ${candidates.length} (${(bytes / 1048576).toFixed(1)} MiB), keys found: ${hits}`,
  )
  console.log(`classifier: ${classifyNs.toFixed(0)} ns/file`)
  console.log(`plain read: ${read.toFixed(0)} ms; secrets pass: ${scan.toFixed(0)} ms`)
  console.log(`matching only (in memory, one thread): ${matchMs.toFixed(0)} ms`)
  console.log(`ratio (secrets pass / plain read): ${(scan / read).toFixed(2)}x`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
