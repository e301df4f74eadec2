/**
 * Why a folder is watched, in the order the budget serves them: the places the locators read
 * (stores, tool and agent configs, MCP client configs), the folders downloads land in, folders
 * where model files were found, folders of other files the inventory lists (keys, notebooks),
 * then the user's own scan roots.
 */
export const WATCH_REASONS = [
  'location',
  'drop-folder',
  'model-folder',
  'asset-folder',
  'root',
] as const
export type WatchReason = (typeof WATCH_REASONS)[number]

/** One folder the watcher watches, with how deep below it. */
export type WatchTarget = Readonly<{
  /** Absolute folder path. */
  path: string
  reason: WatchReason
  /**
   * Levels of subfolders watched below `path`: 0 is the folder alone (its files and the folders
   * appearing in it), undefined the whole tree (with the crawl's pruning).
   */
  depth?: number
  /** Who asked for it, for the status line and the log (a locator id, `~/Downloads`, …). */
  source: string
}>

/** How a target fared against the budget. */
export type TargetState =
  | Readonly<{ kind: 'watched'; dirs: number }>
  /**
   * Rescanned every `everyMs` instead of (fully) watched: too big for the budget, grown past it,
   * or refused by the OS (its per-user limit of watches or of open files is used up by others).
   */
  | Readonly<{
      kind: 'degraded'
      dirs: number
      everyMs: number
      why: 'over-budget' | 'grew' | 'os-limit'
    }>
  /** Its folder cannot be watched (vanished, permission denied): retried when the plan is rebuilt. */
  | Readonly<{ kind: 'failed'; message: string }>

export type TargetStatus = Readonly<{ target: WatchTarget; state: TargetState }>

/** What the watcher is doing, for the tray, the status line, `aiscout watch` and the log. */
export type WatchStatus = Readonly<{
  state: 'starting' | 'watching' | 'paused' | 'stopped'
  /** Set while paused for a while: when it resumes by itself (ms since the epoch). */
  pausedUntil?: number
  /** Folders watched (one watch each) and the budget they are held under (see effectiveBudget). */
  watchedDirs: number
  budget: number
  /** Watches the kernel reports this process holds (Linux), when asked for. */
  inotifyWatches?: number
  targets: readonly TargetStatus[]
  /** Paths waiting for their writer to go quiet, and whether a rescan is running. */
  pending: number
  scanning: boolean
}>
