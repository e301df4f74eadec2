import type {
  BackgroundSettings,
  IpcEvents,
  IpcHandlers,
  ScanOutcome,
  WatcherStatus,
} from '../shared/ipc'
import { applySettingsChange } from './background-settings'
import type { Notice } from './notifications'
import { createScheduler } from './schedule'
import type { Scheduler } from './schedule'
import type { TrayAction, TrayModel } from './tray-model'
import { trayModel } from './tray-model'
import type { WatcherHost } from './watcher-host'
import type { FromWatcher, WatcherConfig, WatcherReport } from './watcher-protocol'

/** The IPC channels the background controller answers. */
export type BackgroundChannels =
  | 'settings:background'
  | 'settings:set-background'
  | 'watcher:status'
  | 'watcher:pause'
  | 'watcher:resume'

export type BackgroundDeps = Readonly<{
  /** Starts the watcher process; its messages must be passed to `onWatcherMessage`. */
  host: Pick<WatcherHost, 'start' | 'send' | 'fullScan' | 'stop' | 'running'>
  /** The watcher's config without what the settings decide (quiet, budget, pause). */
  baseConfig: Omit<WatcherConfig, 'quiet' | 'budget' | 'paused'>
  settings: BackgroundSettings
  saveSettings(s: BackgroundSettings): void
  /** Applies launch at login (Electron's login items, the Linux autostart entry). */
  applyLaunchAtLogin(enabled: boolean): void
  /**
   * The watcher setting at start and whenever it changes, recorded for fleet policies that
   * require the watcher (the watcher process reports only that it started, never "off").
   */
  watcherSetting?(on: boolean): void
  /** The window's Scan now (the scan worker). */
  scanNow(): Promise<ScanOutcome>
  lastFullScan(): Date | undefined
  onBattery(): Promise<boolean>
  /** Output: the tray's new model, a notification, a push to the window, a log line. */
  showTray(m: TrayModel): void
  notify(n: Notice): void
  emit<K extends keyof IpcEvents>(channel: K, payload: IpcEvents[K]): void
  log(level: 'info' | 'warn' | 'error', message: string): void
  /** The tray's Open, Show findings and Quit. */
  openWindow(view?: 'findings'): void
  quit(): void
  now?(): number
  /** The scheduler (tests inject one with their own clock). */
  scheduler?: typeof createScheduler
}>

export type Background = Readonly<{
  start(): void
  /** Everything the watcher process says. */
  onWatcherMessage(m: FromWatcher): void
  /** A tray menu item was chosen. */
  onTrayAction(a: TrayAction): Promise<void>
  /** Scan now from the window or the tray: the watcher holds its rescans meanwhile. */
  scanNow(): Promise<ScanOutcome>
  status(): WatcherStatus
  settings(): BackgroundSettings
  ipc: Pick<IpcHandlers, BackgroundChannels>
  /**
   * The scan settings stored in the inventory were saved (the Settings screen): the watcher
   * process re-reads them and re-plans its watches at once.
   */
  scanSettingsChanged(): void
  /** Wake from sleep, a clock change: the schedule looks again. */
  wake(): Promise<void>
  /** Stops the scheduler and the watcher process (on quit). */
  stop(): Promise<void>
}>

const HOUR = 60 * 60_000

/**
 * Electron main's background logic without Electron: the watcher process per the settings, the
 * tray's state and actions, notifications, scheduled full scans (skipped on battery and while
 * another full scan runs) and launch at login. src/main/index.ts connects it to Tray, Menu,
 * Notification, the window and app.setLoginItemSettings.
 */
export function createBackground(d: BackgroundDeps): Background {
  const now = d.now ?? Date.now
  let settings = d.settings
  let report: WatcherReport | undefined
  let foreground = false
  let background = false
  let paused: { until?: number } | undefined
  let scheduler: Scheduler | undefined
  let stopped = false

  const config = (): WatcherConfig => ({
    ...d.baseConfig,
    quiet: settings.quiet,
    budget: settings.budget,
    paused,
  })

  const status = (): WatcherStatus => {
    if (!settings.watcher)
      return {
        state: 'off',
        folders: 0,
        budget: settings.budget,
        degraded: [],
        lastScanAt: report?.lastScanAt,
      }
    if (!report || (!d.host.running() && report.state !== 'failed'))
      return { state: 'starting', folders: 0, budget: settings.budget, degraded: [] }
    const { open: _open, state, ...rest } = report
    return { ...rest, state: state === 'stopped' ? 'starting' : state }
  }

  const refresh = (): void => {
    const s = status()
    d.showTray(
      trayModel({
        scanning: foreground || background || report?.scanning === 'full',
        lastScanAt: report?.lastScanAt,
        open: report?.open ?? { critical: 0, high: 0 },
        watcher: {
          state: s.state,
          pausedUntil: s.pausedUntil,
          folders: s.folders,
          degraded: s.degraded,
        },
        now: now(),
      }),
    )
    d.emit('watcher:status', s)
  }

  const runScheduled = (): void => {
    background = true
    refresh()
    void d.host.fullScan().then((outcome) => {
      background = false
      d.log(outcome === 'complete' ? 'info' : 'warn', `scheduled full scan: ${outcome}`)
      refresh()
    })
  }

  const startScheduler = (): void => {
    scheduler?.stop()
    scheduler = (d.scheduler ?? createScheduler)({
      schedule: () => settings.schedule,
      since: () => new Date(settings.scheduleSince),
      lastFullScan: d.lastFullScan,
      onBattery: d.onBattery,
      // A full scan never runs twice at once: Scan now, or a scheduled one still going.
      scanRunning: () => foreground || background,
      // Scheduled scans run in the watcher process, at its below-normal priority; without the
      // watcher there is no process to run them in, so the slot is logged as skipped.
      startScan: () => (d.host.running() ? runScheduled() : undefined),
      onOutcome: (slot, o) =>
        d.log(
          'info',
          `scheduled scan for ${slot.toISOString()}: ${o.kind === 'started' ? 'started' : `skipped (${o.reason})`}`,
        ),
      now: () => new Date(now()),
    })
    void scheduler.check()
  }

  const applyWatcher = (before: BackgroundSettings | undefined): void => {
    if (!before || before.watcher !== settings.watcher) d.watcherSetting?.(settings.watcher)
    if (!settings.watcher) {
      if (d.host.running()) void d.host.stop().then(refresh)
      return
    }
    if (!d.host.running()) d.host.start(config())
    else if (!before || before.quiet !== settings.quiet || before.budget !== settings.budget)
      d.host.send({ type: 'configure', config: config() })
  }

  const pause = (until?: number): WatcherStatus => {
    paused = { until }
    if (d.host.running()) d.host.send({ type: 'pause', until })
    refresh()
    return status()
  }
  const resume = (): WatcherStatus => {
    paused = undefined
    if (d.host.running()) d.host.send({ type: 'resume' })
    refresh()
    return status()
  }

  const scanNow = async (): Promise<ScanOutcome> => {
    if (foreground || background)
      return { kind: 'failed', message: 'a full scan is already running' }
    foreground = true
    refresh()
    if (d.host.running()) d.host.send({ type: 'hold' })
    try {
      return await d.scanNow()
    } finally {
      foreground = false
      // The watcher catches up: its plan, the notifications and the change push follow.
      if (d.host.running()) d.host.send({ type: 'release' })
      refresh()
    }
  }

  return {
    start() {
      applyWatcher(undefined)
      d.applyLaunchAtLogin(settings.launchAtLogin)
      startScheduler()
      refresh()
    },
    onWatcherMessage(m) {
      switch (m.type) {
        case 'report':
          report = m.report
          if (m.report.state !== 'paused' && m.report.state !== 'failed') paused = undefined
          refresh()
          break
        case 'notices':
          for (const n of m.notices) d.notify(n)
          break
        case 'changed':
          d.emit('inventory:changed', {
            reason: 'watcher',
            scanId: m.change.scanId,
            trigger: m.change.reason,
          })
          break
        case 'full-scan-done':
          break
        case 'log':
          d.log(m.level, m.message)
          break
        case 'stopped':
          report = undefined
          refresh()
          break
      }
    },
    async onTrayAction(a) {
      switch (a) {
        case 'scan-now':
          await scanNow()
          return
        case 'pause-hour':
          pause(now() + HOUR)
          return
        case 'pause-until-resumed':
          pause(undefined)
          return
        case 'resume':
          resume()
          return
        case 'open':
          d.openWindow()
          return
        case 'open-findings':
          d.openWindow('findings')
          return
        case 'quit':
          d.quit()
          return
      }
    },
    scanNow,
    status,
    settings: () => settings,
    ipc: {
      'settings:background': async () => settings,
      'settings:set-background': async (change) => {
        const r = applySettingsChange(settings, change, new Date(now()))
        if (!r.ok) return r
        const before = settings
        settings = r.settings
        d.saveSettings(settings)
        if (before.launchAtLogin !== settings.launchAtLogin)
          d.applyLaunchAtLogin(settings.launchAtLogin)
        applyWatcher(before)
        if (JSON.stringify(before.schedule) !== JSON.stringify(settings.schedule)) startScheduler()
        refresh()
        return r
      },
      'watcher:status': async () => status(),
      'watcher:pause': async ({ until }) => {
        if (until !== undefined && (!Number.isFinite(until) || until <= now()))
          throw new Error('pause until must be a time in the future')
        return pause(until)
      },
      'watcher:resume': async () => resume(),
    },
    scanSettingsChanged() {
      if (d.host.running()) d.host.send({ type: 'settings-changed' })
    },
    wake: () => scheduler?.check() ?? Promise.resolve(),
    async stop() {
      if (stopped) return
      stopped = true
      scheduler?.stop()
      await d.host.stop()
    },
  }
}
