import type { Db, ScanOptions, ScanSummary, SettingsWatcher, WatchStatus } from '../core'
import {
  createSettingsWatcher,
  describeTargetState,
  hasFullScan,
  isExpired,
  openDb,
  recordPolicyFacts,
  scan,
  storedAcceptance,
  watchScanOptions,
} from '../core'
import { ackNotified, readNewlyOpened } from './notification-feed'
import { planNotices } from './notifications'
import type { ChangeSummary, FromWatcher, WatcherConfig, WatcherReport } from './watcher-protocol'

export type WatcherRuntime = Readonly<{
  start(config: WatcherConfig): Promise<void>
  configure(config: WatcherConfig): Promise<void>
  /** The settings stored in the inventory were saved: re-plan under them if they changed. */
  reloadSettings(): Promise<void>
  pause(until?: number): Promise<void>
  resume(): Promise<void>
  fullScan(): Promise<void>
  hold(): void
  release(): Promise<void>
  stop(): Promise<void>
}>

export type RuntimeDeps = Readonly<{
  post(m: FromWatcher): void
  /** Findings whose risk the user accepted (never notified, not counted as open). */
  isAccepted?(db: Db, findingId: string): boolean
  /** Scan options beyond the config (tests inject fake system probes). */
  scanExtras?: Partial<ScanOptions>
  /** How often the stored settings are compared without being told (default 5 s). */
  settingsCheckEveryMs?: number
}>

/**
 * Whether the user accepted this finding's risk and the acceptance still holds (the accepted-risk
 * table, migration 0060): such a finding is never notified nor counted as open in the tray. A
 * lapsed acceptance counts as open again.
 */
export function acceptedNow(db: Db, findingId: string, now = new Date()): boolean {
  const a = storedAcceptance(db, findingId)
  return a !== undefined && !isExpired(a, now)
}

/**
 * What main sends whose change means watching or scanning differently (a restart of the watcher).
 * The user's scan settings are not in it: they live in the inventory, and the watcher follows them
 * itself (createSettingsWatcher).
 */
const watchKey = (c: WatcherConfig): string =>
  JSON.stringify([c.dbPath, c.home, c.roots, c.exclude, c.hash, c.budget ?? null])

/**
 * What runs in the watcher process: the inventory watcher (scoped rescans of what changes), the
 * scheduled full scans (below-normal priority, never beside a rescan: the watcher is held while
 * one runs), and the notifications read from the change log after every scan. Reports its state
 * after everything that changes it.
 */
export function createWatcherRuntime(deps: RuntimeDeps): WatcherRuntime {
  let config: WatcherConfig | undefined
  let db: Db | undefined
  let watcher: SettingsWatcher | undefined
  let full: AbortController | undefined
  let fullRun: Promise<void> | undefined
  let failed: string | undefined
  let rescanning = false

  const post = deps.post
  const log = (level: 'info' | 'warn' | 'error', message: string): void =>
    post({ type: 'log', level, message })

  /** What the process was started with; the inventory's stored settings are merged over it. */
  const baseOptions = (c: WatcherConfig): ScanOptions => ({
    home: c.home,
    roots: c.roots,
    exclude: c.exclude,
    hash: c.hash,
    ...deps.scanExtras,
  })
  /** What a full scan runs with now: the settings as stored at this moment. */
  const scanOptions = (c: WatcherConfig): ScanOptions => watchScanOptions(db!, baseOptions(c))

  const openCounts = (): WatcherReport['open'] => {
    if (!db) return { critical: 0, high: 0 }
    const rows = db
      .prepare(
        `SELECT id, severity FROM findings WHERE status = 'open' AND severity IN ('critical', 'high')`,
      )
      .all() as { id: string; severity: 'critical' | 'high' }[]
    const open = { critical: 0, high: 0 }
    for (const r of rows) if (!deps.isAccepted?.(db, r.id)) open[r.severity]++
    return open
  }

  const report = (): void => {
    const st: WatchStatus | undefined = watcher?.status()
    const last = db
      ? (
          db.prepare(`SELECT max(finished_at) AS t FROM scans WHERE status = 'complete'`).get() as {
            t: string | null
          }
        ).t
      : null
    post({
      type: 'report',
      report: {
        state: failed ? 'failed' : (st?.state ?? 'starting'),
        pausedUntil: st?.pausedUntil,
        folders: st?.watchedDirs ?? 0,
        budget: st?.budget ?? config?.budget ?? 0,
        degraded: (st?.targets ?? [])
          .filter((t) => t.state.kind === 'degraded')
          .map((t) => t.target.path),
        scanning: full ? 'full' : rescanning ? 'rescan' : undefined,
        lastScanAt: last ?? undefined,
        open: openCounts(),
        message: failed,
      },
    })
  }

  /** New findings since the last look, as notices; acknowledged once handed over. */
  const notify = (): void => {
    if (!db || !config) return
    const fresh = readNewlyOpened(db)
    const notices = planNotices(fresh.findings, {
      quiet: config.quiet,
      isAccepted: (id) => deps.isAccepted?.(db!, id) ?? false,
    })
    if (notices.length) post({ type: 'notices', notices })
    ackNotified(db, fresh.upTo)
  }

  const changed = (s: ScanSummary, reason: ChangeSummary['reason']): void => {
    const d = s.delta
    if (
      d.assets.added.length + d.assets.changed.length + d.assets.gone.length === 0 &&
      d.findings.opened.length + d.findings.changed.length + d.findings.resolved.length === 0
    )
      return
    post({
      type: 'changed',
      change: {
        scanId: s.scanId,
        reason,
        durationMs: s.stats.durationMs,
        assets: {
          added: d.assets.added.length,
          changed: d.assets.changed.length,
          gone: d.assets.gone.length,
        },
        findings: {
          opened: d.findings.opened.length,
          changed: d.findings.changed.length,
          resolved: d.findings.resolved.length,
        },
      },
    })
  }

  const startWatcher = async (c: WatcherConfig): Promise<void> => {
    const w = createSettingsWatcher({
      db: db!,
      dbPath: c.dbPath,
      base: baseOptions(c),
      checkEveryMs: deps.settingsCheckEveryMs,
      budget: c.budget,
      onEvent: (e) => {
        switch (e.type) {
          case 'scanned':
            if (e.result.status === 'complete') {
              changed(e.result, e.request.reason)
              notify()
            }
            break
          case 'status':
            rescanning = e.status.scanning
            report()
            break
          case 'target': {
            const text = describeTargetState(e.target, e.state)
            if (text) log('warn', text)
            break
          }
          case 'error':
            log('error', e.message)
            break
        }
      },
    })
    watcher = w
    await w.start()
    if (c.paused) await w.pause(c.paused.until)
  }

  const stopWatcher = async (): Promise<void> => {
    const w = watcher
    watcher = undefined
    await w?.stop()
  }

  const api: WatcherRuntime = {
    async start(c) {
      config = c
      try {
        db = openDb(c.dbPath, { nativeBinding: c.nativeBinding })
        // The scan-settings policy ("watcher on") reads this.
        recordPolicyFacts(db, { watcher: true })
        // The watcher plans from a full scan: run one first on a new inventory.
        if (!hasFullScan(db)) await api.fullScan()
        notify()
        await startWatcher(c)
      } catch (e) {
        failed = (e as Error).message ?? String(e)
        log('error', `watcher stopped: ${failed}`)
      }
      report()
    },
    async configure(c) {
      const restart = !config || watchKey(c) !== watchKey(config)
      config = c
      if (restart && db && !failed) {
        await stopWatcher()
        await startWatcher(c)
      }
      report()
    },
    async reloadSettings() {
      if (await watcher?.reload()) log('info', 'settings changed: watching under the new settings')
      report()
    },
    async pause(until) {
      await watcher?.pause(until)
      report()
    },
    async resume() {
      await watcher?.resume()
      report()
    },
    fullScan() {
      if (!db || !config || full) return fullRun ?? Promise.resolve()
      const ac = new AbortController()
      full = ac
      watcher?.hold()
      report()
      const run = async (): Promise<void> => {
        try {
          const s = await scan(db!, scanOptions(config!), { signal: ac.signal })
          post({ type: 'full-scan-done', outcome: s.status })
          if (s.status === 'complete') {
            changed(s, 'full')
            notify()
          }
        } catch (e) {
          post({ type: 'full-scan-done', outcome: 'failed', message: (e as Error).message })
        } finally {
          full = undefined
          watcher?.release()
          await watcher?.refresh()
          report()
        }
      }
      fullRun = run()
      return fullRun
    },
    hold() {
      watcher?.hold()
    },
    async release() {
      watcher?.release()
      await watcher?.refresh()
      notify()
      report()
    },
    async stop() {
      full?.abort()
      await stopWatcher()
      // A background full scan aborted above settles as interrupted before the inventory closes.
      await fullRun
      db?.close()
      db = undefined
      post({ type: 'stopped' })
    },
  }
  return api
}
