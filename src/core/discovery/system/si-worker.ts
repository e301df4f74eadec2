import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * systeminformation's GPU query, run in a short-lived Worker thread: loading the library (about
 * 30 ms) and launching its probes (lspci, clinfo, xrandr, each through a shell) then happen beside
 * the crawl on another core instead of on the scan's thread. The library is resolved here and its
 * path handed to the worker, since an eval'd worker resolves modules from the working directory.
 * Rejects if the worker cannot start or dies; the caller then asks on its own thread.
 */
export function graphicsInWorker<T>(
  timeoutMs = 60_000,
  siPath = createRequire(__filename).resolve('systeminformation'),
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let worker: Worker
    try {
      worker = new Worker(
        `const { parentPort, workerData } = require('node:worker_threads')
        require(workerData.siPath).graphics().then(
          (g) => parentPort.postMessage({ ok: true, g }),
          (e) => parentPort.postMessage({ ok: false, error: String((e && e.message) || e) }),
        )`,
        { eval: true, workerData: { siPath } },
      )
    } catch (e) {
      reject(e as Error)
      return
    }
    let settled = false
    const timer = setTimeout(() => settle(new Error('GPU query timed out')), timeoutMs)
    timer.unref()
    const settle = (err: Error | undefined, value?: T): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      void worker.terminate()
      if (err) reject(err)
      else resolve(value as T)
    }
    worker.on('message', (m: { ok: boolean; g?: T; error?: string }) =>
      m.ok ? settle(undefined, m.g) : settle(new Error(m.error ?? 'GPU query failed')),
    )
    worker.on('error', (e) => settle(e))
    worker.on('exit', (code) => settle(new Error(`GPU query worker exited (${code})`)))
  })
}
