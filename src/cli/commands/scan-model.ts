import { readdirSync, statSync } from 'node:fs'
import { extname, join } from 'node:path'
import type { Asset, Finding, ModelFileReport, RepositoryReport } from '../../core'
import {
  analyzeRepository,
  arrayInventory,
  assetIdFor,
  findingIdFor,
  findRule,
  hostInfo,
  isModelRepository,
  listRepositoryFiles,
  MODEL_EXTENSIONS,
  openFileSource,
  pickScanner,
  repositoryJson,
  scanModelFile,
  writeReport,
} from '../../core'
import { oneOf, parseArgs, UsageError } from '../args'
import type { Io } from '../io'
import { resolvePath } from '../io'
import { color, openOutput } from '../output'
import { VERSION } from '../version'

const SPEC = { format: { type: 'string' }, out: { type: 'string' } } as const
const FORMATS = ['table', 'json', 'sarif'] as const

/**
 * `aiscout scan-model PATH...`: static verdicts for model files. Every path given is reported;
 * directories are walked and a file is considered when its content or extension suggests a model.
 * A directory is also read as a model repository: the custom code its configs make loaders run
 * (trust_remote_code) and the instantiation entries of its YAML/JSON configs.
 */
export async function runScanModel(argv: readonly string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(argv, SPEC)
  const format = oneOf(flags.format, FORMATS, 'format', 'table')
  if (positionals.length === 0) throw new UsageError('scan-model needs at least one PATH')
  const reports: ModelFileReport[] = []
  const repos: RepositoryReport[] = []
  for (const p of positionals) {
    const abs = resolvePath(io, p)
    let isDir = false
    try {
      isDir = statSync(abs).isDirectory()
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error'
      reports.push(unreadable(abs, code))
      continue
    }
    if (!isDir) reports.push(await scanModelFile(abs))
    else {
      for (const f of modelFilesUnder(abs)) reports.push(await scanModelFile(f))
      const files = listRepositoryFiles(abs)
      const repo = analyzeRepository(abs, files)
      if (isModelRepository(files) || repo.findings.length > 0) repos.push(repo)
    }
  }
  const out = flags.out
    ? openOutput(resolvePath(io, flags.out as string))
    : { stream: io.stdout, close: async () => {} }
  switch (format) {
    case 'json':
      out.stream.write(
        JSON.stringify(
          { files: reports.map(toJson), repositories: repos.map(repositoryJson) },
          null,
          2,
        ) + '\n',
      )
      break
    case 'sarif':
      await writeReport('sarif', asInventory(reports, repos), out.stream, {
        toolVersion: VERSION,
      })
      break
    case 'table':
      out.stream.write(renderTable(reports, repos))
      break
  }
  await out.close()
  const verdicts = [...reports, ...repos].map((r) => r.verdict)
  if (verdicts.some((v) => v === 'malicious' || v === 'suspicious')) return 1
  if (verdicts.some((v) => v === 'invalid')) return 2
  return 0
}

function unreadable(path: string, code: string): ModelFileReport {
  return {
    path,
    format: 'unknown',
    verdict: 'invalid',
    error: code,
    findings: [
      { ruleId: 'model.unreadable', severity: 'low', message: `Cannot read ${path} (${code})` },
    ],
  }
}

/** Walks a directory (no symlinked dirs, no VCS/node_modules) for files that look like models. */
function* modelFilesUnder(dir: string): Generator<string> {
  const stack = [dir]
  while (stack.length) {
    const d = stack.pop()!
    let entries
    try {
      entries = readdirSync(d, { withFileTypes: true })
    } catch {
      continue
    }
    entries.sort((a, b) => a.name.localeCompare(b.name))
    for (const e of entries) {
      const p = join(d, e.name)
      if (e.isDirectory()) {
        if (e.name !== '.git' && e.name !== 'node_modules' && e.name !== '__pycache__')
          stack.push(p)
      } else if (e.isFile() && suggestsModel(p, e.name)) yield p
    }
  }
}

function suggestsModel(path: string, name: string): boolean {
  if (MODEL_EXTENSIONS.has(extname(name).toLowerCase())) return true
  try {
    const src = openFileSource(path)
    try {
      return pickScanner(src, name) !== undefined
    } finally {
      src.close()
    }
  } catch {
    return false
  }
}

function toJson(r: ModelFileReport) {
  return {
    path: r.path,
    format: r.format,
    verdict: r.verdict,
    sha256: r.sha256 ?? null,
    ...(r.sizeBytes !== undefined ? { sizeBytes: r.sizeBytes } : {}),
    ...(r.metadata ? { metadata: r.metadata } : {}),
    ...(r.error ? { error: r.error } : {}),
    findings: r.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      ...(f.member !== undefined ? { member: f.member } : {}),
      ...(f.offset !== undefined ? { offset: f.offset } : {}),
      ...(f.callable !== undefined ? { callable: f.callable } : {}),
      ...(f.line !== undefined ? { line: f.line } : {}),
    })),
  }
}

const VERDICT_COLOR = { malicious: 31, suspicious: 33, invalid: 35, safe: 32 } as const

function renderTable(
  reports: readonly ModelFileReport[],
  repos: readonly RepositoryReport[],
): string {
  const lines: string[] = []
  for (const r of reports) {
    lines.push(
      `${color(VERDICT_COLOR[r.verdict], r.verdict.toUpperCase().padEnd(10))} ${r.format.padEnd(15)} ${r.path}`,
    )
    for (const f of r.findings) {
      const where = [f.member, f.offset !== undefined ? `@${f.offset}` : undefined]
        .filter(Boolean)
        .join(' ')
      lines.push(
        `    ${f.severity.padEnd(8)} ${f.ruleId}${where ? ` (${where})` : ''}: ${f.message}`,
      )
    }
  }
  for (const r of repos) {
    lines.push(
      `${color(VERDICT_COLOR[r.verdict], r.verdict.toUpperCase().padEnd(10))} ${'repository'.padEnd(15)} ${r.root} (trust_remote_code: ${r.needsTrustRemoteCode ? 'needed' : 'not needed'})`,
    )
    for (const f of r.findings) {
      const where = `${f.file}${f.line !== undefined ? `:${f.line}` : ''}`
      lines.push(`    ${f.severity.padEnd(8)} ${f.ruleId} (${where}): ${f.message}`)
    }
  }
  const n = (v: string) => reports.filter((r) => r.verdict === v).length
  lines.push('')
  lines.push(
    `${reports.length} files: ${n('malicious')} malicious, ${n('suspicious')} suspicious, ${n('invalid')} invalid, ${n('safe')} safe`,
  )
  return lines.join('\n') + '\n'
}

/** Wraps scan-model results as an inventory so the shared SARIF writer can emit them. */
function asInventory(reports: readonly ModelFileReport[], repos: readonly RepositoryReport[]) {
  const assets: Asset[] = []
  const findings: Finding[] = []
  for (const r of repos) {
    const id = assetIdFor('model', r.root)
    assets.push({
      id,
      kind: 'model',
      path: r.root,
      format: 'model-repository',
      verdict: r.verdict,
      details: { trustRemoteCode: r.needsTrustRemoteCode },
      links: [],
    })
    for (const f of r.findings) {
      findings.push({
        id: findingIdFor([f.ruleId, f.path, f.line, f.callable, f.message]),
        ruleId: f.ruleId,
        severity: f.severity,
        title: findRule(f.ruleId)?.title ?? f.ruleId,
        message: f.message,
        path: f.path,
        line: f.line,
        assetId: id,
        callable: f.callable,
      })
    }
  }
  for (const r of reports) {
    const id = assetIdFor('model', r.path)
    assets.push({
      id,
      kind: 'model',
      path: r.path,
      format: r.format,
      sha256: r.sha256,
      verdict: r.verdict,
      details: {},
      links: [],
    })
    for (const f of r.findings) {
      findings.push({
        id: findingIdFor([f.ruleId, r.path, f.member, f.offset, f.callable, f.message]),
        ruleId: f.ruleId,
        severity: f.severity,
        title: findRule(f.ruleId)?.title ?? f.ruleId,
        message: f.message,
        path: r.path,
        assetId: id,
        member: f.member,
        offset: f.offset,
        callable: f.callable,
        line: f.line,
      })
    }
  }
  const now = new Date().toISOString()
  return arrayInventory({
    host: hostInfo(),
    scan: {
      id: 'scan-model',
      startedAt: now,
      finishedAt: now,
      status: 'complete',
      roots: [],
      stats: {
        filesSeen: reports.length,
        dirsSeen: 0,
        candidates: reports.length,
        bytesHashed: 0,
        filesHashed: 0,
        hashCacheHits: 0,
        modelsScanned: reports.length,
        assets: assets.length,
        findings: findings.length,
        skipped: 0,
        durationMs: 0,
      },
    },
    assets,
    findings,
    skipped: [],
  })
}
