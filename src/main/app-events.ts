import type {
  AppStatus,
  EventChannel,
  InventoryChanged,
  IpcEvents,
  WatcherStatus,
} from '../shared/ipc'

export type AppEventTargets = Readonly<{
  /** The push to the window (webContents.send in Electron). */
  toWindow<E extends EventChannel>(channel: E, payload: IpcEvents[E]): void
  /** The schedule's reference (when the last full scan ran) is read again. */
  readLastFullScan(): void
  /** The status line is recomputed and pushed. */
  refreshStatus(): void
  /** The watcher process re-reads the scan settings stored in the inventory. */
  scanSettingsChanged(): void
  /** The sync controller hears of a change the watcher made (it syncs once things are quiet). */
  watcherChangedInventory(): void
}>

/**
 * Electron main's fan-out of every event that main pushes to the window (from the handlers, the
 * background controller): after any inventory change the schedule's reference is read again;
 * what the watcher process changed, or its state, refreshes the status line (the handlers do
 * it for their own changes); saved scan settings reach the watcher process at once, so it
 * watches a new root or stops watching a skipped folder without a restart; the watcher's deltas
 * are synced like the handlers' own (they tell the sync controller themselves).
 */
export function createAppEvents(
  t: AppEventTargets,
): <E extends EventChannel>(channel: E, payload: IpcEvents[E]) => void {
  return (channel, payload) => {
    t.toWindow(channel, payload)
    if (channel === 'inventory:changed') {
      t.readLastFullScan()
      const reason = (payload as InventoryChanged).reason
      if (reason === 'settings') t.scanSettingsChanged()
      if (reason === 'watcher') {
        t.refreshStatus()
        t.watcherChangedInventory()
      }
    } else if (channel === 'watcher:status') t.refreshStatus()
  }
}

/** The watcher's state as the window's status line shows it. */
export function watcherLine(s: WatcherStatus): NonNullable<AppStatus['watcher']> {
  switch (s.state) {
    case 'off':
      return { state: 'off' }
    case 'failed':
      return { state: 'off', detail: s.message ?? 'the watcher stopped' }
    case 'paused':
      return { state: 'paused' }
    case 'starting':
      return { state: 'watching', detail: 'starting' }
    case 'watching':
      return s.degraded.length
        ? { state: 'degraded', detail: `${s.degraded.length} folder(s) rescanned periodically` }
        : { state: 'watching' }
  }
}
