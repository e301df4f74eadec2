import type { WatcherStatus } from '../shared/ipc'
import type { Notice } from './notifications'

/**
 * Messages between Electron main and the watcher process (its own process, below-normal
 * priority, so background rescans and scheduled full scans never compete with the window), one
 * discriminated union per direction. Plain JSON: they cross a process boundary.
 */

/** What the watcher needs to run; sent at start and whenever the settings change. */
export type WatcherConfig = Readonly<{
  dbPath: string
  home: string
  /**
   * Roots, exclusions and hashing on top of the settings stored in the inventory, which the
   * watcher reads itself (the app sends none; tests and benches may).
   */
  roots: readonly string[]
  exclude: readonly string[]
  /** false turns hashing off whatever the settings say. */
  hash: boolean
  /** Folders watched at most (default 8,192). */
  budget?: number
  /** Quiet mode: no notifications (findings are still marked as seen). */
  quiet: boolean
  /** Paused when it starts: until a time, or until resumed (persisted across restarts). */
  paused?: Readonly<{ until?: number }>
  /** The Electron-ABI better-sqlite3 binding (undefined under plain Node). */
  nativeBinding?: string
}>

export type ToWatcher =
  | Readonly<{ type: 'start'; config: WatcherConfig }>
  /** New settings: the watcher restarts when what it watches or how it scans changed. */
  | Readonly<{ type: 'configure'; config: WatcherConfig }>
  /** The scan settings stored in the inventory were saved (Settings): the watcher re-reads them. */
  | Readonly<{ type: 'settings-changed' }>
  | Readonly<{ type: 'pause'; until?: number }>
  | Readonly<{ type: 'resume' }>
  /** Runs a full scan in the background (the schedule). */
  | Readonly<{ type: 'full-scan' }>
  /** A foreground full scan (Scan now) started: hold the rescans until it ends. */
  | Readonly<{ type: 'hold' }>
  /** It ended: rescans go on, the plan and the notifications catch up with it. */
  | Readonly<{ type: 'release' }>
  | Readonly<{ type: 'stop' }>

/**
 * The watcher's state as the tray, the status line and Settings show it: the status the window
 * gets (WatcherStatus), with the process's own states and the open critical and high counts
 * (accepted risks left out) for the tray.
 */
export type WatcherReport = Readonly<
  Omit<WatcherStatus, 'state'> & {
    state: 'starting' | 'watching' | 'paused' | 'stopped' | 'failed'
    open: Readonly<{ critical: number; high: number }>
  }
>

/** What one rescan changed, for the app to refresh what it shows. */
export type ChangeSummary = Readonly<{
  scanId: string
  reason: 'change' | 'catch-up' | 'resume' | 'periodic' | 'settings' | 'digest' | 'full'
  /** How long the scan itself took. */
  durationMs: number
  assets: Readonly<{ added: number; changed: number; gone: number }>
  findings: Readonly<{ opened: number; changed: number; resolved: number }>
}>

export type FromWatcher =
  | Readonly<{ type: 'report'; report: WatcherReport }>
  | Readonly<{ type: 'notices'; notices: readonly Notice[] }>
  | Readonly<{ type: 'changed'; change: ChangeSummary }>
  | Readonly<{
      type: 'full-scan-done'
      outcome: 'complete' | 'interrupted' | 'failed'
      message?: string
    }>
  | Readonly<{ type: 'log'; level: 'info' | 'warn' | 'error'; message: string }>
  | Readonly<{ type: 'stopped' }>
