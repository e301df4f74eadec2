import { Worker } from 'node:worker_threads'
import { openDb } from '../core/store'
import type { ScanProgress } from '../core/store'
import type { IpcHandlers, ScanOutcome } from '../shared/ipc'
import { readSummary } from './summary'
import type { WorkerControl, WorkerMessage, WorkerRequest } from './worker-protocol'

export type HandlerDeps = Readonly<{
  dbPath: string
  home: string
  /** Path of the built scan worker (out/main/scan-worker.js). */
  workerPath: string
  /** Electron-ABI better-sqlite3 binding, undefined under plain Node. */
  nativeBinding?: string
  emitProgress(p: ScanProgress): void
}>

/** The inventory and scan channels; the background ones come from createBackground. */
export type ScanHandlers = Pick<IpcHandlers, 'inventory:summary' | 'scan:start' | 'scan:cancel'>

/**
 * The IPC handler table: pure Node (no electron import), registered by Electron main with
 * ipcMain.handle and by the browser tests through page.exposeBinding, so both run the same code.
 */
export function createHandlers(deps: HandlerDeps): ScanHandlers {
  let running: Worker | undefined
  return {
    async 'inventory:summary'() {
      const db = openDb(deps.dbPath, { nativeBinding: deps.nativeBinding })
      try {
        return readSummary(db, deps.dbPath)
      } finally {
        db.close()
      }
    },
    async 'scan:start'() {
      if (running)
        return { kind: 'failed', message: 'a scan is already running' } satisfies ScanOutcome
      const req: WorkerRequest = {
        type: 'scan',
        dbPath: deps.dbPath,
        home: deps.home,
        nativeBinding: deps.nativeBinding,
      }
      const worker = new Worker(deps.workerPath, { workerData: req })
      running = worker
      try {
        const outcome = await new Promise<ScanOutcome>((resolve) => {
          let settled = false
          const settle = (o: ScanOutcome): void => {
            if (!settled) {
              settled = true
              resolve(o)
            }
          }
          worker.on('message', (m: WorkerMessage) => {
            switch (m.type) {
              case 'progress':
                deps.emitProgress(m.progress)
                break
              case 'done':
                if (m.status === 'interrupted') settle({ kind: 'interrupted', scanId: m.scanId })
                else {
                  const db = openDb(deps.dbPath, { nativeBinding: deps.nativeBinding })
                  try {
                    settle({
                      kind: 'complete',
                      scanId: m.scanId,
                      summary: readSummary(db, deps.dbPath),
                    })
                  } finally {
                    db.close()
                  }
                }
                break
              case 'error':
                settle({ kind: 'failed', message: m.message })
                break
            }
          })
          worker.on('error', (e) => settle({ kind: 'failed', message: e.message }))
          worker.on('exit', (code) =>
            settle({ kind: 'failed', message: `scan worker exited with code ${code}` }),
          )
        })
        return outcome
      } finally {
        running = undefined
        void worker.terminate()
      }
    },
    async 'scan:cancel'() {
      if (!running) return false
      running.postMessage({ type: 'cancel' } satisfies WorkerControl)
      return true
    },
  }
}
