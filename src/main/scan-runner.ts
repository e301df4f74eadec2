import { Worker } from 'node:worker_threads'
import type { ScanProgress } from '../core'
import type { ScanOutcome, ScanState } from '../shared/ipc'
import type { WorkerControl, WorkerMessage, WorkerRequest } from './worker-protocol'

export type ScanRunner = Readonly<{
  /** Runs a scan in a worker; resolves when it ends. A second start while one runs gets `busy`. */
  start(req: Readonly<{ paths?: readonly string[] }>): Promise<ScanOutcome>
  cancel(): boolean
  state(): ScanState
  running(): boolean
  close(): Promise<void>
}>

export type ScanRunnerDeps = Readonly<{
  workerPath: string
  dbPath: string
  home: string
  nativeBinding?: string
  onProgress(p: ScanProgress): void
  onState(s: ScanState): void
  /** A scan completed: the inventory changed. */
  onComplete(outcome: ScanOutcome): void
  now?(): Date
}>

/** One scan at a time, in the scan worker; its state is what the Overview and status line show. */
export function createScanRunner(deps: ScanRunnerDeps): ScanRunner {
  let current:
    | { worker: Worker; startedAt: string; scope: 'full' | 'paths'; progress?: ScanProgress }
    | undefined
  let last: ScanOutcome | undefined
  const now = deps.now ?? (() => new Date())

  const state = (): ScanState =>
    current
      ? {
          running: true,
          startedAt: current.startedAt,
          scope: current.scope,
          ...(current.progress ? { progress: current.progress } : {}),
        }
      : { running: false, ...(last ? { last } : {}) }

  return {
    state,
    running: () => current !== undefined,
    cancel() {
      if (!current) return false
      current.worker.postMessage({ type: 'cancel' } satisfies WorkerControl)
      return true
    },
    async start(req) {
      if (current) return { kind: 'busy', message: 'A scan is already running.' }
      const wr: WorkerRequest = {
        type: 'scan',
        dbPath: deps.dbPath,
        home: deps.home,
        ...(deps.nativeBinding ? { nativeBinding: deps.nativeBinding } : {}),
        ...(req.paths ? { paths: req.paths } : {}),
      }
      const worker = new Worker(deps.workerPath, { workerData: wr })
      const run = {
        worker,
        startedAt: now().toISOString(),
        scope: req.paths ? ('paths' as const) : ('full' as const),
      }
      current = run
      deps.onState(state())
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
              case 'started':
                break
              case 'progress':
                if (current === run) current.progress = m.progress
                deps.onProgress(m.progress)
                break
              case 'done':
                settle(
                  m.status === 'interrupted'
                    ? { kind: 'interrupted', scanId: m.scanId }
                    : {
                        kind: 'complete',
                        scanId: m.scanId,
                        scope: run.scope,
                        stats: m.stats,
                        missingRoots: m.missingRoots,
                        delta: {
                          assetsAdded: m.delta.assets.added.length,
                          assetsChanged: m.delta.assets.changed.length,
                          assetsGone: m.delta.assets.gone.length,
                          findingsOpened: m.delta.findings.opened.length,
                          findingsResolved: m.delta.findings.resolved.length,
                        },
                      },
                )
                break
              case 'error':
                settle({ kind: 'failed', message: m.message })
                break
            }
          })
          worker.on('error', (e) => settle({ kind: 'failed', message: e.message }))
          worker.on('exit', (code) =>
            settle({
              kind: 'failed',
              message: `the scan worker stopped unexpectedly (exit code ${code})`,
            }),
          )
        })
        last = outcome
        return outcome
      } finally {
        current = undefined
        void worker.terminate()
        deps.onState(state())
        if (last?.kind === 'complete') deps.onComplete(last)
      }
    },
    async close() {
      if (current) {
        current.worker.postMessage({ type: 'cancel' } satisfies WorkerControl)
        await current.worker.terminate()
      }
    },
  }
}
