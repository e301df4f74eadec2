import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { findRule } from './rules'
import { classifyCandidate } from './scanners/candidate'
import { extensionOf, MODEL_EXTENSIONS } from './scanners/registry'
import { scanModelFile, unopenable } from './scanners/scan-file'
import type { RepositoryReport } from './scanners/repo/analyze-repo'
import type { CancelSignal, ModelFileReport } from './scanners/types'

/**
 * The library behind `aiscout scan-model`: static verdicts for the files and folders a caller
 * names. A light entry of its own (no SQLite, no discovery), so a shell that only scans model
 * files starts fast; `src/core/index.ts` re-exports it.
 */

export type { ModelFileReport } from './scanners/types'
export { ScanCancelledError, sharedCancelSignal } from './scanners/types'
export type { CancelSignal } from './scanners/types'
export type { RepositoryReport } from './scanners/repo/analyze-repo'

export type ModelScanOptions = Readonly<{
  /** Compute SHA-256 of every file, beside the analysis (default true; `--no-hash` turns it off). */
  hash?: boolean
  signal?: CancelSignal
  /** Called with each report as soon as it is ready (streaming output, progress). */
  onReport?(r: ModelFileReport): void
}>

/** Folders never walked when a directory is given (they hold no user models). */
const SKIPPED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', '__pycache__'])

/** What `aiscout scan-model` reports: every file, and every folder read as a model repository. */
export type ModelScanResult = Readonly<{
  files: readonly ModelFileReport[]
  repositories: readonly RepositoryReport[]
}>

/**
 * Reports for every path given: a file is scanned whatever its name; a directory is walked
 * (no symlinked folders, no VCS or node_modules) for files whose extension or content suggests a
 * model. A path that cannot be read, or is not a regular file, gets an `invalid` report saying
 * why. Rejects with ScanCancelledError when `signal` is aborted.
 */
export async function scanModelPaths(
  paths: readonly string[],
  opts: ModelScanOptions = {},
): Promise<ModelFileReport[]> {
  return [...(await scanModelTargets(paths, { ...opts, repositories: false })).files]
}

/**
 * scanModelPaths, and each directory given is also read as a model repository (the custom code
 * its configs make loaders run, the instantiation entries of its YAML/JSON configs); a directory
 * is listed under `repositories` when it looks like one or has findings. The repository analysis
 * loads only when a directory is given, so a run on one file never pays for it.
 */
export async function scanModelTargets(
  paths: readonly string[],
  opts: ModelScanOptions & { repositories?: boolean } = {},
): Promise<ModelScanResult> {
  const reports: ModelFileReport[] = []
  const repositories: RepositoryReport[] = []
  const add = (r: ModelFileReport): void => {
    reports.push(r)
    opts.onReport?.(r)
  }
  const fileOpts = { hash: opts.hash !== false, signal: opts.signal }
  for (const p of paths) {
    let isDir = false
    try {
      isDir = statSync(p).isDirectory()
    } catch (e) {
      add(unopenable(p, e))
      continue
    }
    if (!isDir) {
      add(await scanModelFile(p, fileOpts))
      continue
    }
    for (const f of modelFilesUnder(p)) add(await scanModelFile(f, fileOpts))
    if (opts.repositories === false) continue
    const repo = await import('./scanners/repo/analyze-repo')
    const files = repo.listRepositoryFiles(p)
    const r = repo.analyzeRepository(p, files)
    if (repo.isModelRepository(files) || r.findings.length > 0) repositories.push(r)
  }
  return { files: reports, repositories }
}

/** Files under `dir` that a model scan considers, in a stable (sorted) order. */
export function* modelFilesUnder(dir: string): Generator<string> {
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
        if (!SKIPPED_DIRS.has(e.name)) stack.push(p)
      } else if (isRegularFile(p, e.isFile(), e.isSymbolicLink()) && isModelCandidate(p, e.name))
        yield p
    }
  }
}

/** A plain file, or a symlink to one (folders are never followed, so no loops). */
function isRegularFile(p: string, file: boolean, link: boolean): boolean {
  if (file) return true
  if (!link) return false
  try {
    return statSync(p).isFile()
  } catch {
    return false
  }
}

/**
 * The candidate test: a model extension (derived from the scanner registry), or content some
 * registered scanner claims.
 */
export function isModelCandidate(path: string, name: string): boolean {
  if (MODEL_EXTENSIONS.has(extensionOf(name))) return true
  return classifyCandidate(path, name).kind === 'model'
}

/** The JSON shape of one report (`aiscout scan-model --format json`: `{ "files": [...] }`). */
export function modelReportJson(r: ModelFileReport) {
  return {
    path: r.path,
    format: r.format,
    verdict: r.verdict,
    sha256: r.sha256 ?? null,
    ...(r.sizeBytes !== undefined ? { sizeBytes: r.sizeBytes } : {}),
    ...(r.metadata ? { metadata: r.metadata } : {}),
    ...(r.error ? { error: r.error } : {}),
    findings: r.findings.map((f) => {
      const rule = findRule(f.ruleId)
      return {
        ruleId: f.ruleId,
        severity: f.severity,
        title: rule?.title ?? f.ruleId,
        message: f.message,
        ...(f.member !== undefined ? { member: f.member } : {}),
        ...(f.offset !== undefined ? { offset: f.offset } : {}),
        ...(f.callable !== undefined ? { callable: f.callable } : {}),
        ...(f.line !== undefined ? { line: f.line } : {}),
        ...(rule ? { why: rule.why, fix: rule.fix } : {}),
      }
    }),
  }
}

/** `aiscout scan-model --format json`: `{ "files": [...], "repositories": [...] }`. */
export async function modelScanJson(r: ModelScanResult) {
  // The repository shape loads only when there is a repository to show.
  const repositories = r.repositories.length
    ? r.repositories.map((await import('./scanners/repo/report')).repositoryJson)
    : []
  return { files: r.files.map(modelReportJson), repositories }
}

/**
 * Writes the reports as SARIF 2.1.0 to `out` (the report writers and the id helpers load only
 * here, so a table or JSON run never pays for them).
 */
export async function writeModelReportsSarif(
  reports: readonly ModelFileReport[],
  out: NodeJS.WritableStream,
  toolVersion: string,
  repositories: readonly RepositoryReport[] = [],
): Promise<void> {
  const [{ writeReport }, { modelReportsInventory }] = await Promise.all([
    import('./report'),
    import('./model-scan-inventory'),
  ])
  await writeReport('sarif', modelReportsInventory(reports, repositories), out, { toolVersion })
}

/**
 * Exit code of a model scan (files and repositories): 1 malicious or suspicious, else 2 invalid
 * or unreadable, else 0.
 */
export function modelScanExitCode(
  reports: readonly ModelFileReport[],
  repositories: readonly RepositoryReport[] = [],
): 0 | 1 | 2 {
  const verdicts = [...reports, ...repositories].map((r) => r.verdict)
  if (verdicts.some((v) => v === 'malicious' || v === 'suspicious')) return 1
  if (verdicts.some((v) => v === 'invalid')) return 2
  return 0
}
