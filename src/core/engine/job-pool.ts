/**
 * A small bounded async work pool with back-pressure, so the crawl never holds more than
 * `highWater` pending jobs (memory stays flat on a 300k-file home).
 */
export type JobPool = Readonly<{
  /** `label` (the file the job analyses) is handed to onError when the job fails. */
  push(job: () => Promise<void>, label?: string): void
  /** True when the producer should stop and wait. */
  saturated(): boolean
  /** Resolves when pending work fell below the low-water mark. */
  drained(): Promise<void>
  /** Resolves when every job has finished. */
  idle(): Promise<void>
}>

export function createJobPool(opts: {
  concurrency: number
  highWater?: number
  lowWater?: number
  onError(e: unknown, label: string | undefined): void
  /** Once aborted, queued jobs are dropped and new ones are not started. */
  signal?: AbortSignal
}): JobPool {
  const high = opts.highWater ?? 2000
  const low = opts.lowWater ?? 500
  const queue: { job: () => Promise<void>; label?: string }[] = []
  let running = 0
  let drainWaiters: (() => void)[] = []
  let idleWaiters: (() => void)[] = []
  const notify = (): void => {
    if (queue.length <= low && drainWaiters.length) {
      const w = drainWaiters
      drainWaiters = []
      for (const f of w) f()
    }
    if (queue.length === 0 && running === 0 && idleWaiters.length) {
      const w = idleWaiters
      idleWaiters = []
      for (const f of w) f()
    }
  }
  const next = (): void => {
    if (opts.signal?.aborted) queue.length = 0
    while (running < opts.concurrency && queue.length > 0) {
      const { job, label } = queue.shift()!
      running++
      let p: Promise<void>
      try {
        p = job()
      } catch (e) {
        p = Promise.reject(e)
      }
      p.catch((e: unknown) => {
        try {
          opts.onError(e, label)
        } catch {
          // Reporting the failure failed too (the store is gone): nothing more to do for it.
        }
      }).finally(() => {
        running--
        next()
        notify()
      })
    }
  }
  opts.signal?.addEventListener(
    'abort',
    () => {
      queue.length = 0
      notify()
    },
    { once: true },
  )
  return {
    push(job, label) {
      if (opts.signal?.aborted) return
      queue.push({ job, label })
      next()
    },
    saturated: () => queue.length >= high,
    drained: () =>
      queue.length <= low ? Promise.resolve() : new Promise<void>((r) => drainWaiters.push(r)),
    idle: () =>
      queue.length === 0 && running === 0
        ? Promise.resolve()
        : new Promise<void>((r) => idleWaiters.push(r)),
  }
}
