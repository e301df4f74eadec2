import { Worker } from 'node:worker_threads'
import { normalizeServerUrl } from '../../core'
import type { RetryPolicy, SyncOutcome, TokenStore } from '../../core'
import type { AppStatus, IpcHandlers, SyncAttempt, SyncTrigger, SyncView } from '../../shared/ipc'
import { MAX_INTERVAL_S, MIN_INTERVAL_S } from '../../shared/sync-api'
import type { DbClient } from '../db-client'
import { busy, invalid, unavailable } from '../errors'
import type { AppLog } from '../log'
import { attemptOf, describeEvent, plainError } from './words'
import type { FromSyncWorker, SyncJob } from './protocol'

/** The IPC channels Settings → Sync uses. */
export type SyncChannels =
  'sync:status' | 'sync:enroll' | 'sync:now' | 'sync:disconnect' | 'sync:preview'

/**
 * Where the device token lives: the OS keychain in the app (safe-token-store.ts), a 0600 file
 * in tests and headless shells (core's fileTokenStore). `usable` says whether a write can work
 * (no keychain: no enrollment, rather than a token lost after the server issued it).
 */
export type AppTokenStore = TokenStore & Readonly<{ usable?(): boolean }>

export type Timers = Readonly<{
  set(fn: () => void, ms: number): unknown
  clear(handle: unknown): void
}>

/** Runs one sync job and reports what the worker says (a worker thread in the app). */
export type SyncRunner = (job: SyncJob, onMessage: (m: FromSyncWorker) => void) => Promise<void>

export type SyncControllerDeps = Readonly<{
  db: Pick<DbClient, 'call' | 'job'>
  tokens: AppTokenStore
  dbPath: string
  nativeBinding?: string
  appVersion: string
  /** Built worker: out/main/sync-worker.js. */
  workerPath: string
  /** The sync worker's environment (hardware id override in tests); default: the process's. */
  env?: Readonly<Record<string, string | undefined>>
  emit(view: SyncView): void
  log: Pick<AppLog, 'info' | 'error'>
  retry?: RetryPolicy
  /** Quiet time after an inventory change before the sync it triggers. */
  debounceMs?: number
  timers?: Timers
  now?(): number
  runner?: SyncRunner
}>

export type SyncController = Readonly<{
  ipc: Pick<IpcHandlers, SyncChannels>
  /** Reads where the device stands and, when enrolled, starts the periodic sync. */
  start(): Promise<void>
  /** A scan or the watcher changed the inventory: a sync follows once things are quiet. */
  inventoryChanged(): void
  /** The status line's sync part (from the last known state); undefined when not enrolled. */
  statusLine(): AppStatus['sync'] | undefined
  /** Whether a sync runs now. */
  running(): boolean
  stop(): Promise<void>
}>

/** The server's default interval until its config arrives (src/server/storage/config-items.ts). */
const DEFAULT_INTERVAL_S = 900
const DEFAULT_DEBOUNCE_MS = 30_000
/** Sync now should answer within seconds when the server is down; the outbox keeps the rest. */
const APP_RETRY: RetryPolicy = { attempts: 4, baseMs: 250, capMs: 2000 }

/**
 * The periodic sync's delay from the server's interval, clamped to [MIN_INTERVAL_S,
 * MAX_INTERVAL_S]: an older or misconfigured server may push any number, and setTimeout fires a
 * delay of 2^31 ms or more after 1 ms (a sync loop); a non-number falls back to the default.
 */
export function syncDelayMs(intervalS: number | undefined): number {
  const s = Number.isFinite(intervalS) ? (intervalS as number) : DEFAULT_INTERVAL_S
  return Math.min(MAX_INTERVAL_S, Math.max(MIN_INTERVAL_S, s)) * 1000
}

const realTimers: Timers = {
  set(fn, ms) {
    const t = setTimeout(fn, ms)
    t.unref?.()
    return t
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
}

/** The sync worker as a worker thread: it ends after one sync. */
export function workerRunner(workerPath: string): SyncRunner {
  return (job, onMessage) =>
    new Promise<void>((resolve) => {
      const w = new Worker(workerPath, { workerData: job })
      let finished = false
      w.on('message', (m: FromSyncWorker) => {
        if (m.type === 'done' || m.type === 'failed') finished = true
        onMessage(m)
      })
      w.on('error', (e) => {
        if (!finished) onMessage({ type: 'failed', message: e.message })
        finished = true
      })
      w.on('exit', (code) => {
        if (!finished) onMessage({ type: 'failed', message: `the sync worker stopped (${code})` })
        resolve()
      })
    })
}

/**
 * Settings → Sync and the app's automatic sync, without Electron: enrollment, Sync now,
 * disconnect, the What-is-shared preview, and the schedule (every `syncIntervalS` the server
 * pushes, and shortly after the inventory changes). Each sync runs in a worker thread; the
 * device token goes from the token store to that worker and back, never to the renderer.
 *
 * The schedule lives here, in main, rather than in the watcher process: main runs whenever the
 * app does (window or tray), also with the watcher off, and already hears of every inventory
 * change (its own scans and the watcher's deltas).
 */
export function createSyncController(d: SyncControllerDeps): SyncController {
  const timers = d.timers ?? realTimers
  const now = d.now ?? Date.now
  const runner = d.runner ?? workerRunner(d.workerPath)
  let current: Promise<SyncAttempt> | undefined
  let last: SyncView | undefined
  let periodic: unknown
  let debounce: unknown
  let nextSyncAt: number | undefined
  let stopped = false

  /** The token store's problem in words, or undefined; reading a token must not throw on. */
  const storageProblem = (): string | undefined => {
    try {
      if (d.tokens.usable && !d.tokens.usable())
        return 'This system offers no keychain to encrypt the device token (on Linux: install and unlock a Secret Service such as GNOME Keyring or KWallet).'
      d.tokens.read()
      return undefined
    } catch (e) {
      return e instanceof Error ? e.message : String(e)
    }
  }
  const hasToken = (): boolean => {
    try {
      return d.tokens.read() !== undefined
    } catch {
      return false
    }
  }

  const view = async (): Promise<SyncView> => {
    const v = await d.db.call('syncState', { hasToken: hasToken() })
    const problem = storageProblem()
    const out: SyncView = {
      ...v,
      ...(v.lastError ? { lastError: plainError(v.lastError) } : {}),
      running: current !== undefined,
      ...(v.enrolled && nextSyncAt !== undefined
        ? { nextSyncAt: new Date(nextSyncAt).toISOString() }
        : {}),
      ...(problem ? { tokenStorageProblem: problem } : {}),
    }
    last = out
    return out
  }
  const push = async (): Promise<SyncView> => {
    const v = await view()
    d.emit(v)
    return v
  }

  const schedule = (v: SyncView): void => {
    if (periodic !== undefined) timers.clear(periodic)
    periodic = undefined
    nextSyncAt = undefined
    if (stopped || !v.enrolled || v.revoked) return
    const ms = syncDelayMs(v.syncIntervalS)
    nextSyncAt = now() + ms
    periodic = timers.set(() => {
      periodic = undefined
      void runOrJoin('schedule').catch((e: unknown) => d.log.error('sync', String(e)))
    }, ms)
  }

  /** One job in the worker; token messages go to the store as they come. */
  const runJob = async (
    job: SyncJob,
  ): Promise<{ outcome: SyncOutcome | undefined; failure?: string }> => {
    let outcome: SyncOutcome | undefined
    let failure: string | undefined
    await runner(job, (m) => {
      switch (m.type) {
        case 'token':
          try {
            d.tokens.write(m.token)
          } catch (e) {
            failure = `the device token could not be stored: ${e instanceof Error ? e.message : String(e)}`
          }
          return
        case 'token-clear':
          try {
            d.tokens.clear()
          } catch (e) {
            d.log.error('sync', `token clear: ${String(e)}`)
          }
          return
        case 'event':
          d.log.info(`[sync] ${describeEvent(m.event)}`)
          return
        case 'done':
          outcome = m.outcome
          return
        case 'failed':
          failure = m.message
          return
      }
    })
    return { outcome, ...(failure !== undefined ? { failure } : {}) }
  }

  const run = async (
    trigger: SyncTrigger,
    extra: Readonly<{ serverUrl?: string; enrollSecret?: string }> = {},
  ): Promise<SyncAttempt> => {
    if (debounce !== undefined) timers.clear(debounce)
    debounce = undefined
    const before = await view()
    const serverUrl = extra.serverUrl ?? before.server
    if (!serverUrl)
      throw invalid('This device is not enrolled: enter the server URL and an enroll secret first.')
    let token: string | undefined
    try {
      token = d.tokens.read()
    } catch (e) {
      throw unavailable(e instanceof Error ? e.message : String(e))
    }
    const job: SyncJob = {
      dbPath: d.dbPath,
      ...(d.nativeBinding ? { nativeBinding: d.nativeBinding } : {}),
      serverUrl,
      ...(extra.enrollSecret ? { enrollSecret: extra.enrollSecret } : {}),
      ...(token ? { token } : {}),
      appVersion: d.appVersion,
      ...(d.env ? { env: d.env } : {}),
      retry: d.retry ?? APP_RETRY,
      ...(trigger === 'enroll' ? { enrollOnly: true } : {}),
    }
    void push().catch(() => undefined)
    const r = await runJob(job)
    const after = await d.db.call('syncState', { hasToken: hasToken() })
    const attempt = attemptOf({
      trigger,
      at: new Date(now()).toISOString(),
      outcome: r.outcome,
      failure: r.failure,
      pending: after.pending.items,
      intervalS: syncDelayMs(after.syncIntervalS) / 1000,
    })
    await d.db.call('syncRecordAttempt', attempt)
    if (attempt.result === 'failed' || attempt.result === 'rejected')
      d.log.error('sync', attempt.message)
    else d.log.info(`[sync] ${attempt.message}`)
    return attempt
  }

  /** Runs a sync, or joins the one already running. */
  const runOrJoin = async (
    trigger: SyncTrigger,
    extra?: Readonly<{ serverUrl?: string; enrollSecret?: string }>,
  ): Promise<SyncAttempt> => {
    if (current) return current
    const p = run(trigger, extra)
    current = p
    try {
      return await p
    } finally {
      current = undefined
      const v = await push().catch(() => undefined)
      if (v) schedule(v)
    }
  }

  return {
    ipc: {
      'sync:status': () => view(),
      async 'sync:enroll'({ serverUrl, enrollSecret }) {
        let url: string
        try {
          url = normalizeServerUrl(serverUrl)
        } catch (e) {
          throw invalid(`The server URL is not usable: ${(e as Error).message}.`)
        }
        if (current) throw busy('A sync is running. Try again when it has finished.')
        const v = await view()
        if (v.enrolled)
          throw invalid(
            `This device is already enrolled with ${v.server ?? 'a server'}. Disconnect first to enroll elsewhere.`,
          )
        if (v.tokenStorageProblem) throw unavailable(v.tokenStorageProblem)
        const attempt = await runOrJoin('enroll', { serverUrl: url, enrollSecret })
        return { attempt, view: await view() }
      },
      async 'sync:now'() {
        const v = await view()
        if (!v.enrolled)
          throw invalid(
            v.revoked
              ? 'This device was revoked by the server. Enroll it again with a new enroll secret.'
              : 'This device is not enrolled: enter the server URL and an enroll secret first.',
          )
        const attempt = await runOrJoin('manual')
        return { attempt, view: await view() }
      },
      async 'sync:disconnect'() {
        if (current) throw busy('A sync is running. Try again when it has finished.')
        d.tokens.clear()
        await d.db.call('syncDisconnect')
        if (periodic !== undefined) timers.clear(periodic)
        if (debounce !== undefined) timers.clear(debounce)
        periodic = debounce = nextSyncAt = undefined
        d.log.info('[sync] disconnected: the device token was forgotten')
        return push()
      },
      async 'sync:preview'({ sample }) {
        return d.db.job('syncPreview', {
          enrolled: hasToken(),
          ...(sample !== undefined ? { sample } : {}),
        })
      },
    },
    async start() {
      const v = await view()
      schedule(v)
    },
    inventoryChanged() {
      if (stopped || !last?.enrolled || last.revoked) return
      if (debounce !== undefined) timers.clear(debounce)
      debounce = timers.set(() => {
        debounce = undefined
        void runOrJoin('change').catch((e: unknown) => d.log.error('sync', String(e)))
      }, d.debounceMs ?? DEFAULT_DEBOUNCE_MS)
    },
    statusLine() {
      if (!last?.enrolled) return undefined
      const base = {
        ...(last.lastSyncAt ? { lastSyncAt: last.lastSyncAt } : {}),
        pending: last.pending.items,
      }
      if (last.lastAttempt?.result === 'unreachable') return { state: 'offline', ...base }
      // Enrolled and never synced: the first sync is still to come.
      return { state: last.pending.items > 0 || !last.lastSyncAt ? 'pending' : 'synced', ...base }
    },
    running: () => current !== undefined,
    async stop() {
      stopped = true
      if (periodic !== undefined) timers.clear(periodic)
      if (debounce !== undefined) timers.clear(debounce)
      periodic = debounce = undefined
      // A sync in flight finishes or is cut off with the process: its outbox and acknowledged
      // state are in the database either way (the client resumes exactly there).
      await current?.catch(() => undefined)
    },
  }
}
