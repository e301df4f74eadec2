import { existsSync } from 'node:fs'
import { constants, setPriority } from 'node:os'
import { join } from 'node:path'
import type { FromWatcher, ToWatcher } from './watcher-protocol'
import { acceptedNow, createWatcherRuntime } from './watcher-runtime'

// Below-normal priority before any work starts: threads started later (the thread pool that
// hashes, the model-analysis workers) inherit it on Linux, where a priority is per thread, so
// background rescans and scheduled full scans yield to whatever the user is doing.
try {
  setPriority(0, constants.priority.PRIORITY_BELOW_NORMAL)
} catch {
  // Lowering one's own priority is always allowed; a platform without it keeps the default.
}

/**
 * The watcher process: Electron main starts it as a utility process (`process.parentPort`), tests
 * and plain Node with child_process.fork (`process.send`). It stops when told to, and when its
 * parent goes away (no orphan keeps watching).
 */
type ParentPort = {
  on(e: 'message', cb: (e: { data: unknown }) => void): void
  postMessage(m: unknown): void
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort

const post = (m: FromWatcher): void => {
  if (parentPort) parentPort.postMessage(m)
  // The parent may be gone already (it is stopping us, or it died): nothing to tell then.
  else if (process.connected) process.send?.(m, undefined, undefined, () => undefined)
}

// The model-analysis worker is built beside this file (electron.vite.config.ts): model files are
// then scanned in worker threads under a memory cap, as in the scan worker.
const analysisWorker = join(__dirname, 'analysis-worker.js')
const runtime = createWatcherRuntime({
  post,
  isAccepted: acceptedNow,
  scanExtras: existsSync(analysisWorker) ? { analysisWorker } : {},
})
let stopping: Promise<void> | undefined
const stop = (): Promise<void> => {
  stopping ??= runtime.stop().then(() => {
    // Let the last message leave before the process ends.
    setTimeout(() => process.exit(0), 50)
  })
  return stopping
}

// Messages are handled one after another: a pause sent during start waits for it.
let chain: Promise<unknown> = Promise.resolve()
const handle = (m: ToWatcher): void => {
  chain = chain
    .then(async () => {
      switch (m.type) {
        case 'start':
          return runtime.start(m.config)
        case 'configure':
          return runtime.configure(m.config)
        case 'settings-changed':
          return runtime.reloadSettings()
        case 'pause':
          return runtime.pause(m.until)
        case 'resume':
          return runtime.resume()
        case 'full-scan':
          // Not awaited: pause, resume and stop must not wait for a whole scan.
          void runtime.fullScan()
          return
        case 'hold':
          return runtime.hold()
        case 'release':
          return runtime.release()
        case 'stop':
          return stop()
      }
    })
    .catch((e: Error) => post({ type: 'log', level: 'error', message: e.message }))
}

if (parentPort) parentPort.on('message', (e) => handle(e.data as ToWatcher))
else {
  process.on('message', (m) => handle(m as ToWatcher))
  process.on('disconnect', () => void stop())
}
process.on('SIGTERM', () => void stop())
