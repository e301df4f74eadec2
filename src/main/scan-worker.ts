import { join } from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'
import { openDb, scan } from '../core'
import type { WorkerControl, WorkerMessage, WorkerRequest } from './worker-protocol'

/**
 * Scan worker: keeps the synchronous SQLite writes and file parsing off the Electron main
 * thread. One scan per worker; the main process starts a new worker for the next scan.
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
    const summary = await scan(
      db,
      // The model-analysis worker is built beside this file (electron.vite.config.ts).
      { home: req.home, analysisWorker: join(__dirname, 'analysis-worker.js') },
      { signal: ac.signal, onProgress: (progress) => post({ type: 'progress', progress }) },
    )
    post({ type: 'done', scanId: summary.scanId, status: summary.status })
  } catch (e) {
    post({ type: 'error', message: (e as Error).message ?? String(e) })
  } finally {
    db?.close()
  }
}

if (parentPort) void run(workerData as WorkerRequest)
