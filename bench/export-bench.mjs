#!/usr/bin/env node
// Export benchmark: a generated 100k-asset inventory (streamed from a generator, never an array)
// exported to every format under bench/.work/, each export in its own child process so its peak
// RSS (process.resourceUsage().maxRSS) is its own. Prints figures; asserts nothing.
//
//   node bench/export-bench.mjs [--assets 100000] [--findings 10000]
import { spawnSync } from 'node:child_process'
import { createWriteStream, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundle as bundleTs, hex, msSince, now, ROOT, WORK } from './lib.mjs'

const work = WORK
const bundle = join(work, 'report.cjs')

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : def
}

const KINDS = [
  ['package', 30],
  ['model', 12],
  ['python-environment', 4],
  ['notebook', 12],
  ['dataset', 6],
  ['secret', 6],
  ['ide-extension', 8],
  ['mcp-server', 6],
  ['agent-config', 6],
  ['tool', 4],
  ['app', 2],
  ['ai-platform', 1],
  ['compute', 1],
  ['model-server', 2],
]
const WHEEL = KINDS.flatMap(([k, w]) => Array(w).fill(k))
function* assets(n) {
  for (let i = 0; i < n; i++) {
    const kind = WHEEL[i % WHEEL.length]
    const dir = `/home/dev/projects/p${i % 997}/sub${i % 31}`
    const a = {
      id: `${kind}-${i}`,
      kind,
      path: `${dir}/${kind}-${i}.bin`,
      name: `${kind} ${i}`,
      details: {},
      links: [],
    }
    switch (kind) {
      case 'model':
        Object.assign(a, {
          format: 'safetensors',
          sha256: hex(i, 1),
          sizeBytes: 1_000_000 + i,
          source: 'crawl',
          verdict: i % 50 ? 'safe' : 'malicious',
        })
        a.details = {
          architecture: 'LlamaForCausalLM',
          parameters: 1_000_000 + i,
          quantization: 'Q4_K_M',
          repoId: `org${i % 7}/model-${i}`,
          commit: hex(i, 2).slice(0, 40),
        }
        break
      case 'secret':
        a.details = {
          provider: 'openai',
          fingerprint: hex(i, 3).slice(0, 32),
          preview: 'sk-…9x',
          line: 1 + (i % 40),
        }
        break
      case 'package':
        Object.assign(a, { version: `1.${i % 30}.0`, source: 'site-packages' })
        a.details = { ecosystem: 'pypi', environment: `/home/dev/venvs/v${i % 40}` }
        break
      case 'mcp-server':
        a.details = { transport: 'stdio', command: 'npx', args: ['-y', `@acme/server-${i}`] }
        break
      default:
        a.details = { note: `asset ${i}`, count: i % 100 }
    }
    yield a
  }
}

function* findings(n, nAssets) {
  const sev = ['critical', 'high', 'medium', 'low', 'info']
  for (let i = 0; i < n; i++) {
    const ai = (i * 7) % nAssets
    const kind = WHEEL[ai % WHEEL.length]
    yield {
      id: `f-${i}`,
      ruleId: [
        'pickle.dangerous-callable',
        'secret.ai-api-key',
        'mcp.unpinned-package',
        'notebook.pip-install-url',
        'model.unknown-format',
      ][i % 5],
      severity: sev[i % 5],
      title: `Finding ${i}`,
      message: `Something worth a look in asset ${ai}`,
      path: `/home/dev/projects/p${ai % 997}/sub${ai % 31}/${kind}-${ai}.bin`,
      line: 1 + (i % 200),
      assetId: `${kind}-${ai}`,
    }
  }
}

function* skipped(n) {
  for (let i = 0; i < n; i++)
    yield {
      path: `/home/dev/private/${i}`,
      reason: 'permission-denied',
      code: 'EACCES',
      message: 'EACCES',
    }
}

async function child(format, nAssets, nFindings) {
  const require = createRequire(import.meta.url)
  const { writeReport, REPORT_WRITERS } = require(bundle)
  const inv = {
    schemaVersion: 1,
    host: { hostname: 'bench-host', platform: 'linux', arch: 'x64', osRelease: '6.8', user: 'dev' },
    scan: {
      id: 'bench-scan',
      startedAt: '2026-11-26T00:00:00.000Z',
      finishedAt: '2026-11-26T00:05:00.000Z',
      status: 'complete',
      roots: ['/home/dev'],
      stats: {
        filesSeen: 300000,
        dirsSeen: 100000,
        candidates: nAssets,
        bytesHashed: 0,
        filesHashed: 0,
        hashCacheHits: 0,
        modelsScanned: 0,
        assets: nAssets,
        findings: nFindings,
        skipped: 1000,
        durationMs: 1000,
      },
    },
    assets: () => assets(nAssets),
    findings: () => findings(nFindings, nAssets),
    skipped: () => skipped(1000),
  }
  const t0 = now()
  let file = join(work, 'baseline.txt')
  if (format === 'baseline') {
    // Iterates everything once and writes nothing: the floor (Node + bundle + generator).
    let _n = 0
    for (const a of inv.assets()) _n += a.id.length
    for (const f of inv.findings()) _n += f.id.length
  } else {
    const ext = REPORT_WRITERS.find((w) => w.format === format).extension
    file = join(work, `export.${ext}`)
    const out = createWriteStream(file)
    await writeReport(format, inv, out, { toolVersion: 'bench', generatedAt: new Date(0) })
    await new Promise((r) => out.end(r))
  }
  const ms = msSince(t0)
  let bytes = 0
  try {
    bytes = statSync(file).size
  } catch {
    /* baseline writes no file */
  }
  process.stdout.write(
    JSON.stringify({ format, ms, bytes, maxRssKiB: process.resourceUsage().maxRSS }) + '\n',
  )
}

async function main() {
  if (process.argv[2] === '--child')
    return child(process.argv[3], Number(process.argv[4]), Number(process.argv[5]))
  const nAssets = arg('assets', 100_000)
  const nFindings = arg('findings', 10_000)
  bundleTs('src/core/report/index.ts', bundle, {
    external: ['@cyclonedx/cyclonedx-library', 'ajv', 'ajv-formats', 'ajv-formats-draft2019'],
  })
  console.log(
    `export benchmark: ${nAssets.toLocaleString('en-US')} assets, ${nFindings.toLocaleString('en-US')} findings, 1,000 skipped (node ${process.version})`,
  )
  console.log('format      time (s)   output (MiB)   peak RSS (MiB)')
  for (const format of ['baseline', 'json', 'csv', 'sarif', 'cyclonedx', 'html']) {
    const r = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), '--child', format, String(nAssets), String(nFindings)],
      {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    )
    if (r.status !== 0) {
      console.log(
        `${format.padEnd(10)}  FAILED: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`,
      )
      process.exitCode = 1
      continue
    }
    const x = JSON.parse(r.stdout.trim().split('\n').pop())
    console.log(
      `${format.padEnd(10)}  ${(x.ms / 1000).toFixed(2).padStart(8)}   ${(x.bytes / 1048576).toFixed(1).padStart(12)}   ${(x.maxRssKiB / 1024).toFixed(0).padStart(14)}`,
    )
  }
}

await main()
