/**
 * A small bounded async work pool with back-pressure, so the crawl never holds more than
 * `highWater` pending jobs (memory stays flat on a 300k-file home).
 */
export type JobPool = Readonly<{
  push(job: () => Promise<void>): void
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
  onError(e: unknown): void
}): JobPool {
  const high = opts.highWater ?? 2000
  const low = opts.lowWater ?? 500
  const queue: (() => Promise<void>)[] = []
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
    while (running < opts.concurrency && queue.length > 0) {
      const job = queue.shift()!
      running++
      job()
        .catch(opts.onError)
        .finally(() => {
          running--
          next()
          notify()
        })
    }
  }
  return {
    push(job) {
      queue.push(job)
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
