/**
 * The one IPC contract between the Electron main process, the preload bridge and the renderer.
 * Types only (no runtime imports), so every side can import it.
 */
import type { AssetKind, ScanProgress, Severity } from './types'

export type InventorySummary = Readonly<{
  hasScan: boolean
  scanId?: string
  finishedAt?: string
  dbPath: string
  assets: Readonly<Partial<Record<AssetKind, number>>>
  findings: Readonly<Partial<Record<Severity, number>>>
  totalAssets: number
  totalFindings: number
}>

export type ScanOutcome =
  | Readonly<{ kind: 'complete'; scanId: string; summary: InventorySummary }>
  | Readonly<{ kind: 'interrupted'; scanId: string }>
  | Readonly<{ kind: 'failed'; message: string }>

/** Scheduled full scans: off, daily at a local time (HH:MM, 24 h), or weekly on a day at a time. */
export type Schedule =
  | Readonly<{ kind: 'off' }>
  | Readonly<{ kind: 'daily'; at: string }>
  /** `day`: 0 Sunday … 6 Saturday, as Date.getDay() counts. */
  | Readonly<{ kind: 'weekly'; day: number; at: string }>

/** What runs in the background, as the Settings screen shows and changes it. */
export type BackgroundSettings = Readonly<{
  /** The background watcher (rescans what changes). */
  watcher: boolean
  /** Quiet mode: no notifications. */
  quiet: boolean
  /** Folders the watcher watches at most (one OS watch each). */
  budget: number
  schedule: Schedule
  /** When the schedule was last changed (ISO 8601): no scan is due for a slot before it. */
  scheduleSince: string
  /** Start AI Scout (in the tray) at login. Off by default. */
  launchAtLogin: boolean
}>

/** The watcher as the app shows it (Settings, the status line). */
export type WatcherStatus = Readonly<{
  state: 'off' | 'starting' | 'watching' | 'paused' | 'failed'
  pausedUntil?: number
  folders: number
  budget: number
  /** Roots rescanned periodically because they are too big to watch. */
  degraded: readonly string[]
  scanning?: 'full' | 'rescan'
  lastScanAt?: string
  message?: string
}>

/** The inventory changed behind the window's back (a watcher rescan, a scheduled scan). */
export type InventoryChanged = Readonly<{
  scanId: string
  reason: 'change' | 'catch-up' | 'resume' | 'periodic' | 'full'
}>

/** Something the app was asked to open (a click on a notification). */
export type OpenRequest =
  Readonly<{ kind: 'finding'; id: string }> | Readonly<{ kind: 'findings'; ids: readonly string[] }>

/** Request/response channels (`noun:verb`). */
export type IpcInvoke = {
  'inventory:summary': { args: []; result: InventorySummary }
  'scan:start': { args: []; result: ScanOutcome }
  'scan:cancel': { args: []; result: boolean }
  'settings:background': { args: []; result: BackgroundSettings }
  /** Applies a partial change; refused changes answer ok: false with why. */
  'settings:set-background': {
    args: [change: Partial<BackgroundSettings>]
    result:
      | Readonly<{ ok: true; settings: BackgroundSettings }>
      | Readonly<{ ok: false; message: string }>
  }
  'watcher:status': { args: []; result: WatcherStatus }
  /** Pauses the watcher until a time (ms since the epoch) or until resumed. */
  'watcher:pause': { args: [until?: number]; result: WatcherStatus }
  'watcher:resume': { args: []; result: WatcherStatus }
}

/** Main → renderer pushes. */
export type IpcEvents = {
  'scan:progress': ScanProgress
  'inventory:changed': InventoryChanged
  'watcher:status': WatcherStatus
  'app:open': OpenRequest
}

export const INVOKE_CHANNELS = [
  'inventory:summary',
  'scan:start',
  'scan:cancel',
  'settings:background',
  'settings:set-background',
  'watcher:status',
  'watcher:pause',
  'watcher:resume',
] as const satisfies readonly (keyof IpcInvoke)[]
export const EVENT_CHANNELS = [
  'scan:progress',
  'inventory:changed',
  'watcher:status',
  'app:open',
] as const satisfies readonly (keyof IpcEvents)[]

export type IpcHandlers = {
  [K in keyof IpcInvoke]: (...args: IpcInvoke[K]['args']) => Promise<IpcInvoke[K]['result']>
}

/** What the preload exposes as `window.api`: named methods only, no generic invoke. */
export type RendererApi = Readonly<{
  getSummary(): Promise<InventorySummary>
  startScan(): Promise<ScanOutcome>
  cancelScan(): Promise<boolean>
  onScanProgress(cb: (p: ScanProgress) => void): () => void
  getBackgroundSettings(): Promise<BackgroundSettings>
  setBackgroundSettings(
    change: Partial<BackgroundSettings>,
  ): Promise<IpcInvoke['settings:set-background']['result']>
  getWatcherStatus(): Promise<WatcherStatus>
  pauseWatcher(until?: number): Promise<WatcherStatus>
  resumeWatcher(): Promise<WatcherStatus>
  onInventoryChanged(cb: (c: InventoryChanged) => void): () => void
  onWatcherStatus(cb: (s: WatcherStatus) => void): () => void
  onOpen(cb: (r: OpenRequest) => void): () => void
}>

/** Method name → channel, shared by the preload and the browser-test shim. */
export const API_CHANNELS = {
  getSummary: 'inventory:summary',
  startScan: 'scan:start',
  cancelScan: 'scan:cancel',
  getBackgroundSettings: 'settings:background',
  setBackgroundSettings: 'settings:set-background',
  getWatcherStatus: 'watcher:status',
  pauseWatcher: 'watcher:pause',
  resumeWatcher: 'watcher:resume',
} as const satisfies Record<Exclude<keyof RendererApi, `on${string}`>, keyof IpcInvoke>

/** Subscription method name → event channel, shared by the preload and the browser-test shim. */
export const API_EVENTS = {
  onScanProgress: 'scan:progress',
  onInventoryChanged: 'inventory:changed',
  onWatcherStatus: 'watcher:status',
  onOpen: 'app:open',
} as const satisfies Record<Extract<keyof RendererApi, `on${string}`>, keyof IpcEvents>
