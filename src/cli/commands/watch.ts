import { constants, setPriority } from 'node:os'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Db, ScanOptions, ScanSummary, WatchScanRequest } from '../../core'
import {
  createSettingsWatcher,
  deltaRecords,
  DEFAULT_WATCH_BUDGET,
  hasFullScan,
  scan,
  watchScanOptions,
} from '../../core'
import { oneOf, parseArgs, UsageError } from '../args'
import type { Io } from '../io'
import { resolvePath } from '../io'
import { deltaIsEmpty, renderStatusLine, renderTargetLine, renderWatchLine } from '../watch-lines'
import type { WatchLine } from '../watch-lines'
import { openCliDb } from './db'

const SPEC = {
  home: { type: 'string' },
  root: { type: 'list' },
  exclude: { type: 'list' },
  db: { type: 'string' },
  format: { type: 'string' },
  budget: { type: 'string' },
  hash: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const

const FORMATS = ['text', 'json'] as const

/**
 * `aiscout watch`: the desktop app's watcher without the app. Prints one line per rescan that
 * changed the inventory (text, or the scoped-scan delta document as JSON Lines) on stdout, says
 * what it watches on stderr, and exits 0 on SIGINT/SIGTERM once the running rescan has stopped
 * (an interrupted rescan leaves the inventory as it was).
 */
export async function runWatch(argv: readonly string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(argv, SPEC)
  if (positionals.length)
    throw new UsageError(`unexpected argument ${positionals[0]} (use --root DIR)`)
  const format = oneOf(flags.format, FORMATS, 'format', 'text')
  const home = flags.home ? resolvePath(io, flags.home as string) : io.home
  if (!isDir(home)) throw new UsageError(`--home ${home} is not a directory`)
  const roots = ((flags.root as string[] | undefined) ?? []).map((r) => resolvePath(io, r))
  for (const r of roots) if (!isDir(r)) throw new UsageError(`--root ${r} is not a directory`)
  const budget = flags.budget === undefined ? DEFAULT_WATCH_BUDGET : Number(flags.budget)
  if (!Number.isInteger(budget) || budget < 1)
    throw new UsageError(`--budget must be a whole number of folders, got ${flags.budget}`)
  const log = (msg: string): void => {
    if (!flags.quiet) io.stderr.write(`aiscout watch: ${msg}\n`)
  }
  const print = (line: WatchLine): void => {
    if (deltaIsEmpty(line.delta)) return
    io.stdout.write(format === 'json' ? JSON.stringify(line) + '\n' : renderWatchLine(line))
  }

  // A background watcher yields to whatever the user is doing (its rescans hash and parse).
  try {
    setPriority(0, constants.priority.PRIORITY_BELOW_NORMAL)
  } catch {
    // Lowering one's own priority is always allowed; a platform without it keeps the default.
  }

  const { db, path: dbPath } = openCliDb(io, flags.db as string | undefined)
  // The flags, under which the settings saved in this inventory (the app's Settings screen) are
  // merged as `aiscout scan` merges them; the watcher follows them when they are saved again.
  const base: ScanOptions = {
    home,
    roots,
    exclude: flags.exclude as string[] | undefined,
    hash: flags.hash !== false,
    env: io.env,
    analysisWorker: ANALYSIS_WORKER,
  }
  const stopping = new AbortController()
  const onSignal = (): void => stopping.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    if (!hasFullScan(db)) {
      log(
        'no full scan in this inventory yet: scanning everything once (what to watch comes from it)',
      )
      const first = await scan(db, watchScanOptions(db, base), { signal: stopping.signal })
      if (first.status === 'interrupted') return 0
      print(lineFor(db, first, 'first-scan'))
    }
    if (stopping.signal.aborted) return 0
    let lastStatus = ''
    const watcher = createSettingsWatcher({
      db,
      dbPath,
      base,
      budget,
      onEvent: (e) => {
        switch (e.type) {
          case 'scanned':
            if (e.result.status === 'complete') print(lineFor(db, e.result, e.request.reason))
            break
          case 'target': {
            const text = renderTargetLine(e.target, e.state)
            if (text) log(text)
            break
          }
          case 'status': {
            if (e.status.state !== 'watching') break
            const text = renderStatusLine(watcher.status({ countKernelWatches: true }))
            if (text !== lastStatus) log(text)
            lastStatus = text
            break
          }
          case 'error':
            log(e.message)
            break
        }
      },
    })
    stopping.signal.addEventListener('abort', () => void watcher.stop(), { once: true })
    await watcher.start()
    if (!stopping.signal.aborted) {
      await new Promise<void>((resolve) =>
        stopping.signal.addEventListener('abort', () => resolve(), { once: true }),
      )
    }
    await watcher.stop()
    log('stopped')
    return 0
  } finally {
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
    db.close()
  }
}

function lineFor(
  db: Db,
  summary: ScanSummary,
  reason: WatchScanRequest['reason'] | 'first-scan',
): WatchLine {
  return {
    schemaVersion: 1,
    at: new Date().toISOString(),
    reason,
    scan: { id: summary.scanId, scope: summary.scope, durationMs: summary.stats.durationMs },
    delta: deltaRecords(db, summary.delta),
  }
}

/** The built model-analysis worker beside this bundle (see commands/scan.ts). */
const ANALYSIS_WORKER = (() => {
  const p = join(__dirname, 'analysis-worker.js')
  return existsSync(p) ? p : undefined
})()

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}
