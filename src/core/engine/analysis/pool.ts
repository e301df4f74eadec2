import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { ModelFileReport } from '../../scanners/types'
import type { ScanFileFn } from '.'
import type { AnalysisReply, AnalysisRequest } from './protocol'

export type AnalysisLimits = Readonly<{
  /** Heap cap of each worker (V8 old generation), MiB. */
  memoryMb?: number
  /** Longest one file may take, ms. */
  timeoutMs?: number
  /** Worker threads (default: one per spare core, at most two). */
  workers?: number
}>

/**
 * Above what any model file this project scans needs (the 200 MB pickle of small objects peaks at
 * about 150 MB of RSS), below what would endanger the machine.
 */
export const DEFAULT_ANALYSIS_MEMORY_MB = 512
/** A file still being parsed after this long is reported and its worker replaced. */
export const DEFAULT_ANALYSIS_TIMEOUT_MS = 300_000

type Pending = {
  req: AnalysisRequest
  resolve(r: ModelFileReport): void
  timer?: NodeJS.Timeout
}
type Slot = { worker: Worker; busy?: Pending }

/** A report for a file whose analysis could not finish: never safe, never cached. */
export function failedAnalysis(path: string, message: string): ModelFileReport {
  return {
    path,
    format: 'unknown',
    verdict: 'invalid',
    findings: [{ ruleId: 'engine.analysis-failed', severity: 'high', message }],
    error: 'analysis-failed',
  }
}

/**
 * Model files are scanned in worker threads so that one file can never end the scan: a scanner
 * that throws, exhausts its heap cap or runs past the time limit costs its worker (replaced for
 * the next file), and the file gets an `engine.analysis-failed` finding. Cancelling terminates
 * the workers at once, whatever they are parsing.
 */
export function createAnalysisPool(
  workerPath: string,
  limits: AnalysisLimits = {},
  signal?: AbortSignal,
): Readonly<{ scanFile: ScanFileFn; close(): Promise<void> }> {
  const memoryMb = limits.memoryMb ?? DEFAULT_ANALYSIS_MEMORY_MB
  const timeoutMs = limits.timeoutMs ?? DEFAULT_ANALYSIS_TIMEOUT_MS
  const size = limits.workers ?? Math.max(1, Math.min(2, availableParallelism() - 1))
  const slots: Slot[] = []
  const queue: Pending[] = []
  let nextId = 1
  let closed = false

  const finish = (slot: Slot, report: ModelFileReport): void => {
    const p = slot.busy
    if (!p) return
    slot.busy = undefined
    clearTimeout(p.timer)
    p.resolve(report)
    pump()
  }
  /** The worker is gone (crashed, out of memory, timed out): its file fails, a new one takes over. */
  const lose = (slot: Slot, message: string): void => {
    const at = slots.indexOf(slot)
    if (at >= 0) slots.splice(at, 1)
    slot.worker.removeAllListeners()
    void slot.worker.terminate()
    const p = slot.busy
    if (p) {
      slot.busy = undefined
      clearTimeout(p.timer)
      p.resolve(failedAnalysis(p.req.path, message))
    }
    pump()
  }
  const start = (): Slot => {
    const worker = new Worker(workerPath, {
      resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 32 },
    })
    const slot: Slot = { worker }
    worker.on('message', (m: AnalysisReply) => {
      if (slot.busy?.req.id !== m.id) return
      finish(
        slot,
        'report' in m
          ? m.report
          : failedAnalysis(slot.busy.req.path, `The analysis failed: ${m.error}`),
      )
    })
    worker.on('error', (e: Error & { code?: string }) =>
      lose(
        slot,
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `The analysis needed more than its ${memoryMb} MiB memory limit and was stopped`
          : `The analysis crashed: ${e.message}`,
      ),
    )
    worker.on('exit', (code) => lose(slot, `The analysis worker exited (code ${code})`))
    slots.push(slot)
    return slot
  }
  const pump = (): void => {
    while (!closed && queue.length > 0) {
      let slot = slots.find((s) => !s.busy)
      if (!slot && slots.length < size) slot = start()
      if (!slot) return
      const p = queue.shift()!
      slot.busy = p
      const s = slot
      p.timer = setTimeout(
        () => lose(s, `The analysis did not finish within ${Math.round(timeoutMs / 1000)} s`),
        timeoutMs,
      )
      slot.worker.postMessage(p.req)
    }
  }
  const close = async (): Promise<void> => {
    closed = true
    const all = slots.splice(0)
    for (const s of all) {
      s.worker.removeAllListeners()
      clearTimeout(s.busy?.timer)
      s.busy?.resolve(failedAnalysis(s.busy.req.path, 'The analysis was cancelled'))
    }
    for (const p of queue.splice(0))
      p.resolve(failedAnalysis(p.req.path, 'The analysis was cancelled'))
    await Promise.all(all.map((s) => s.worker.terminate()))
  }
  signal?.addEventListener('abort', () => void close(), { once: true })
  return {
    scanFile: (path, o) =>
      closed
        ? Promise.resolve(failedAnalysis(path, 'The analysis was cancelled'))
        : new Promise<ModelFileReport>((resolve) => {
            queue.push({ req: { id: nextId++, path, fileName: o.fileName }, resolve })
            pump()
          }),
    close,
  }
}
