import { isPrunedDir } from '../engine/prune'
import { createDirBudget } from './budget'
import { changedSince, scopeFor } from './changes'
import { countInotifyWatches, inotifyLimits } from './inotify'
import type { SettleOptions } from './settle'
import { createSettler } from './settle'
import { createTargetSet } from './targets'
import type { SkipDir } from './tree-dirs'
import type { TargetState, WatchStatus, WatchTarget } from './types'

/** The default watch budget: folders watched at most (one OS watch each). */
export const DEFAULT_WATCH_BUDGET = 8192
/**
 * The budget actually used: inotify watches are shared by every process of the user, and an
 * older kernel's default limit is 8,192 in all, so the watcher never takes more than a quarter of
 * the limit and leaves the rest to the user's IDE, dev servers and sync clients.
 */
export function effectiveBudget(configured: number, osLimit: number | undefined): number {
  if (!osLimit || !Number.isFinite(osLimit)) return configured
  return Math.max(1, Math.min(configured, Math.floor(osLimit / 4)))
}

/** How often a root too big for the budget is rescanned instead. */
export const DEFAULT_DEGRADED_EVERY_MS = 30 * 60_000
/** How often the plan is rebuilt from the inventory when nothing asked for it. */
const REPLAN_EVERY_MS = 10 * 60_000

/** Why a rescan runs. */
export type WatchScanReason =
  | 'change'
  | 'catch-up'
  | 'resume'
  | 'periodic'
  /** The settings changed: roots added or removed, exclusions changed (see settingsRescanPaths). */
  | 'settings'
  /** The SHA-256 of model files a rescan committed with their digest pending (see deferDigests). */
  | 'digest'

export type WatchScanRequest = Readonly<{ paths: readonly string[]; reason: WatchScanReason }>

export type WatchEvent<R> =
  | Readonly<{ type: 'status'; status: WatchStatus }>
  | Readonly<{ type: 'scanned'; request: WatchScanRequest; result: R }>
  | Readonly<{ type: 'target'; target: WatchTarget; state: TargetState }>
  | Readonly<{ type: 'error'; message: string }>

export type WatchServiceOptions<R> = Readonly<{
  /** The folders to watch, rebuilt after every rescan and on refresh() (see planWatchSet). */
  plan(): readonly WatchTarget[] | Promise<readonly WatchTarget[]>
  /** Runs one scoped rescan over `request.paths` (never two at once). */
  runScan(request: WatchScanRequest, signal: AbortSignal): Promise<R>
  /** Folders watched at most (default 8,192; never more than a quarter of the OS's per-user limit). */
  budget?: number
  /** The OS's per-user limit of watches (default: read from /proc on Linux; tests pass their own). */
  osWatchLimit?: number
  /** Folders left out of watched trees (default: the crawl's pruning rules). */
  skipDir?: SkipDir
  /** Paths whose events are not the watcher's business (the inventory database itself). */
  ignorePath?(path: string): boolean
  settle?: SettleOptions
  degradedEveryMs?: number
  /** At start, rescan what changed in the watched folders since this time (the last scan). */
  since?: number
  /**
   * What the inventory knows, by folder (see changedSince): asked once per rescan of what changed
   * while paused or stopped.
   */
  knownPaths?(): (dir: string) => Iterable<string>
  onEvent?(e: WatchEvent<R>): void
}>

export type WatchService = Readonly<{
  /** Sizes and watches the plan (resolves once every watch is in place) and catches up. */
  start(): Promise<void>
  /** Stops watching (no events, no watches held) until resume(), or until `untilMs`. */
  pause(untilMs?: number): Promise<void>
  /** Watches again and rescans what changed while paused. */
  resume(): Promise<void>
  /** Rebuilds the plan (after a full scan elsewhere changed what the inventory knows). */
  refresh(): Promise<void>
  /** Queues a rescan of `paths` (run once nothing else runs; while paused, on resume). */
  rescan(paths: readonly string[], reason: WatchScanReason): void
  /** Holds rescans while a full scan runs elsewhere; events keep being collected. */
  hold(): void
  release(): void
  /** Resolves when nothing is waiting and no rescan runs. */
  idle(): Promise<void>
  status(o?: Readonly<{ countKernelWatches?: boolean }>): WatchStatus
  stop(): Promise<void>
}>

/**
 * The background watcher: watches the planned folders (folders only, within the budget),
 * debounces their events per path until each writer went quiet, and runs one scoped rescan at
 * a time over what changed; roots too big for the budget are rescanned periodically instead. It
 * holds no timer while nothing happens, apart from the slow replan and the degraded roots'
 * rescans.
 */
export function createWatchService<R>(o: WatchServiceOptions<R>): WatchService {
  const emit = (e: WatchEvent<R>): void => o.onEvent?.(e)
  const budget = createDirBudget(
    effectiveBudget(
      o.budget ?? DEFAULT_WATCH_BUDGET,
      o.osWatchLimit ?? inotifyLimits().maxUserWatches,
    ),
  )
  const skipDir: SkipDir =
    o.skipDir ?? ((_p: string, name: string, parent: string) => isPrunedDir(name, parent))
  const degradedEveryMs = o.degradedEveryMs ?? DEFAULT_DEGRADED_EVERY_MS
  let state: WatchStatus['state'] = 'starting'
  let pausedAt = 0
  let pausedUntil: number | undefined
  let resumeTimer: NodeJS.Timeout | undefined
  let periodic: NodeJS.Timeout | undefined
  let replanTimer: NodeJS.Timeout | undefined
  let holds = 0
  const queue = new Map<string, WatchScanRequest['reason']>()
  let running: Promise<void> | undefined
  /** Set while the running rescan only computes digests: aborting it lets a change go first. */
  let preemptible: AbortController | undefined
  const scanAbort = new AbortController()
  let idleWaiters: Array<() => void> = []
  // start/pause/resume/refresh/stop run one after the other.
  let ops: Promise<unknown> = Promise.resolve()
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = ops.then(fn, fn)
    ops = p.catch(() => undefined)
    return p
  }

  const touch = (path: string): void => {
    if (state !== 'watching' || o.ignorePath?.(path)) return
    settler.touch(path)
  }
  const settler = createSettler((batch) => {
    for (const s of batch) enqueue(s.path, 'change')
    kick()
  }, o.settle)
  const targets = createTargetSet({
    budget,
    skipDir,
    degradedEveryMs,
    onTouch: touch,
    onState: (target, s) => emit({ type: 'target', target, state: s }),
    onError: (e) => emit({ type: 'error', message: e.message }),
  })

  const enqueue = (path: string, reason: WatchScanRequest['reason']): void => {
    const had = queue.get(path)
    // Anything else that rescans a path runs sooner than its pending digest.
    if (had === undefined || (had === 'digest' && reason !== 'digest')) queue.set(path, reason)
  }

  const status = (so: Readonly<{ countKernelWatches?: boolean }> = {}): WatchStatus => ({
    state,
    pausedUntil,
    watchedDirs: budget.used(),
    budget: budget.limit,
    inotifyWatches: so.countKernelWatches ? countInotifyWatches() : undefined,
    targets: targets.status(),
    pending: settler.pending() + queue.size,
    scanning: running !== undefined,
  })
  const emitStatus = (): void => emit({ type: 'status', status: status() })

  const busy = (): boolean =>
    running !== undefined ||
    settler.pending() > 0 ||
    (queue.size > 0 && state === 'watching' && holds === 0)
  const settleIdle = (): void => {
    if (busy()) return
    const w = idleWaiters
    idleWaiters = []
    for (const f of w) f()
  }

  const kick = (): void => {
    // A digest being computed gives way to anything else: it is stopped (an interrupted rescan
    // changes nothing), the change is scanned, and the digest starts again after it.
    if (running && preemptible && [...queue.values()].some((r) => r !== 'digest'))
      preemptible.abort()
    if (running || holds > 0 || state !== 'watching' || queue.size === 0) {
      settleIdle()
      return
    }
    // Digests that were left pending run on their own, after everything else: they are slow
    // (a whole file read) and must not delay the verdict of what just changed.
    const onlyDigests = [...queue.values()].every((r) => r === 'digest')
    const taken = [...queue].filter(([, r]) => onlyDigests || r !== 'digest')
    for (const [p] of taken) queue.delete(p)
    const reasons = new Set(taken.map(([, r]) => r))
    const paths = scopeFor(taken.map(([p]) => p))
    // Named after what the user did when they did something (a file changed, settings saved).
    const reason = (['change', 'settings'] as const).find((r) => reasons.has(r)) ?? [...reasons][0]!
    const request: WatchScanRequest = { paths, reason }
    running = (async () => {
      // Each rescan gets its own signal, aborted when the service stops: the engine leaves
      // listeners on the signal it is given (the analysis pool's), and the service's own lives
      // as long as the watcher, so sharing it would grow by one listener per rescan.
      const own = new AbortController()
      const onStop = (): void => own.abort()
      scanAbort.signal.addEventListener('abort', onStop, { once: true })
      const gaveWay = new AbortController()
      const onGiveWay = (): void => own.abort()
      gaveWay.signal.addEventListener('abort', onGiveWay, { once: true })
      if (reason === 'digest') preemptible = gaveWay
      try {
        const result = await o.runScan(request, own.signal)
        if (gaveWay.signal.aborted && !scanAbort.signal.aborted)
          for (const p of paths) enqueue(p, 'digest')
        else emit({ type: 'scanned', request, result })
      } catch (e) {
        emit({ type: 'error', message: `rescan failed: ${(e as Error).message ?? String(e)}` })
      } finally {
        preemptible = undefined
        scanAbort.signal.removeEventListener('abort', onStop)
      }
      // What the inventory knows may have changed (a new model folder, a new store). Not awaited:
      // stop() waits for this scan while holding the serial chain.
      void serial(() => replan(false)).then(
        // The folders watched may have changed: the status says so (the tray, `aiscout watch`).
        () => state === 'watching' && emitStatus(),
        (e: Error) => emit({ type: 'error', message: `replan failed: ${e.message}` }),
      )
    })().finally(() => {
      running = undefined
      emitStatus()
      kick()
    })
    emitStatus()
  }

  const replan = async (retryDegraded: boolean): Promise<void> => {
    if (state !== 'watching' && state !== 'starting') return
    const plan = await o.plan()
    await targets.apply(plan, retryDegraded)
  }

  const catchUp = (since: number, reason: WatchScanRequest['reason']): void => {
    const dirs = [...budget.dirs()]
    const changed = changedSince(dirs, since, {
      isWatched: (d) => budget.has(d),
      knownIn: o.knownPaths?.(),
      skipDir,
    })
    for (const p of changed) enqueue(p, reason)
    // The parts of degraded targets nobody watched: rescanned whole.
    for (const t of targets.degraded()) enqueue(t.path, reason)
  }

  const startTimers = (): void => {
    periodic = setInterval(() => {
      for (const t of targets.degraded()) enqueue(t.path, 'periodic')
      kick()
    }, degradedEveryMs)
    replanTimer = setInterval(() => {
      void serial(() => replan(true)).catch((e: Error) =>
        emit({ type: 'error', message: `replan failed: ${e.message}` }),
      )
    }, REPLAN_EVERY_MS)
  }
  const stopTimers = (): void => {
    clearInterval(periodic)
    clearInterval(replanTimer)
    periodic = replanTimer = undefined
  }

  const doPause = async (untilMs?: number): Promise<void> => {
    if (state !== 'watching') return
    state = 'paused'
    pausedAt = Date.now()
    pausedUntil = untilMs
    stopTimers()
    // What was waiting is rescanned on resume with everything else that changed.
    for (const p of settler.drain()) enqueue(p, 'resume')
    await targets.clear()
    clearTimeout(resumeTimer)
    if (untilMs !== undefined)
      resumeTimer = setTimeout(() => void api.resume(), Math.max(0, untilMs - Date.now()))
    emitStatus()
    settleIdle()
  }

  const doResume = async (): Promise<void> => {
    if (state !== 'paused') return
    clearTimeout(resumeTimer)
    resumeTimer = undefined
    pausedUntil = undefined
    state = 'watching'
    await replan(true)
    catchUp(pausedAt, 'resume')
    startTimers()
    emitStatus()
    kick()
  }

  const api: WatchService = {
    start: () =>
      serial(async () => {
        if (state !== 'starting') return
        await replan(true)
        state = 'watching'
        if (o.since !== undefined) catchUp(o.since, 'catch-up')
        startTimers()
        emitStatus()
        kick()
      }),
    pause: (untilMs) => serial(() => doPause(untilMs)),
    resume: () => serial(doResume),
    refresh: () =>
      serial(async () => {
        await replan(true)
        emitStatus()
      }),
    rescan(paths, reason) {
      if (state === 'stopped') return
      for (const p of paths) enqueue(p, reason)
      kick()
    },
    hold() {
      holds++
    },
    release() {
      holds = Math.max(0, holds - 1)
      kick()
    },
    async idle() {
      for (;;) {
        await new Promise<void>((resolve) => {
          idleWaiters.push(resolve)
          settleIdle()
        })
        // A replan queued by the last rescan may add watches: idle means it is done too.
        await ops
        if (!busy()) return
      }
    },
    status,
    stop: () =>
      serial(async () => {
        if (state === 'stopped') return
        state = 'stopped'
        stopTimers()
        clearTimeout(resumeTimer)
        settler.dispose()
        queue.clear()
        scanAbort.abort()
        await running
        await targets.clear()
        emitStatus()
        settleIdle()
      }),
  }
  return api
}
