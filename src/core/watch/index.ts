/**
 * The background watcher: which folders to watch (planWatchSet), watching them within a budget
 * of OS watches (folders only, through chokidar), debouncing events per file until its writer
 * went quiet, and driving one scoped rescan at a time (createWatchService).
 */
export {
  createWatchService,
  DEFAULT_WATCH_BUDGET,
  DEFAULT_DEGRADED_EVERY_MS,
  effectiveBudget,
} from './service'
export type {
  WatchEvent,
  WatchScanReason,
  WatchScanRequest,
  WatchService,
  WatchServiceOptions,
} from './service'
export { planWatchSet, MODEL_FOLDER_DEPTH, DROP_FOLDER_DEPTH } from './watch-set'
export type { KnownLocation, WatchPlanInput } from './watch-set'
export { countInotifyWatches, inotifyLimits } from './inotify'
export { isPartialDownload } from './settle'
export type { SettleOptions } from './settle'
export { WATCH_REASONS } from './types'
export type { TargetState, TargetStatus, WatchReason, WatchStatus, WatchTarget } from './types'
export { watchInputsFromInventory, knownPathsByFolder } from './from-inventory'
export {
  createInventoryWatcher,
  hasFullScan,
  lastFullScanStart,
  lastScanStart,
  pendingDigests,
} from './inventory-watcher'
export type { InventoryWatcherOptions } from './inventory-watcher'
export { describeTargetState } from './describe'
export { createSettingsWatcher, SETTINGS_CHECK_EVERY_MS } from './settings-watcher'
export type { SettingsWatcher, SettingsWatcherOptions } from './settings-watcher'
export {
  settingsRescanPaths,
  settingsStamp,
  watchOptionsKey,
  watchScanOptions,
} from './settings-watch'
