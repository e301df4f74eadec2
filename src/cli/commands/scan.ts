import { existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { ScanScope, ScanSummary } from '../../core'
import {
  acceptanceOf,
  atLeast,
  deltaRecords,
  openInventoryReader,
  readSettings,
  recordPolicyFacts,
  scan,
  scanOptionsFromSettings,
  ScopeError,
} from '../../core'
import { oneOf, parseArgs, UsageError } from '../args'
import type { DeltaDocument } from '../delta'
import { renderDeltaTable } from '../delta'
import { coverageLine } from '../table'
import type { Io } from '../io'
import { resolvePath } from '../io'
import { createProgressLine, formatBytes, openOutput } from '../output'
import { openCliDb } from './db'
import { emitInventory, SCAN_FORMATS } from './report-out'

const SPEC = {
  home: { type: 'string' },
  root: { type: 'list' },
  exclude: { type: 'list' },
  path: { type: 'list' },
  locator: { type: 'list' },
  db: { type: 'string' },
  hash: { type: 'boolean' },
  'verify-digests': { type: 'boolean' },
  'run-versions': { type: 'boolean' },
  'scan-env': { type: 'boolean' },
  'scan-source': { type: 'boolean' },
  'identify-servers': { type: 'boolean' },
  format: { type: 'string' },
  out: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  sync: { type: 'boolean' },
  server: { type: 'string' },
  'enroll-secret': { type: 'string' },
} as const

export async function runScan(argv: readonly string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(argv, SPEC)
  if (positionals.length)
    throw new UsageError(`unexpected argument ${positionals[0]} (use --root DIR)`)
  const format = oneOf(flags.format, SCAN_FORMATS, 'format', 'table')
  const home = flags.home ? resolvePath(io, flags.home as string) : io.home
  if (!isDir(home)) throw new UsageError(`--home ${home} is not a directory`)
  const roots = ((flags.root as string[] | undefined) ?? []).map((r) => resolvePath(io, r))
  for (const r of roots) if (!isDir(r)) throw new UsageError(`--root ${r} is not a directory`)
  const scope = scopeOf(io, flags)
  if (scope.kind !== 'full' && format !== 'table' && format !== 'json')
    throw new UsageError(
      '--path and --locator print what the scan changed: use --format table or json',
    )
  if ((flags.server !== undefined || flags['enroll-secret'] !== undefined) && flags.sync !== true) {
    throw new UsageError('--server and --enroll-secret go with --sync')
  }
  const { db, path: dbPath } = openCliDb(io, flags.db as string | undefined)
  try {
    // The settings saved in this inventory (the desktop app's Settings screen) apply here too;
    // flags add to them for this run.
    const opts = scanOptionsFromSettings(readSettings(db), {
      roots,
      exclude: flags.exclude as string[] | undefined,
      hash: flags.hash !== false,
      verifyDigests: flags['verify-digests'] === true,
      runVersions: flags['run-versions'] === true,
      scanEnv: flags['scan-env'] === true,
      scanSource: flags['scan-source'] === true,
      identifyServers: flags['identify-servers'] === true,
    })
    // The scan-settings policy judges whether this device hashes model files (a full scan only:
    // a scoped rescan says nothing about the device's setting).
    if (scope.kind === 'full') recordPolicyFacts(db, { hashing: opts.hash })
    const scanRoots = opts.roots.filter((r) => {
      if (isDir(r)) return true
      io.stderr.write(`aiscout: saved scan root ${r} is not a directory any more; skipped\n`)
      return false
    })
    const syncFlags = {
      server: flags.server as string | undefined,
      enrollSecret: flags['enroll-secret'] as string | undefined,
      quiet: flags.quiet === true,
    }
    if (flags.sync === true)
      await (await import('./sync')).enrollBeforeScan(io, db, dbPath, syncFlags)
    const ac = new AbortController()
    const onSigint = (): void => ac.abort()
    process.once('SIGINT', onSigint)
    const bar = flags.quiet ? undefined : createProgressLine()
    let summary
    try {
      summary = await scan(
        db,
        {
          home,
          roots: scanRoots,
          exclude: opts.exclude,
          hash: opts.hash,
          verifyDigests: opts.verifyDigests,
          runVersionCommands: opts.runVersionCommands,
          scanEnvironment: opts.scanEnvironment,
          scanSource: opts.scanSource,
          identifyServers: opts.identifyServers,
          env: io.env,
          scope,
          analysisWorker: ANALYSIS_WORKER,
        },
        {
          signal: ac.signal,
          onProgress: (p) =>
            bar?.update(
              `${p.phase}  ${p.filesSeen} files  ${p.assets} assets  ${p.findings} findings  ${formatBytes(p.bytesHashed)} hashed  ${p.currentPath ?? ''}`,
            ),
        },
      )
    } catch (e) {
      if (e instanceof ScopeError) throw new UsageError(e.message)
      throw e
    } finally {
      bar?.done()
      process.removeListener('SIGINT', onSigint)
    }
    if (summary.status === 'interrupted') {
      io.stderr.write('aiscout: scan interrupted; the previous inventory was kept\n')
      return 2
    }
    let code: number
    if (scope.kind !== 'full') {
      code = await emitDelta(io, db, summary, format, flags.out as string | undefined)
    } else {
      const inv = openInventoryReader(db)
      await emitInventory(io, inv, format, flags.out as string | undefined, {
        repoRoot: repoRootOf(scanRoots),
      })
      // The table carries the coverage line; with a report format it goes to a watching terminal.
      if (format !== 'table' && !flags.quiet && (io.stderr as { isTTY?: boolean }).isTTY)
        io.stderr.write(`aiscout: ${coverageLine(inv.scan.stats, inv.skipped())}\n`)
      // Findings whose risk a user accepted do not fail the run.
      let worst = false
      for (const f of inv.findings()) {
        if (atLeast(f.severity, 'medium') && !acceptanceOf(inv, f)) {
          worst = true
          break
        }
      }
      code = worst ? 1 : 0
    }
    if (flags.sync !== true) return code
    // Sync failures win over findings: 2 unreachable (outbox kept), 1 refused.
    const { syncInventory } = await import('./sync')
    const synced = await syncInventory(io, db, dbPath, syncFlags)
    return synced === 0 ? code : Math.max(code, synced)
  } finally {
    db.close()
  }
}

/**
 * The built model-analysis worker, beside this bundle (out/cli). Absent when the CLI runs from
 * sources; the engine then scans model files on its own thread.
 */
const ANALYSIS_WORKER = (() => {
  const p = join(__dirname, 'analysis-worker.js')
  return existsSync(p) ? p : undefined
})()

function scopeOf(io: Io, flags: Record<string, unknown>): ScanScope {
  const paths = (flags.path as string[] | undefined) ?? []
  const ids = (flags.locator as string[] | undefined) ?? []
  if (paths.length && ids.length) throw new UsageError('use --path or --locator, not both')
  if (paths.length) return { kind: 'paths', paths: paths.map((p) => resolvePath(io, p)) }
  if (ids.length) return { kind: 'locators', ids }
  return { kind: 'full' }
}

/** Prints what a scoped scan changed; exit 1 when it opened or changed a finding at medium or above. */
async function emitDelta(
  io: Io,
  db: Parameters<typeof deltaRecords>[0],
  summary: ScanSummary,
  format: string,
  out: string | undefined,
): Promise<number> {
  const doc: DeltaDocument = {
    schemaVersion: 1,
    scan: { id: summary.scanId, scope: summary.scope, durationMs: summary.stats.durationMs },
    delta: deltaRecords(db, summary.delta),
  }
  const text = format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : renderDeltaTable(doc)
  const o = out ? openOutput(resolvePath(io, out)) : { stream: io.stdout, close: async () => {} }
  o.stream.write(text)
  await o.close()
  const worse = [...doc.delta.findings.opened, ...doc.delta.findings.changed]
  return worse.some((f) => atLeast(f.severity, 'medium')) ? 1 : 0
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** SARIF paths are repo-relative when the (single) extra root lies inside a git checkout. */
function repoRootOf(roots: readonly string[]): string | undefined {
  if (roots.length !== 1) return undefined
  let d = roots[0]!
  for (;;) {
    if (existsSync(join(d, '.git'))) return d
    const up = dirname(d)
    if (up === d) return undefined
    d = up
  }
}
