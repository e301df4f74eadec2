#!/usr/bin/env node
// Sync load test: N simulated devices (1,000 by default) with M assets each (500) enroll against
// a real `aiscout server start` process on loopback, each sends its first snapshot (one gzip
// part + commit), then D rounds of deltas. Reports ingest throughput (assets/s), request latency
// (p50/p95) and the server's peak RSS, on SQLite and on a throwaway PostgreSQL 15 cluster.
// Bounded: fixed counts, a deadline (--max-minutes), loopback only; it stops by itself.
//
//   node bench/sync-load-bench.mjs [--quick] [--devices 1000] [--assets 500] [--deltas 2]
//        [--concurrency 32] [--engines sqlite,postgres] [--max-minutes 20] [--profile DIR]
import { execFileSync, spawn } from 'node:child_process'
import { createHash, randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { startPgCluster } from '../scripts/pg-cluster.mjs'
import { ROOT, workDir } from './lib.mjs'

const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : def
}
const DEVICES = Number(opt('devices', quick ? '100' : '1000'))
const ASSETS = Number(opt('assets', '500'))
const DELTAS = Number(opt('deltas', '2'))
const CONCURRENCY = Number(opt('concurrency', '32'))
const ENGINES = opt('engines', 'sqlite,postgres').split(',')
const DEADLINE = Date.now() + Number(opt('max-minutes', '20')) * 60_000
const PROFILE = opt('profile', '')
const CLI = join(ROOT, 'out/cli/aiscout.js')
if (!existsSync(CLI))
  throw new Error('out/cli/aiscout.js is missing: run `npm run build:cli` first')

const sha = (s) => createHash('sha256').update(s).digest('hex')
const KINDS = [
  'package',
  'package',
  'package',
  'model',
  'notebook',
  'secret',
  'tool',
  'mcp-server',
  'ide-extension',
  'agent-config',
]

function asset(d, i, rev = 0) {
  const kind = KINDS[i % KINDS.length]
  const key = `${kind}:${sha(`${d}/${i}`).slice(0, 24)}`
  const data = {
    id: key,
    kind,
    path: `/Users/dev${d}/projects/p${i % 40}/${kind}-${i}`,
    name: `${kind}-${i % 97}`,
    ...(kind === 'model'
      ? { sha256: sha(`model-${i % 300}`), format: 'gguf', sizeBytes: 4_000_000_000 }
      : {}),
    ...(kind === 'secret'
      ? { provider: 'openai', fingerprint: sha(`key-${d}-${i}`), redacted: 'sk-…abcd' }
      : {}),
    details: {
      rev,
      source: 'crawl',
      version: `1.${i % 13}.${rev}`,
      ...(kind === 'mcp-server'
        ? { command: 'npx', args: ['-y', `@vendor/server-${i % 30}`] }
        : {}),
    },
    links: [],
  }
  return { op: 'upsert', key, kind, hash: sha(JSON.stringify(data)), data }
}

function finding(d, i) {
  const a = asset(d, i)
  const key = sha(`f/${d}/${i}`).slice(0, 32)
  const data = {
    id: key,
    ruleId: `rule.${i % 17}`,
    severity: 'high',
    title: 't',
    message: 'm',
    path: a.data.path,
    assetId: a.key,
  }
  return {
    op: 'upsert',
    key,
    assetKey: a.key,
    ruleId: data.ruleId,
    severity: 'high',
    hash: sha(JSON.stringify(data)),
    data,
  }
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })
}

function rssKiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return {
      rss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0),
      hwm: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0),
    }
  } catch {
    return { rss: 0, hwm: 0 }
  }
}

async function startServer(env, dataDir, port) {
  // One loopback address enrolls every simulated device: lift the per-address enrollment limit.
  const args = [
    CLI,
    'server',
    'start',
    '--port',
    String(port),
    '--log-level',
    'warn',
    '--device-rate',
    '1000000',
    '--enroll-rate',
    '1000000',
  ]
  if (dataDir) args.push('--data', dataDir)
  // --profile DIR: a CPU profile of the server process (chrome://inspect, speedscope).
  const nodeArgs = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : []
  const proc = spawn(process.execPath, [...nodeArgs, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise((res, rej) => {
    let out = ''
    const t = setTimeout(() => rej(new Error('server did not start')), 60_000)
    proc.stdout.on('data', (c) => {
      out += c
      const m = /listening on (\S+)/.exec(out)
      if (m) {
        clearTimeout(t)
        res(m[1])
      }
    })
    proc.once('exit', (code) => rej(new Error(`server exited ${code}`)))
  })
  return { proc, url }
}

async function pool(items, n, fn) {
  let next = 0
  const workers = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      if (Date.now() > DEADLINE) throw new Error('deadline reached')
      const i = next++
      await fn(items[i], i)
    }
  })
  await Promise.all(workers)
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}

async function runEngine(engine) {
  let cluster
  const env = { ...process.env }
  delete env.DATABASE_URL
  let dataDir
  if (engine === 'postgres') {
    cluster = await startPgCluster({ parent: workDir('pg'), durable: true })
    env.DATABASE_URL = cluster.createDatabase('load')
  } else {
    dataDir = mkdtempSync(join(workDir(), 'load-sqlite-'))
  }
  const port = await freePort()
  const cliArgs = dataDir ? ['--data', dataDir] : []
  const secret = execFileSync(
    process.execPath,
    [CLI, 'server', 'enroll-secret', 'create', ...cliArgs],
    { env, encoding: 'utf8' },
  )
    .trimEnd()
    .split('\n')
    .pop()
  const { proc, url } = await startServer(env, dataDir, port)
  let peak = 0
  const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(proc.pid).rss)), 200)
  const api = `${url}/api/agent/v1`
  const post = async (path, token, body, gz) => {
    const t = performance.now()
    const r = await fetch(api + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(gz ? { 'content-encoding': 'gzip' } : {}),
      },
      body,
    })
    const j = await r.json()
    if (r.status >= 300) throw new Error(`${path} ${r.status} ${JSON.stringify(j)}`)
    return { j, ms: performance.now() - t }
  }
  try {
    // Payloads are built before the clock starts: the client's gzip is not the server's cost.
    const devices = Array.from({ length: DEVICES }, (_, d) => ({ d, token: '', seq: 0 }))
    const snapshots = devices.map(({ d }) => {
      const snap = `snap_${sha(`s${d}`).slice(0, 16)}`
      const assets = Array.from({ length: ASSETS }, (_, i) => asset(d, i))
      const findings = Array.from({ length: Math.ceil(ASSETS / 25) }, (_, i) => finding(d, i * 25))
      return {
        snap,
        body: gzipSync(
          JSON.stringify({
            batchId: randomUUID(),
            seq: 1,
            mode: 'snapshot',
            snapshot: { id: snap, part: 1, parts: 1 },
            assets,
            findings,
          }),
        ),
      }
    })
    const CHANGED = Math.max(1, Math.round(ASSETS / 20))
    const deltas = devices.map(({ d }) =>
      Array.from({ length: DELTAS }, (_, k) =>
        gzipSync(
          JSON.stringify({
            batchId: randomUUID(),
            seq: 3 + k,
            mode: 'delta',
            assets: Array.from({ length: CHANGED }, (_, i) =>
              asset(d, (i * 7 + k) % ASSETS, k + 1),
            ),
            findings: [],
          }),
        ),
      ),
    )
    const wire = snapshots.reduce((n, s) => n + s.body.length, 0)

    let t0 = performance.now()
    const enrollMs = []
    await pool(devices, CONCURRENCY, async (dev) => {
      const body = JSON.stringify({
        enrollSecret: secret,
        device: {
          installationId: `inst-${dev.d}-${randomUUID()}`,
          hardwareId: `hw-${dev.d}`,
          hostname: `dev-${dev.d}`,
          platform: 'darwin',
          arch: 'arm64',
          osRelease: '15',
          user: `u${dev.d}`,
          appVersion: '0.1.0',
        },
      })
      const r = await post('/enroll', undefined, body, false)
      dev.token = r.j.deviceToken
      enrollMs.push(r.ms)
    })
    const enrollS = (performance.now() - t0) / 1000

    t0 = performance.now()
    const snapMs = []
    await pool(devices, CONCURRENCY, async (dev) => {
      const s = snapshots[dev.d]
      const r = await post('/inventory', dev.token, s.body, true)
      snapMs.push(r.ms)
      const c = await post(
        '/inventory/commit',
        dev.token,
        JSON.stringify({ batchId: randomUUID(), seq: 2, snapshotId: s.snap, parts: 1 }),
        false,
      )
      snapMs.push(c.ms)
    })
    const snapS = (performance.now() - t0) / 1000

    t0 = performance.now()
    const deltaMs = []
    await pool(devices, CONCURRENCY, async (dev) => {
      for (const body of deltas[dev.d]) {
        const r = await post('/inventory', dev.token, body, true)
        deltaMs.push(r.ms)
      }
    })
    const deltaS = (performance.now() - t0) / 1000
    const hwm = rssKiB(proc.pid).hwm
    const snapAssets = DEVICES * ASSETS
    console.log(
      `\n  ${engine}: ${DEVICES} devices x ${ASSETS} assets, concurrency ${CONCURRENCY}, ${(wire / 1024 / 1024).toFixed(1)} MiB of gzip snapshots`,
    )
    console.log(
      `        enroll                ${enrollS.toFixed(1)} s   p50 ${pct(enrollMs, 50).toFixed(0)} ms  p95 ${pct(enrollMs, 95).toFixed(0)} ms`,
    )
    console.log(
      `        snapshot + commit     ${snapS.toFixed(1)} s   ${Math.round(snapAssets / snapS)} assets/s   p50 ${pct(snapMs, 50).toFixed(0)} ms  p95 ${pct(snapMs, 95).toFixed(0)} ms`,
    )
    console.log(
      `        deltas (${DELTAS} x ${CHANGED} assets)   ${deltaS.toFixed(1)} s   ${Math.round((DEVICES * DELTAS * CHANGED) / deltaS)} assets/s   ${Math.round((DEVICES * DELTAS) / deltaS)} batches/s   p50 ${pct(deltaMs, 50).toFixed(0)} ms  p95 ${pct(deltaMs, 95).toFixed(0)} ms`,
    )
    console.log(`        server peak RSS       ${(Math.max(peak, hwm) / 1024).toFixed(0)} MiB`)
  } finally {
    clearInterval(sampler)
    proc.kill('SIGTERM')
    await new Promise((r) => proc.once('exit', r))
    cluster?.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  }
}

console.log(
  'sync load test (loopback; client and server share this machine, which other work shares too)',
)
for (const e of ENGINES) await runEngine(e)
