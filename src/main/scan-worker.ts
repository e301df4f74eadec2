import { statSync } from 'node:fs'
import { join } from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'
import { openDb, readSettings, recordPolicyFacts, scan, scanOptionsFromSettings } from '../core'
import type { WorkerControl, WorkerMessage, WorkerRequest } from './worker-protocol'

/**
 * Scan worker: keeps the synchronous SQLite writes and file parsing off the Electron main
 * thread. One scan per worker; the main process starts a new worker for the next scan. The
 * settings saved in the inventory (roots, exclusions, hashing, probes) apply, merged the same
 * way the CLI merges them.
 */
async function run(req: WorkerRequest): Promise<void> {
  const post = (m: WorkerMessage): void => parentPort!.postMessage(m)
  const ac = new AbortController()
  parentPort!.on('message', (m: WorkerControl) => {
    if (m.type === 'cancel') ac.abort()
  })
  let db
  try {
    db = openDb(req.dbPath, { nativeBinding: req.nativeBinding })
    const opts = scanOptionsFromSettings(readSettings(db))
    // What the scan-settings policy reads: this device's full scans hash per the setting.
    if (!req.paths) recordPolicyFacts(db, { hashing: opts.hash })
    // A saved root that is gone (unmounted disk, deleted folder) is reported, not fatal.
    const missingRoots = opts.roots.filter((r) => !isDir(r))
    post({ type: 'started', missingRoots })
    const summary = await scan(
      db,
      {
        home: req.home,
        roots: opts.roots.filter((r) => !missingRoots.includes(r)),
        exclude: opts.exclude,
        hash: opts.hash,
        verifyDigests: opts.verifyDigests,
        runVersionCommands: opts.runVersionCommands,
        identifyServers: opts.identifyServers,
        scanSource: opts.scanSource,
        scanEnvironment: opts.scanEnvironment,
        // "Rescan this file": a scoped scan of the paths, which changes nothing outside them.
        // The model-analysis worker is built beside this file (electron.vite.config.ts).
        analysisWorker: join(__dirname, 'analysis-worker.js'),
        ...(req.paths ? { scope: { kind: 'paths' as const, paths: req.paths } } : {}),
      },
      { signal: ac.signal, onProgress: (progress) => post({ type: 'progress', progress }) },
    )
    post({
      type: 'done',
      scanId: summary.scanId,
      status: summary.status,
      stats: summary.stats,
      missingRoots,
      delta: summary.delta,
    })
  } catch (e) {
    post({ type: 'error', message: (e as Error).message ?? String(e) })
  } finally {
    db?.close()
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

if (parentPort) void run(workerData as WorkerRequest)
