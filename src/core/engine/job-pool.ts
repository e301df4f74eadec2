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
  /** The most jobs that were ever queued (not yet started) at once: back-pressure's bound. */
  peakQueued(): number
}>

type Queued = { job: () => Promise<void>; label?: string }

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
  // A FIFO read from a head index: Array.shift() moves every entry, which turns a producer that
  // outruns the gate (a folder of a million files) quadratic. The read part is dropped once it is
  // most of the array, so memory stays proportional to what is queued.
  let queue: (Queued | undefined)[] = []
  let head = 0
  let peak = 0
  const length = (): number => queue.length - head
  const clear = (): void => {
    queue = []
    head = 0
  }
  const take = (): Queued => {
    const q = queue[head]!
    queue[head++] = undefined
    if (head >= 1024 && head * 2 >= queue.length) {
      queue = queue.slice(head)
      head = 0
    }
    return q
  }
  let running = 0
  let drainWaiters: (() => void)[] = []
  let idleWaiters: (() => void)[] = []
  const notify = (): void => {
    if (length() <= low && drainWaiters.length) {
      const w = drainWaiters
      drainWaiters = []
      for (const f of w) f()
    }
    if (length() === 0 && running === 0 && idleWaiters.length) {
      const w = idleWaiters
      idleWaiters = []
      for (const f of w) f()
    }
  }
  const next = (): void => {
    if (opts.signal?.aborted) clear()
    while (running < opts.concurrency && length() > 0) {
      const { job, label } = take()
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
      clear()
      notify()
    },
    { once: true },
  )
  return {
    push(job, label) {
      if (opts.signal?.aborted) return
      queue.push({ job, label })
      if (length() > peak) peak = length()
      next()
    },
    saturated: () => length() >= high,
    drained: () =>
      length() <= low ? Promise.resolve() : new Promise<void>((r) => drainWaiters.push(r)),
    idle: () =>
      length() === 0 && running === 0
        ? Promise.resolve()
        : new Promise<void>((r) => idleWaiters.push(r)),
    peakQueued: () => peak,
  }
}
